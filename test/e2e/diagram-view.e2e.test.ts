import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  arrowLatency,
  FIGURE_16,
  OUTPUT_DIR,
  startEditor,
  type EditorHarness,
} from './editor-harness.js';

const LABELS = ['PoC Client A', 'SIP/IP Core A', 'PoC Server A', 'SIP/IP Core X', 'PoC Server X'];
const STEP_IDS = ['2', '3', '4', '5', '6', '7', '8', '9', '10', '11'];

describe('the diagram of Figure 16 next to its YAML', () => {
  let editor: EditorHarness;
  beforeAll(async () => {
    editor = await startEditor();
  });
  afterAll(async () => {
    await editor?.close();
  });

  it('shows the 5 lifelines and the 10 messages with their step ids', async () => {
    const { page, errors } = await editor.openFlow(FIGURE_16);
    await page.getByTestId('lifeline-header').nth(4).waitFor();
    const labels = await page
      .locator('[data-testid=lifeline-header] .lifeline-label')
      .allTextContents();
    expect(labels).toEqual(LABELS);
    await page.locator('[data-testid=message][data-step-id="11"]').waitFor();
    const ids = await page
      .getByTestId('message')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-step-id')));
    expect([...ids].sort((a, b) => Number(a) - Number(b))).toEqual(STEP_IDS);
    const step2 = page.locator('[data-testid=message][data-step-id="2"]');
    await expect(step2.getAttribute('data-label')).resolves.toBe('BYE');
    await expect(
      page.locator('[data-testid=message][data-step-id="4"]').getAttribute('data-label'),
    ).resolves.toBe('200 OK');
    // Fragments of step 12: opt, loop and alt boxes; the refs as notes.
    const kinds = await page
      .getByTestId('fragment')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
    expect(kinds.sort()).toEqual(['alt', 'loop', 'opt']);
    await page.locator('.view-line', { hasText: 'poc.leave.on-demand' }).first().waitFor();
    await page.screenshot({ path: join(OUTPUT_DIR, 'figure-16-light.png') });
    await page.getByTestId('theme').click();
    await page.screenshot({ path: join(OUTPUT_DIR, 'figure-16-dark.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('opens another flow from the browser and lists the last one as recent', async () => {
    const { page, errors } = await editor.openFlow(FIGURE_16);
    await page.locator('[data-testid=message][data-step-id="2"]').waitFor();
    await page
      .getByTestId('flow-browser')
      .getByRole('button', { name: /^poc\/leave-pre-established/ })
      .click();
    await expect
      .poll(() => page.getByTestId('open-flow').textContent())
      .toContain('leave-pre-established');
    expect(new URL(page.url()).searchParams.get('flow')).toBe(
      'flows/poc/leave-pre-established.flow.yaml',
    );
    await expect
      .poll(() => page.getByTestId('recent-flows').textContent())
      .toContain('poc/leave-on-demand');
    await page.getByTestId('message').first().waitFor();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('keeps the lifeline headers visible while scrolling', async () => {
    const { page, errors } = await editor.openFlow(FIGURE_16);
    const header = page.getByTestId('lifeline-header').first();
    await header.waitFor();
    const before = await header.boundingBox();
    await page.getByTestId('diagram').hover();
    await page.mouse.wheel(0, 400);
    await page.waitForTimeout(300);
    const after = await header.boundingBox();
    expect(after?.y).toBe(before?.y);
    const arrow = await page.locator('[data-testid=message][data-step-id="2"]').boundingBox();
    expect(arrow?.y ?? 0).toBeLessThan(before?.y ?? 0);
    await page.screenshot({ path: join(OUTPUT_DIR, 'figure-16-scrolled.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('selects the YAML of a clicked arrow, and the arrow of the YAML line', async () => {
    const { page, errors } = await editor.openFlow(FIGURE_16);
    await page.locator('[data-testid=message][data-step-id="5"]').click();
    const yaml = page.getByTestId('yaml-editor');
    const lineOf = async (text: string): Promise<number> => {
      const file = await editor.readProjectFile(FIGURE_16);
      return file.split('\n').findIndex((l) => l.includes(text)) + 1;
    };
    await expect
      .poll(() => yaml.getAttribute('data-cursor-line'))
      .toBe(String(await lineOf('id: "5"')));
    await expect
      .poll(() => page.getByTestId('side-panel').textContent())
      .toContain('SIP/IP Core A → PoC Client A');

    await page.locator('.view-line', { hasText: /id:\s"7"/ }).click();
    await expect
      .poll(() => page.locator('[data-testid=message][data-step-id="7"]').getAttribute('class'))
      .toContain('selected');
    await expect
      .poll(() => page.getByTestId('side-panel').textContent())
      .toContain('SIP/IP Core A → SIP/IP Core X');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('updates the arrow when the method changes in the YAML, within 100 ms', async () => {
    const { page, errors } = await editor.openFlow(FIGURE_16);
    const step2 = page.locator('[data-testid=message][data-step-id="2"]');
    // Bring the line into Monaco's viewport by selecting the arrow; Monaco draws
    // spaces as no-break spaces, so the patterns match any white space.
    await step2.click();
    const method = (m: string) =>
      page
        .locator('.view-line', { hasText: new RegExp(`sip:\\s${m},\\sfrom:\\sclientA`) })
        .locator('span', { hasText: new RegExp(`^${m}$`) });
    await method('BYE').dblclick();
    await page.keyboard.type('INFO');
    await expect.poll(() => step2.getAttribute('data-label')).toBe('INFO');
    await page.screenshot({ path: join(OUTPUT_DIR, 'method-changed-in-yaml.png') });

    // The time from the last key press to the arrow, over a few edits once warm: the median.
    const measure = async (from: string, to: string): Promise<number> => {
      // Close a completion list that typing may have opened over the line.
      await page.keyboard.press('Escape');
      await expect.poll(() => step2.getAttribute('data-label')).toBe(from);
      await method(from).dblclick();
      return arrowLatency(page, '2', to, () => page.keyboard.type(to));
    };
    const names = ['INFO', 'CANCEL', 'BYE', 'INFO', 'CANCEL', 'BYE', 'INFO'];
    const times: number[] = [];
    for (let i = 1; i < names.length; i++)
      times.push(await measure(names[i - 1] as string, names[i] as string));
    const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)] ?? Infinity;
    process.stderr.write(`text edit to diagram: ${times.map((t) => t.toFixed(0)).join(', ')} ms\n`);
    expect(median).toBeLessThan(100);
    expect(errors).toEqual([]);
    await page.close();
  });
});
