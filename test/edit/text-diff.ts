/** Helpers of the edit tests: what changed between two texts, comment lines, models without places. */

/** Lines removed and added between two texts, after their common first and last lines. */
export interface LineDiff {
  readonly removed: readonly string[];
  readonly added: readonly string[];
}

/** The one window of lines that differs; everything before and after it is byte-identical. */
export function lineDiff(before: string, after: string): LineDiff {
  const a = before.split('\n');
  const b = after.split('\n');
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;
  return { removed: a.slice(head, a.length - tail), added: b.slice(head, b.length - tail) };
}

/** The comment lines of a text, trimmed. */
export function commentLines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('#'));
}

/** A model as plain data without source places (`loc`, `headLoc`, `file`), Maps as objects. */
export function withoutPlaces(value: unknown): unknown {
  if (value instanceof Map) return withoutPlaces(Object.fromEntries(value));
  if (Array.isArray(value)) return value.map(withoutPlaces);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => k !== 'loc' && k !== 'headLoc' && k !== 'file')
        .map(([k, v]) => [k, withoutPlaces(v)]),
    );
  }
  return value;
}
