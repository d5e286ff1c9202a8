/**
 * The smallest single replacement that turns one text into another: the
 * common prefix and suffix stay, so Monaco keeps markers and folding around
 * an edit and its undo step covers only what changed.
 */

/** Replace `[start, end)` of the old text by `text`. */
export interface TextReplacement {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** The replacement from `before` to `after`; undefined when they are equal. */
export function minimalEdit(before: string, after: string): TextReplacement | undefined {
  if (before === after) return undefined;
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let tail = 0;
  while (
    tail < max - start &&
    before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)
  )
    tail++;
  return { start, end: before.length - tail, text: after.slice(start, after.length - tail) };
}
