/** Small statistics shared by the benchmarks. */

/** The median of a list of numbers (NaN for an empty list). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

/** Milliseconds as shown in the benchmark tables. */
export function ms(x: number): string {
  return `${x.toFixed(0)} ms`;
}
