import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIGURE_16, OUTPUT_DIR, startEditor, type EditorHarness } from './editor-harness.js';

describe('the YAML editor with the flow schema', () => {
  let editor: EditorHarness;
  beforeAll(async () => {
    editor = await startEditor();
  });
  afterAll(async () => {
    await editor?.close();
  });

  it('completes keys from the schema and reports problems on the line', async () => {
    const { page, errors } = await editor.openFlow(FIGURE_16);
    await page.locator('[data-testid=message][data-step-id="2"]').click();
    await page
      .locator('.view-line', { hasText: /dialog:\sclientLeg/ })
      .first()
      .click();
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('answ');
    await page.keyboard.press('Control+Space');
    await expect
      .poll(() => page.locator('.suggest-widget .monaco-list-row').allTextContents())
      .toContain('answers');
    await page.screenshot({ path: join(OUTPUT_DIR, 'schema-completion.png') });
    await page.keyboard.press('Escape');
    await page.keyboard.type('erz: "3"');
    await expect
      .poll(() => page.getByTestId('problems').textContent())
      .toContain('unknown key "answerz"');
    await expect.poll(() => page.locator('.squiggly-error').count()).toBeGreaterThan(0);
    // The diagram keeps the last flow that loaded, marked stale.
    await expect.poll(() => page.getByTestId('diagram').getAttribute('class')).toContain('stale');
    await page.screenshot({ path: join(OUTPUT_DIR, 'schema-problem.png') });
    // Undo in Monaco goes back word by word until the file is clean again.
    await expect
      .poll(async () => {
        await page.keyboard.press('Control+Z');
        return page.getByTestId('problems').textContent();
      })
      .toContain('0 errors');
    await expect
      .poll(() => page.getByTestId('diagram').getAttribute('class'))
      .not.toContain('stale');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows schema documentation on hover', async () => {
    const { page, errors } = await editor.openFlow(FIGURE_16);
    await page.locator('[data-testid=message][data-step-id="2"]').click();
    const line = page.locator('.view-line', { hasText: /relays:\s"2"/ }).first();
    await line.locator('span', { hasText: /^relays$/ }).hover();
    await expect
      .poll(() => page.locator('.monaco-hover').allTextContents())
      .toContainEqual(expect.stringContaining('flow.schema.json'));
    expect(errors).toEqual([]);
    await page.close();
  });

  it('reloads the open flow when it changes on disk', async () => {
    const { page, errors } = await editor.openFlow(FIGURE_16);
    await page.locator('[data-testid=message][data-step-id="2"]').waitFor();
    const file = join(editor.root, FIGURE_16);
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('sip: BYE, from: clientA', 'sip: INFO, from: clientA'));
    await expect
      .poll(() =>
        page.locator('[data-testid=message][data-step-id="2"]').getAttribute('data-label'),
      )
      .toBe('INFO');
    await expect.poll(() => page.getByTestId('status').textContent()).toContain('reloaded');
    await writeFile(file, text);
    expect(errors).toEqual([]);
    await page.close();
  });
});
