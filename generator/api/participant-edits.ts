/**
 * Reordering lifelines: moves a participant's entry in the `participants`
 * map, with the comment lines directly above it, by splicing the text, so
 * every other line stays as written.
 */
import { isMap, type Node } from 'yaml';
import {
  applySplices,
  contentEnd,
  editableFlow,
  FlowEditError,
  leadingCommentsStart,
  lineEndAfter,
  lineStart,
  pairOf,
} from '../edit/flow-text.js';

/** Moves participant `id` next to participant `target`: after it, or before it. */
export function moveParticipant(text: string, id: string, target: string, after: boolean): string {
  const ed = editableFlow(text);
  const path = ['participants', id];
  const map = ed.document.get('participants', true);
  if (!isMap(map) || map.flow)
    throw new FlowEditError(['participants'], 'participants is not a block map');
  if (id === target) return text;
  const block = (key: string): { start: number; end: number } => {
    const pair = pairOf(map, key);
    const keyNode = pair?.key as Node | undefined;
    if (!pair || !keyNode?.range)
      throw new FlowEditError(['participants', key], 'no such participant');
    const start = leadingCommentsStart(text, lineStart(text, keyNode.range[0]));
    const last = (pair.value as Node | null) ?? keyNode;
    return { start, end: lineEndAfter(text, contentEnd(text, last)) };
  };
  const moving = block(id);
  const anchor = block(target);
  const at = after ? anchor.end : anchor.start;
  const piece = text.slice(moving.start, moving.end);
  return applySplices(
    ed,
    [
      { start: moving.start, end: moving.end, text: '' },
      { start: at, end: at, text: piece.endsWith('\n') ? piece : `${piece}\n` },
    ],
    path,
  ).text;
}
