/** Every lint rule is documented in docs/lint-rules.md: a table row and a section with an example. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LINT_RULES } from '../../generator/lint/lint-rules.js';

const doc = readFileSync('docs/lint-rules.md', 'utf8');

describe('docs/lint-rules.md', () => {
  for (const [id, rule] of Object.entries(LINT_RULES)) {
    it(`documents ${id}`, () => {
      expect(doc).toContain(`| \`${id}\` | ${rule.severity} |`);
      const section = doc.split(`\n## ${id}\n`)[1]?.split('\n## ')[0] ?? '';
      expect(section).toMatch(/Example|example/);
    });
  }

  it('documents no rule that does not exist', () => {
    const documented = [...doc.matchAll(/^## ([a-z-]+)$/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.keys(LINT_RULES).sort());
  });
});
