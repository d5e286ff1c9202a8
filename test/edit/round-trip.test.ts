/**
 * YAML -> model -> YAML, on every shipped flow and every fixture that loads:
 * saving keeps the text, flowToYaml keeps the meaning (the reloaded model is
 * the original, places aside), and updateFlowText keeps meaning and comments.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  editableFlow,
  flowToYaml,
  saveFlowText,
  updateFlowText,
} from '../../generator/edit/index.js';
import { loadFlowText, type LoadedFlow } from '../../generator/load/load-flow.js';
import type { FlowDocument } from '../../generator/model/flow-schema.js';
import { FIXTURE_DIR, flowFilesUnder } from '../validate/fixture-files.js';
import { commentLines, withoutPlaces } from './text-diff.js';

const FILES = [...flowFilesUnder('flows'), ...flowFilesUnder(FIXTURE_DIR)];
const loaded = FILES.map((f) => loadFlowText(readFileSync(f, 'utf8'), f));
const models = loaded.filter(
  (l): l is LoadedFlow & { flow: NonNullable<LoadedFlow['flow']> } => l.flow !== undefined,
);
const names = (list: readonly LoadedFlow[]): [string, LoadedFlow][] => list.map((l) => [l.file, l]);

/** A changed copy of a flow document: new title, a step inserted, a note on the last step, no problems. */
function changed(doc: FlowDocument): FlowDocument {
  const steps = [...doc.steps];
  steps.splice(1, 0, {
    id: 'new-1',
    message: {
      sip: 'INFO',
      from: Object.keys(doc.participants)[0],
      to: Object.keys(doc.participants)[0],
    },
    headers: { 'Content-Type': 'application/vnd.example' },
  } as FlowDocument['steps'][number]);
  const last = steps.length - 1;
  steps[last] = { ...steps[last], note: 'Edited.' } as FlowDocument['steps'][number];
  const { problems: _problems, ...rest } = doc;
  return { ...rest, title: `${doc.title} (edited)`, steps };
}

describe('round trips', () => {
  it('covers the shipped flows and the fixtures', () => {
    expect(models.length).toBeGreaterThan(FILES.length / 2);
    expect(models.some((m) => m.file.startsWith('flows'))).toBe(true);
  });

  it.each(names(loaded))('%s: saving an unedited flow gives its text back', (_f, l) => {
    expect(saveFlowText(l)).toBe(l.text);
  });

  it.each(names(models))('%s: flowToYaml keeps the meaning', (file, l) => {
    const data = l.document.toJS() as FlowDocument;
    const yaml = flowToYaml(data);
    const again = loadFlowText(yaml, file);
    expect(again.findings.map((f) => f.rule)).toEqual(l.findings.map((f) => f.rule));
    expect(again.document.toJS()).toEqual(data);
    expect(withoutPlaces(again.flow)).toEqual(withoutPlaces(l.flow));
  });

  it.each(names(models))('%s: updateFlowText keeps the meaning and every comment', (file, l) => {
    const next = changed(l.document.toJS() as FlowDocument);
    const out = updateFlowText(l, next).text;
    const reloaded = loadFlowText(out, file);
    expect(reloaded.document.toJS()).toEqual(next);
    // Through the model and back, or written afresh: the same model.
    const fresh = loadFlowText(flowToYaml(next), file);
    expect(withoutPlaces(reloaded.flow)).toEqual(withoutPlaces(fresh.flow));
    const kept = commentLines(out);
    for (const c of commentLines(l.text)) expect(kept).toContain(c);
  });

  it('saves a Document changed through the yaml API into the text, comments kept', () => {
    const l = models.find((m) => m.file.endsWith('edit-sample.flow.yaml')) as LoadedFlow;
    l.document.setIn(['participants', 'clientA', 'label'], 'PoC Client A1');
    const out = saveFlowText(l);
    expect(out).toContain('  clientA: { role: poc-client, label: PoC Client A1, network: A }\n');
    expect(commentLines(out)).toEqual(commentLines(l.text));
    expect(editableFlow(out).document.toJS()).toEqual(l.document.toJS());
  });
});

describe('flowToYaml', () => {
  const l = models.find((m) => m.file.endsWith('clean-par-alt-ref.flow.yaml')) as LoadedFlow;
  const yaml = flowToYaml(l.document.toJS() as FlowDocument, {
    schema: '../../schema/flow.schema.json',
  });

  it('starts with the yaml-language-server modeline when asked', () => {
    expect(yaml.split('\n')[0]).toBe(
      '# yaml-language-server: $schema=../../schema/flow.schema.json',
    );
  });

  it('writes participants and message heads in flow style, the rest in block style', () => {
    expect(yaml).toContain(
      '  serverA: { role: poc-server-participating, label: PoC Server A, network: A, mode: b2bua }\n',
    );
    expect(yaml).toContain('          message: { sip: BYE, from: serverX, to: serverA }\n');
    expect(yaml).not.toMatch(/message:\n/);
    expect(yaml).toContain('variables:\n  sessionUri:\n    type: uri\n');
    expect(yaml).toContain('            ref:\n              flow: fixture.helper.disconnect\n');
  });
});
