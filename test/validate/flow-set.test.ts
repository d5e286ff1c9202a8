/**
 * Validating sets of files: two flows with one id, refs resolved across the
 * files of a folder, and a path that is not there.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FlowPathError, loadFlowSet, validatePaths } from '../../generator/project/flow-set.js';

const flow = (id: string, extra = ''): string => `id: ${id}
title: ${id}
participants:
  serverX: { role: poc-server-controlling, label: PoC Server X }
  clientB: { role: poc-client, label: PoC Client B }
steps:
${extra}  - { id: "1", message: { sip: BYE, from: serverX, to: clientB } }
  - { id: "2", answers: "1", message: { sip: 200 OK, from: clientB, to: serverX } }
`;

function folder(files: Record<string, string>): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'flowspec-set-')), 'flows');
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('validatePaths', () => {
  it('reports duplicate-flow-id on the second file that uses an id', async () => {
    const dir = folder({
      'a.flow.yaml': flow('test.set.same'),
      'b.flow.yaml': `# the same id again\n${flow('test.set.same')}`,
    });
    const { files, findings } = await validatePaths([dir]);
    expect(files).toBe(2);
    expect(findings.map((f) => [f.rule, f.severity, f.file, f.line, f.column])).toEqual([
      ['duplicate-flow-id', 'error', relative(process.cwd(), join(dir, 'b.flow.yaml')), 2, 1],
    ]);
  });

  it('resolves a ref to a neighbour in the same flows/ folder, named or not', async () => {
    const dir = folder({
      'callee.flow.yaml': flow('test.set.callee'),
      'caller.flow.yaml': flow(
        'test.set.caller',
        '  - { id: "0", ref: { flow: test.set.callee } }\n',
      ),
    });
    const { findings } = await validatePaths([join(dir, 'caller.flow.yaml')]);
    expect(findings).toEqual([]);
    const missing = folder({
      'caller.flow.yaml': flow(
        'test.set.lonely',
        '  - { id: "0", ref: { flow: test.set.gone } }\n',
      ),
    });
    const r = await validatePaths([missing]);
    expect(r.findings.map((f) => [f.rule, f.line, f.column, f.step])).toEqual([
      ['ref-missing-flow', 7, 5, '0'],
    ]);
  });

  it('finds neighbours by id however the id is written, the first in path order winning', async () => {
    const dir = folder({
      'a.flow.yaml': flow('test.lazy.twice'),
      'b.flow.yaml': flow('test.lazy.twice'),
      'c.flow.yaml': flow('test.lazy.caller').replace(
        'id: test.lazy.caller',
        'id: "test.lazy.caller"',
      ),
      'd.flow.yaml': flow('test.lazy.anchored').replace(
        'id: test.lazy.anchored',
        'id: &i test.lazy.anchored',
      ),
      'e.flow.yaml': `title: no id here\n`,
      'f.flow.yaml': flow('test.lazy.named'),
    });
    const set = await loadFlowSet([join(dir, 'f.flow.yaml')]);
    const file = (name: string): string => relative(process.cwd(), join(dir, name));
    expect(set.index.get('test.lazy.twice')?.file).toBe(file('a.flow.yaml'));
    expect(set.index.get('test.lazy.caller')?.file).toBe(file('c.flow.yaml'));
    expect(set.index.get('test.lazy.anchored')?.file).toBe(file('d.flow.yaml'));
    expect(set.index.has('test.lazy.none')).toBe(false);
    // Listing the index gives the requested flows first, then the neighbours in path order
    // (this folder's, then those of the current directory's flows/).
    const keys = [...set.index.keys()];
    expect(keys.slice(0, 4)).toEqual([
      'test.lazy.named',
      'test.lazy.twice',
      'test.lazy.caller',
      'test.lazy.anchored',
    ]);
    expect(keys).toContain('poc.leave.on-demand');
    expect(set.index.size).toBe(keys.length);
  });

  it('throws FlowPathError for a path that does not exist', async () => {
    await expect(validatePaths(['test/fixtures/flows/none.flow.yaml'])).rejects.toThrow(
      FlowPathError,
    );
  });
});
