import { copyFile, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIGURE_16, OUTPUT_DIR, startEditor, type EditorHarness } from './editor-harness.js';

describe('a flow file outside the project', () => {
  let editor: EditorHarness;
  let dir: string;
  let file: string;
  beforeAll(async () => {
    editor = await startEditor();
    dir = await realpath(await mkdtemp(join(tmpdir(), 'flowspec-outside-')));
    // Any .yaml name: outside flows/ the editor does not ask for .flow.yaml.
    file = join(dir, 'my-leave.yaml');
    await copyFile(FIGURE_16, file);
    await writeFile(join(dir, 'notes.txt'), 'not a flow\n');
    await copyFile(FIGURE_16, join(dir, 'never-opened.yaml'));
  });
  afterAll(async () => {
    await editor?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('opens it by path, edits and saves it, and lists it as recent', async () => {
    const { page, errors } = await editor.openFlow(FIGURE_16);
    await page.locator('[data-testid=message][data-step-id="2"]').waitFor();

    // Only .yaml and .yml files: anything else is refused with the reason.
    await page.getByTestId('open-file').click();
    await page.getByTestId('open-file-path').fill(join(dir, 'notes.txt'));
    await page.getByTestId('open-file-submit').click();
    await expect
      .poll(() => page.getByTestId('status').textContent())
      .toContain('not a .yaml or .yml file');

    await page.getByTestId('open-file').click();
    await page.getByTestId('open-file-path').fill(file);
    await page.getByTestId('open-file-submit').click();
    await expect.poll(() => page.getByTestId('open-flow').textContent()).toBe(file);
    await expect.poll(() => new URL(page.url()).searchParams.get('flow')).toBe(file);
    const arrow = page.locator('[data-testid=message][data-step-id="2"]');
    await expect.poll(() => arrow.getAttribute('data-label')).toBe('BYE');

    await arrow.click();
    await page.getByTestId('message-type').fill('CANCEL');
    await page.getByTestId('apply-type').click();
    await expect.poll(() => arrow.getAttribute('data-label')).toBe('CANCEL');
    await page.getByTestId('save').click();
    await expect
      .poll(() => readFile(file, 'utf8'))
      .toContain('    message: { sip: CANCEL, from: clientA, to: coreA }');
    await expect.poll(() => page.getByTestId('status').textContent()).toContain(`saved ${file}`);
    // The project's own copy is untouched.
    expect(await editor.readProjectFile(FIGURE_16)).toContain('message: { sip: BYE, from: clientA');
    await page.screenshot({ path: join(OUTPUT_DIR, 'opened-outside-flows.png') });

    // The server reads and writes no other file outside the project.
    const call = async (method: string, body: unknown) => {
      const r = await fetch(new URL(`api/${method}`, editor.url), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: r.status, body: (await r.json()) as { error: { message: string } } };
    };
    for (const r of [
      await call('readFlow', { path: join(dir, 'never-opened.yaml') }),
      await call('writeFlow', { path: join(dir, 'new.yaml'), text: 'id: x\n' }),
    ]) {
      expect(r.status).toBe(403);
      expect(r.body.error.message).toContain('was not opened with Open file');
    }

    // Another flow, then back through the recent list.
    await page
      .getByTestId('flow-browser')
      .getByRole('button', { name: /^poc\/leave-pre-established/ })
      .click();
    await expect.poll(() => page.getByTestId('open-flow').textContent()).toContain('leave-pre');
    const recent = page.getByTestId('recent-flows').getByRole('button', { name: /my-leave\.yaml/ });
    await recent.click();
    await expect.poll(() => page.getByTestId('open-flow').textContent()).toBe(file);
    await expect.poll(() => arrow.getAttribute('data-label')).toBe('CANCEL');
    // The one console error is the browser's note of the refused notes.txt (HTTP 403).
    expect(errors).toEqual([expect.stringContaining('403')]);
    await page.close();
  });
});
