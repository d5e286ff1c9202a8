import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIGURE_16, OUTPUT_DIR, startEditor, type EditorHarness } from './editor-harness.js';

const LABELS = ['PoC Client A', 'SIP/IP Core A', 'PoC Server A', 'SIP/IP Core X', 'PoC Server X'];

function arrow(page: Page, step: string) {
  return page.locator(`[data-testid=message][data-step-id="${step}"]`);
}

/** Saves, then waits until the saved file holds `check`. */
async function saveAndRead(
  page: Page,
  editor: EditorHarness,
  check: (text: string) => boolean,
): Promise<string> {
  await page.getByTestId('save').click();
  await expect.poll(async () => check(await editor.readProjectFile(FIGURE_16))).toBe(true);
  return editor.readProjectFile(FIGURE_16);
}

describe('editing Figure 16 in the diagram (on a copy of flows/)', () => {
  let editor: EditorHarness;
  let original: string;
  let comments: string[];
  beforeAll(async () => {
    editor = await startEditor();
    original = await editor.readProjectFile(FIGURE_16);
    comments = original.split('\n').filter((l) => l.trim().startsWith('#'));
  });
  afterAll(async () => {
    await editor?.close();
  });

  it('changes method and headers in the side panel, keeping comments; undo restores', async () => {
    const { page, errors } = await editor.openFlow(FIGURE_16);
    await arrow(page, '2').click();
    await page.getByTestId('message-type').fill('CANCEL');
    await page.getByTestId('apply-type').click();
    await expect.poll(() => arrow(page, '2').getAttribute('data-label')).toBe('CANCEL');

    await page.getByTestId('add-header').click();
    await page.getByTestId('header-name').last().fill('Reason');
    await page.getByTestId('header-value').last().fill('SIP;cause=200;text="Call completed"');
    await page.getByTestId('apply-headers').click();
    await expect
      .poll(() => page.getByTestId('status').textContent())
      .toContain('setHeaders applied');
    await page.screenshot({ path: join(OUTPUT_DIR, 'side-panel-edit.png') });
    const text = await saveAndRead(page, editor, (t) => t.includes('Reason:'));
    expect(text).toContain('    message: { sip: CANCEL, from: clientA, to: coreA }');
    expect(text).toContain('      Reason: SIP;cause=200;text="Call completed"');
    for (const c of comments) expect(text).toContain(c);
    // Only the edited lines changed.
    expect(text.split('\n').length).toBe(original.split('\n').length + 1);

    await page.getByTestId('undo').click();
    await page.getByTestId('undo').click();
    await expect.poll(() => arrow(page, '2').getAttribute('data-label')).toBe('BYE');
    await page.getByTestId('redo').click();
    await expect.poll(() => arrow(page, '2').getAttribute('data-label')).toBe('CANCEL');
    await page.getByTestId('undo').click();
    expect(await saveAndRead(page, editor, (t) => t === original)).toBe(original);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('reorders a message by dragging it', async () => {
    const { page, errors } = await editor.openFlow(FIGURE_16);
    const from = await arrow(page, '5').boundingBox();
    const to = await arrow(page, '3').boundingBox();
    if (!from || !to) throw new Error('arrows 3 and 5 are not drawn');
    await page.mouse.move(from.x + from.width / 2, from.y + from.height - 8);
    await page.mouse.down();
    for (let i = 1; i <= 10; i++)
      await page.mouse.move(
        from.x + from.width / 2,
        from.y + from.height - 8 + ((to.y - from.y) * i) / 10,
      );
    await page.mouse.up();
    await expect.poll(() => page.getByTestId('status').textContent()).toContain('moveStep applied');
    const text = await saveAndRead(page, editor, (t) => t !== original);
    expect(text.indexOf('id: "5"')).toBeLessThan(text.indexOf('id: "3"'));
    for (const c of comments) expect(text).toContain(c);
    await page.screenshot({ path: join(OUTPUT_DIR, 'dragged-step-5.png') });
    await page.getByTestId('undo').click();
    expect(await saveAndRead(page, editor, (t) => t === original)).toBe(original);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('adds a message after a step and wraps it in an opt fragment', async () => {
    const { page, errors } = await editor.openFlow(FIGURE_16);
    await arrow(page, '11').click();
    await page.getByTestId('new-from').selectOption('serverA');
    await page.getByTestId('new-to').selectOption('clientA');
    await page.getByTestId('new-id').fill('11a');
    await page.getByTestId('new-sip').fill('NOTIFY');
    await page.getByTestId('add-message').click();
    await expect.poll(() => arrow(page, '11a').getAttribute('data-label')).toBe('NOTIFY');
    await page.getByTestId('wrap-kind').selectOption('opt');
    await page.getByTestId('wrap-guard').fill("session.kind == 'on-demand'");
    await page.getByTestId('wrap-decided-by').selectOption('serverA');
    await page.getByTestId('wrap-step').click();
    await expect.poll(() => page.getByTestId('fragment').count()).toBe(4);
    await page.screenshot({ path: join(OUTPUT_DIR, 'added-and-wrapped.png') });
    const text = await saveAndRead(page, editor, (t) => t.includes('11a'));
    expect(text).toMatch(
      /- opt:\n\s+guard: session\.kind == 'on-demand'\n\s+steps:\n\s+- id: 11a\n\s+message: \{ sip: NOTIFY, from: serverA, to: clientA \}/,
    );
    for (const c of comments) expect(text).toContain(c);
    await page.getByTestId('undo').click();
    await page.getByTestId('undo').click();
    expect(await saveAndRead(page, editor, (t) => t === original)).toBe(original);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('reorders lifelines by dragging a header', async () => {
    const { page, errors } = await editor.openFlow(FIGURE_16);
    const headers = page.getByTestId('lifeline-header');
    await headers.nth(4).waitFor();
    const from = await headers.nth(4).boundingBox();
    const to = await headers.nth(0).boundingBox();
    if (!from || !to) throw new Error('headers are not drawn');
    const y = from.y + from.height / 2;
    await page.mouse.move(from.x + from.width / 2, y);
    await page.mouse.down();
    for (let i = 1; i <= 10; i++)
      await page.mouse.move(from.x + from.width / 2 + ((to.x - from.x) * i) / 10, y);
    await page.mouse.up();
    await expect
      .poll(() => page.locator('[data-testid=lifeline-header] .lifeline-label').allTextContents())
      .toEqual(['PoC Server X', 'PoC Client A', 'SIP/IP Core A', 'PoC Server A', 'SIP/IP Core X']);
    await page.screenshot({ path: join(OUTPUT_DIR, 'lifeline-moved.png') });
    const text = await saveAndRead(page, editor, (t) => t !== original);
    expect(text.indexOf('  serverX:')).toBeLessThan(text.indexOf('  clientA:'));
    for (const c of comments) expect(text).toContain(c);
    await page.getByTestId('undo').click();
    expect(await saveAndRead(page, editor, (t) => t === original)).toBe(original);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('deletes the selected step with the Delete key, and undoes it', async () => {
    const { page, errors } = await editor.openFlow(FIGURE_16);
    await arrow(page, '11').click();
    await page.keyboard.press('Delete');
    await expect.poll(() => arrow(page, '11').count()).toBe(0);
    await expect.poll(() => page.getByTestId('message').count()).toBe(9);
    await page.keyboard.press('Control+Z');
    await expect.poll(() => arrow(page, '11').count()).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('exports SVG, PNG, Mermaid and PlantUML', async () => {
    const { page, errors } = await editor.openFlow(FIGURE_16);
    await arrow(page, '11').waitFor();
    const [svgDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-svg').click(),
    ]);
    const svgPath = join(OUTPUT_DIR, 'leave-on-demand.svg');
    await svgDownload.saveAs(svgPath);
    expect(svgDownload.suggestedFilename()).toBe('leave-on-demand.svg');
    const svg = await readFile(svgPath, 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    for (const l of LABELS) expect(svg).toContain(`>${l}</text>`);
    for (let id = 2; id <= 11; id++) expect(svg).toContain(`class="message" data-step-id="${id}"`);
    // The SVG renders: Chromium opens it and draws the five headers.
    const view = await editor.browser.newPage();
    await view.goto(`data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`);
    await view.screenshot({ path: join(OUTPUT_DIR, 'exported-svg.png') });
    await view.close();

    const [png] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-png').click(),
    ]);
    const pngPath = join(OUTPUT_DIR, 'leave-on-demand.png');
    await png.saveAs(pngPath);
    const bytes = await readFile(pngPath);
    expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    // Twice the SVG's width, as the PNG is drawn at scale 2.
    const svgWidth = Number(/width="(\d+)"/.exec(svg)?.[1]);
    expect(bytes.readUInt32BE(16)).toBe(svgWidth * 2);

    const [mmd] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-mermaid').click(),
    ]);
    const mmdPath = join(OUTPUT_DIR, 'leave-on-demand.mmd');
    await mmd.saveAs(mmdPath);
    const mermaid = await readFile(mmdPath, 'utf8');
    expect(mermaid).toContain('sequenceDiagram');
    expect(mermaid).toContain('clientA->>coreA: 2 BYE');
    expect(mermaid).toContain('coreA-->>clientA: 5 200 OK');

    const [puml] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-plantuml').click(),
    ]);
    expect(puml.suggestedFilename()).toBe('leave-on-demand.puml');
    const pumlPath = join(OUTPUT_DIR, 'leave-on-demand.puml');
    await puml.saveAs(pumlPath);
    const plantuml = await readFile(pumlPath, 'utf8');
    expect(plantuml.startsWith('@startuml\n')).toBe(true);
    expect(plantuml).toContain('clientA -> coreA : 2 BYE');
    expect(plantuml).toContain('coreA --> clientA : 5 200 OK');
    expect(plantuml.trimEnd().endsWith('@enduml')).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });
});
