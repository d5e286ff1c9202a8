/**
 * Conformance reports for people (a ladder in the terminal, one line per
 * step), for tools (JSON in the documented shape) and for CI (JUnit XML, one
 * testcase per step per instance).
 */
import type {
  ConformanceReport,
  DialogEvidence,
  InsideHopReport,
  InstanceReport,
  StepReport,
} from './report.js';

/** Output formats of `flowspec diff`. */
export const DIFF_FORMATS = ['text', 'json', 'junit'] as const;

/** A diff output format. */
export type DiffFormat = (typeof DIFF_FORMATS)[number];

const MARK: Record<StepReport['status'], string> = {
  matched: 'ok',
  missing: 'MISSING',
  mismatch: 'MISMATCH',
  'out-of-order': 'OUT OF ORDER',
};

function stepLine(s: StepReport, paint: (code: string, t: string) => string): string[] {
  const status = s.status === 'matched' ? paint('32', MARK[s.status]) : paint('31', MARK[s.status]);
  const where =
    s.frame !== null
      ? `frame ${s.frame}${s.delta !== null ? `, +${(s.delta * 1000).toFixed(1)} ms` : ''}`
      : '';
  const rtx =
    s.retransmissions > 0
      ? `, ${s.retransmissions} retransmission${s.retransmissions === 1 ? '' : 's'}`
      : '';
  const lines = [
    `  ${s.id.padEnd(8)} ${s.summary.padEnd(44)} ${status}${where ? ` (${where}${rtx})` : ''}`,
  ];
  if (s.violates) lines.push(`           should come after step ${s.violates}`);
  for (const d of s.diffs)
    lines.push(`           ${d.field}: expected ${d.expected}, got ${d.actual}`);
  return lines;
}

/** A hop inside a participant as the reports list it. */
function insideNote(h: InsideHopReport): string {
  return `${h.summary} inside ${h.participant} (frame ${h.frame})`;
}

/** How a dialog was joined to its instance, as the reports list it. */
function dialogNote(d: DialogEvidence): string {
  return `dialog ${d.callId}: ${d.evidence}`;
}

function instanceText(
  inst: InstanceReport,
  n: number,
  paint: (code: string, t: string) => string,
): string[] {
  const verdict = inst.verdict === 'pass' ? paint('32', 'PASS') : paint('31', 'FAIL');
  const lines = [`instance ${n} (from frame ${inst.firstFrame}): ${verdict}`];
  for (const s of inst.steps) lines.push(...stepLine(s, paint));
  for (const u of inst.unexpected)
    lines.push(
      `  ${'?'.padEnd(8)} ${u.summary.padEnd(44)} ${paint('31', 'UNEXPECTED')} (frame ${u.frame})`,
    );
  for (const h of inst.inside) lines.push(paint('2', `  ${'~'.padEnd(8)} ${insideNote(h)}`));
  for (const d of inst.dialogs) lines.push(paint('2', `  ${dialogNote(d)}`));
  return lines;
}

/**
 * The report as a terminal ladder, in pieces: the header, one piece per instance (taken from
 * `instances`, in report order), the totals. Joined, they are {@link reportText}.
 */
export function* reportTextChunks(
  r: ConformanceReport,
  instances: Iterable<InstanceReport> = r.instances,
  color = false,
): Generator<string> {
  const paint = (code: string, t: string): string => (color ? `\u001b[${code}m${t}\u001b[0m` : t);
  const lines = [`flow ${r.flow}${r.capture ? ` against ${r.capture}` : ''}`];
  lines.push('participants:');
  for (const [id, m] of Object.entries(r.mapping)) {
    const addr = m.addresses.length ? m.addresses.join(', ') : 'not seen';
    lines.push(
      `  ${id} (${m.label}) = ${addr} [${m.source}${m.evidence ? `: ${m.evidence}` : ''}]`,
    );
  }
  const facts = Object.entries(r.facts ?? {});
  if (facts.length > 0)
    lines.push(
      `facts: ${facts.map(([n, f]) => `${n}=${String(f.value)} [${f.source}]`).join(', ')}`,
    );
  yield `${lines.join('\n')}\n`;
  let n = 0;
  for (const inst of instances) yield `${instanceText(inst, ++n, paint).join('\n')}\n`;
  const tail = notStartedLines(r);
  const notListed = r.stats['passingNotListed'] ?? 0;
  if (notListed > 0) tail.push(`${notListed} more passing instance(s) not listed`);
  const total = r.stats['instances'] ?? n;
  const failing = r.stats['failing'] ?? 0;
  const inside = r.stats['insideParticipants'] ?? 0;
  const early = r.stats['finishedEarly'] ?? 0;
  if (early > 0)
    tail.push(
      `${early} instance(s) finished early: more sessions were in flight at once than --in-flight keeps open`,
    );
  tail.push(
    `${r.verdict === 'pass' ? paint('32', 'PASS') : paint('31', 'FAIL')}: ${total} instance(s), ${failing} failing; ${r.unrelated} unrelated message(s)${inside > 0 ? `; ${inside} hop(s) inside a participant` : ''}${total === 0 ? '; no instance of the flow found' : ''}`,
  );
  yield `${tail.join('\n')}\n`;
}

/** The messages that started no instance for a normative difference, a line each and their differences. */
function notStartedLines(r: ConformanceReport): string[] {
  const lines: string[] = [];
  for (const x of r.notStarted) {
    lines.push(
      `frame ${x.frame}: ${x.summary} starts no instance: it differs from step ${x.step} in a normative value`,
    );
    for (const d of x.diffs)
      lines.push(`           ${d.field}: expected ${d.expected}, got ${d.actual}`);
  }
  const notStarted = r.stats['notStarted'] ?? 0;
  if (notStarted > r.notStarted.length)
    lines.push(`${notStarted - r.notStarted.length} more such message(s) not listed`);
  return lines;
}

/** The report as a terminal ladder. */
export function reportText(r: ConformanceReport, color = false): string {
  return [...reportTextChunks(r, r.instances, color)].join('');
}

/** One instance in the documented JSON shape. */
function instanceJson(i: InstanceReport): object {
  return {
    verdict: i.verdict,
    steps: i.steps.map((s) => ({
      id: s.id,
      status: s.status,
      frame: s.frame,
      time: s.time,
      diffs: s.diffs,
      violates: s.violates,
      summary: s.summary,
      retransmissions: s.retransmissions,
    })),
    unexpected: i.unexpected,
    inside: i.inside,
    dialogs: i.dialogs,
  };
}

/**
 * One instance as it reads in the JSON report, an element of its `instances` array (lines
 * indented by four spaces): stringified inside two arrays, which is exactly that indentation.
 */
export function instanceJsonText(i: InstanceReport): string {
  // "[\n  [\n    " before the element, "\n  ]\n]" after it.
  return JSON.stringify([[instanceJson(i)]], null, 2).slice(10, -6);
}

/**
 * The JSON report in pieces around instances already written with {@link instanceJsonText}
 * (as text or as its UTF-8 bytes, in report order).
 */
export function* reportJsonAround<T extends string | Uint8Array>(
  r: ConformanceReport,
  instances: Iterable<T>,
): Generator<string | T> {
  const head = JSON.stringify({ flow: r.flow, capture: r.capture, verdict: r.verdict }, null, 2);
  yield `${head.slice(0, -2)},\n  "instances": [`;
  let n = 0;
  for (const inst of instances) {
    yield n++ > 0 ? ',\n    ' : '\n    ';
    yield inst;
  }
  const tail = JSON.stringify(
    {
      unrelated: r.unrelated,
      notStarted: r.notStarted,
      mapping: r.mapping,
      ...(r.facts ? { facts: r.facts } : {}),
      stats: r.stats,
    },
    null,
    2,
  );
  yield `${n > 0 ? '\n  ]' : ']'},${tail.slice(1)}\n`;
}

function* map<T, U>(items: Iterable<T>, f: (item: T) => U): Generator<U> {
  for (const item of items) yield f(item);
}

/**
 * The report in the documented JSON shape, in pieces (one per instance, taken from `instances`
 * in report order), so that a report of any size is written without being held whole. Joined,
 * they are {@link reportJson}, byte for byte.
 */
export function* reportJsonChunks(
  r: ConformanceReport,
  instances: Iterable<InstanceReport> = r.instances,
): Generator<string> {
  yield* reportJsonAround(r, map(instances, instanceJsonText));
}

/** The report in the documented JSON shape (plus summaries and evidence). */
export function reportJson(r: ConformanceReport): string {
  return [...reportJsonChunks(r)].join('');
}

function xml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** The JUnit test suite of instance number `n` (0-based). */
function junitSuite(r: ConformanceReport, inst: InstanceReport, n: number): string {
  const failures = inst.steps.filter((s) => s.status !== 'matched').length + inst.unexpected.length;
  const cases = inst.steps.map((s) => {
    const name = xml(`step ${s.id}: ${s.summary}`);
    if (s.status === 'matched')
      return `    <testcase classname="${xml(r.flow)}.instance${n + 1}" name="${name}"/>`;
    const detail = [
      s.violates ? `should come after step ${s.violates}` : '',
      ...s.diffs.map((d) => `${d.field}: expected ${d.expected}, got ${d.actual}`),
    ]
      .filter(Boolean)
      .join('\n');
    return `    <testcase classname="${xml(r.flow)}.instance${n + 1}" name="${name}">\n      <failure message="${xml(s.status)}">${xml(detail || s.status)}</failure>\n    </testcase>`;
  });
  for (const u of inst.unexpected) {
    cases.push(
      `    <testcase classname="${xml(r.flow)}.instance${n + 1}" name="${xml(`unexpected frame ${u.frame}`)}">\n      <failure message="unexpected">${xml(u.summary)}</failure>\n    </testcase>`,
    );
  }
  // What the text ladder shows besides steps: hops inside participants, how dialogs were joined.
  const notes = [...inst.inside.map(insideNote), ...inst.dialogs.map(dialogNote)];
  const out = notes.length > 0 ? `\n    <system-out>${xml(notes.join('\n'))}</system-out>` : '';
  return `  <testsuite name="${xml(`${r.flow} instance ${n + 1} (frame ${inst.firstFrame})`)}" tests="${cases.length}" failures="${failures}">\n${cases.join('\n')}${out}\n  </testsuite>`;
}

/**
 * The capture as a whole, after the instances: its counts as properties, and the messages that
 * started no instance for a normative difference (as the text report lists them) as output.
 */
function junitCapture(r: ConformanceReport): string {
  const counts: [string, number][] = [
    ['instances', r.stats['instances'] ?? r.instances.length],
    ['failing', r.stats['failing'] ?? 0],
    ['passingNotListed', r.stats['passingNotListed'] ?? 0],
    ['unrelated', r.unrelated],
    ['notStarted', r.stats['notStarted'] ?? r.notStarted.length],
    ['insideParticipants', r.stats['insideParticipants'] ?? 0],
    ['finishedEarly', r.stats['finishedEarly'] ?? 0],
  ];
  const props = counts
    .map(([name, value]) => `      <property name="${name}" value="${value}"/>`)
    .join('\n');
  const lines = notStartedLines(r);
  const out = lines.length > 0 ? `\n    <system-out>${xml(lines.join('\n'))}</system-out>` : '';
  return `  <testsuite name="${xml(`${r.flow} capture`)}" tests="0" failures="0">\n    <properties>\n${props}\n    </properties>${out}\n  </testsuite>`;
}

/**
 * JUnit XML in pieces (one test suite per instance, taken from `instances` in report order).
 * Joined, they are {@link reportJunit}.
 */
export function* reportJunitChunks(
  r: ConformanceReport,
  instances: Iterable<InstanceReport> = r.instances,
): Generator<string> {
  yield `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="flowspec diff ${xml(r.flow)}">\n`;
  let n = 0;
  for (const inst of instances) {
    yield `${n > 0 ? '\n' : ''}${junitSuite(r, inst, n)}`;
    n++;
  }
  if (n === 0) {
    yield `  <testsuite name="${xml(r.flow)}" tests="1" failures="1">\n    <testcase classname="${xml(r.flow)}" name="instances">\n      <failure message="no instance">no instance of the flow found</failure>\n    </testcase>\n  </testsuite>`;
  }
  yield `\n${junitCapture(r)}\n</testsuites>\n`;
}

/** JUnit XML: a testsuite per instance, a testcase per step. */
export function reportJunit(r: ConformanceReport): string {
  return [...reportJunitChunks(r)].join('');
}

/** The report in `format`, in pieces, with the instances taken from `instances` (report order). */
export function reportChunks(
  format: DiffFormat,
  r: ConformanceReport,
  instances: Iterable<InstanceReport> = r.instances,
  color = false,
): Generator<string> {
  return format === 'json'
    ? reportJsonChunks(r, instances)
    : format === 'junit'
      ? reportJunitChunks(r, instances)
      : reportTextChunks(r, instances, color);
}
