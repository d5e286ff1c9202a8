/**
 * Diagram edits of the editor, applied through generator/edit: every edit
 * splices only the text of the nodes it touches, so comments, blank lines
 * and formatting elsewhere stay byte for byte as written.
 */
import { isMap, parse } from 'yaml';
import type { StepDocument } from '../model/flow-schema.js';
import { moveParticipant } from './participant-edits.js';
import type { FlowEdit, FlowStructureEdit, YamlPath } from '../../api/index.js';
import {
  deleteNode,
  editableFlow,
  FlowEditError,
  insertStep,
  moveStep,
  setValue,
  wrapSteps,
  type EditableFlow,
} from '../edit/index.js';

export { FlowEditError };

/** The protocol key a message step uses (`sip`, `mbcp`, `indication`); `sip` when none. */
function messageKey(ed: EditableFlow, path: YamlPath): 'sip' | 'mbcp' | 'indication' {
  const head = ed.document.getIn([...path, 'message'], true);
  if (!isMap(head)) throw new FlowEditError(path, 'the step is not a message');
  return (['sip', 'mbcp', 'indication'] as const).find((k) => head.has(k)) ?? 'sip';
}

/** A header value written as YAML text: `id` stays a string, `{ is: dialog.callId }` a map. */
function headerValue(text: string): unknown {
  try {
    const v: unknown = parse(text);
    return v !== null && typeof v === 'object' ? v : text.trim();
  } catch {
    return text.trim();
  }
}

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

function setHeaders(
  ed: EditableFlow,
  edit: Extract<FlowEdit, { kind: 'setHeaders' }>,
): EditableFlow {
  const names = new Set<string>();
  for (const h of edit.headers) {
    if (!HEADER_NAME.test(h.name.trim()))
      throw new FlowEditError(edit.path, `"${h.name}" is not a header field name`);
    if (names.has(h.name.trim().toLowerCase()))
      throw new FlowEditError(edit.path, `header ${h.name.trim()} is given twice`);
    names.add(h.name.trim().toLowerCase());
  }
  const headersPath = [...edit.path, 'headers'];
  const current = ed.document.getIn(headersPath, true);
  if (edit.headers.length === 0) return isMap(current) ? deleteNode(ed, headersPath) : ed;
  let next = ed;
  if (isMap(current))
    for (const name of Object.keys(current.toJSON() as Record<string, unknown>))
      if (!edit.headers.some((h) => h.name.trim() === name))
        next = deleteNode(next, [...headersPath, name]);
  for (const h of edit.headers) {
    const path = [...headersPath, h.name.trim()];
    const value = headerValue(h.value);
    const old: unknown = next.document.getIn(path);
    if (JSON.stringify(old) !== JSON.stringify(value)) next = setValue(next, path, value);
  }
  return next;
}

/** Applies one edit to flow text and returns the new text. */
export function applyFlowEdit(text: string, edit: FlowEdit | FlowStructureEdit): string {
  const ed = editableFlow(text);
  if (ed.document.errors.length > 0)
    throw new FlowEditError(
      'path' in edit ? edit.path : 'listPath' in edit ? edit.listPath : ['participants'],
      'the YAML has syntax errors; fix them first',
    );
  switch (edit.kind) {
    case 'insertMessage': {
      const { id, from, to, sip } = edit.message;
      const step: StepDocument = {
        ...(id !== undefined ? { id } : {}),
        message: { sip: sip.trim(), from, to },
      };
      return insertStep(ed, edit.listPath, edit.index, step).text;
    }
    case 'moveParticipant':
      return moveParticipant(text, edit.id, edit.target, edit.after);
    case 'wrapSteps':
      return wrapSteps(ed, edit.listPath, edit.from, edit.to, edit.fragment).text;
    case 'setMessageType': {
      const value = edit.value.trim();
      if (!value) throw new FlowEditError(edit.path, 'the method or status is empty');
      // A bare status code stays a number, as authors write `sip: 180`.
      const typed: unknown = /^\d{3}$/.test(value) ? Number(value) : value;
      return setValue(ed, [...edit.path, 'message', messageKey(ed, edit.path)], typed).text;
    }
    case 'setHeaders':
      return setHeaders(ed, edit).text;
    case 'setBody':
      if (edit.body !== '') return setValue(ed, [...edit.path, 'body'], edit.body).text;
      return ed.document.hasIn([...edit.path, 'body'])
        ? deleteNode(ed, [...edit.path, 'body']).text
        : text;
    case 'deleteStep':
      return deleteNode(ed, edit.path).text;
    case 'moveStep':
      return moveStep(ed, edit.path, edit.toList ?? edit.path.slice(0, -1), edit.toIndex).text;
  }
}
