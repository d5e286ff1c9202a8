import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFigure16Capture } from './capture-fixtures.js';
import { FIGURE_16, OUTPUT_DIR, startEditor, type EditorHarness } from './editor-harness.js';

const STEP_IDS = ['2', '3', '4', '5', '6', '7', '8', '9', '10', '11'];

describe('a capture diffed on the diagram of Figure 16', () => {
  let editor: EditorHarness;
  let conformant: string;
  beforeAll(async () => {
    editor = await startEditor();
    conformant = await writeFigure16Capture(editor.root, 'captures/figure-16.pcap', FIGURE_16);
    await writeFigure16Capture(editor.root, 'captures/figure-16-no-7.pcap', FIGURE_16, ['7']);
  });
  afterAll(async () => {
    await editor?.close();
  });

  it('marks every arrow with its frame, then the step left out as missing', async () => {
    const { page, errors } = await editor.openFlow(FIGURE_16);
    await page.locator('[data-testid=message][data-step-id="11"]').waitFor();

    // Open capture… in the browser: the file picker, the bytes uploaded through the API.
    await page.getByTestId('capture-file').setInputFiles(conformant);
    await page.getByTestId('capture-panel').waitFor();
    await expect
      .poll(() => page.locator('[data-testid=message][data-diff-status=matched]').count())
      .toBe(10);
    const frames = await page
      .getByTestId('message')
      .evaluateAll((els) =>
        els.map((e) => [e.getAttribute('data-step-id'), e.getAttribute('data-frame')]),
      );
    expect(
      [...frames].sort((a, b) => Number(a[0]) - Number(b[0])).map(([id, frame]) => [id, frame]),
    ).toEqual(STEP_IDS.map((id, i) => [id, String(i + 1)]));
    await expect(
      page
        .locator('[data-testid=message][data-step-id="5"] [data-testid=diff-badge]')
        .textContent(),
    ).resolves.toBe('#4');
    await expect(page.locator('.capture-panel .verdict').textContent()).resolves.toBe('pass');

    // The same flow with a capture of the project by path (?capture=), step 7 left out.
    const url = new URL(page.url());
    url.searchParams.set('capture', 'captures/figure-16-no-7.pcap');
    await page.goto(url.href);
    const step7 = page.locator('[data-testid=message][data-step-id="7"]');
    await expect.poll(() => step7.getAttribute('data-diff-status')).toBe('missing');
    await expect(step7.getByTestId('diff-badge').textContent()).resolves.toBe('missing');
    await expect(step7.getAttribute('data-frame')).resolves.toBeNull();
    await expect(
      page.locator('[data-testid=message][data-step-id="8"]').getAttribute('data-frame'),
    ).resolves.toBe('6');
    await expect(page.locator('.capture-panel .verdict').textContent()).resolves.toBe('fail');
    await step7.click();
    await expect
      .poll(() => page.getByTestId('capture-selected').textContent())
      .toContain('missing');
    await page.screenshot({ path: join(OUTPUT_DIR, 'figure-16-diff-overlay.png') });

    await page.getByTestId('clear-capture').click();
    await expect.poll(() => page.getByTestId('diff-badge').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});
