/**
 * Conformance reports for people (a ladder in the terminal, one line per
 * step), for tools (JSON in the documented shape) and for CI (JUnit XML, one
 * testcase per step per instance).
 */
import type { ConformanceReport, InstanceReport, StepReport } from './report.js';

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
  for (const d of inst.dialogs) lines.push(paint('2', `  dialog ${d.callId}: ${d.evidence}`));
  return lines;
}

/** The report as a terminal ladder. */
export function reportText(r: ConformanceReport, color = false): string {
  const paint = (code: string, t: string): string => (color ? `\u001b[${code}m${t}\u001b[0m` : t);
  const lines = [`flow ${r.flow}${r.capture ? ` against ${r.capture}` : ''}`];
  lines.push('participants:');
  for (const [id, m] of Object.entries(r.mapping)) {
    const addr = m.addresses.length ? m.addresses.join(', ') : 'not seen';
    lines.push(
      `  ${id} (${m.label}) = ${addr} [${m.source}${m.evidence ? `: ${m.evidence}` : ''}]`,
    );
  }
  r.instances.forEach((inst, i) => lines.push(...instanceText(inst, i + 1, paint)));
  const notListed = r.stats['passingNotListed'] ?? 0;
  if (notListed > 0) lines.push(`${notListed} more passing instance(s) not listed`);
  const total = r.stats['instances'] ?? r.instances.length;
  const failing = r.stats['failing'] ?? 0;
  lines.push(
    `${r.verdict === 'pass' ? paint('32', 'PASS') : paint('31', 'FAIL')}: ${total} instance(s), ${failing} failing; ${r.unrelated} unrelated message(s)${total === 0 ? '; no instance of the flow found' : ''}`,
  );
  return `${lines.join('\n')}\n`;
}

/** The report in the documented JSON shape (plus summaries and evidence). */
export function reportJson(r: ConformanceReport): string {
  return `${JSON.stringify(
    {
      flow: r.flow,
      capture: r.capture,
      verdict: r.verdict,
      instances: r.instances.map((i) => ({
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
        dialogs: i.dialogs,
      })),
      unrelated: r.unrelated,
      mapping: r.mapping,
      stats: r.stats,
    },
    null,
    2,
  )}\n`;
}

function xml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** JUnit XML: a testsuite per instance, a testcase per step. */
export function reportJunit(r: ConformanceReport): string {
  const suites = r.instances.map((inst, n) => {
    const failures =
      inst.steps.filter((s) => s.status !== 'matched').length + inst.unexpected.length;
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
    return `  <testsuite name="${xml(`${r.flow} instance ${n + 1} (frame ${inst.firstFrame})`)}" tests="${cases.length}" failures="${failures}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  if (r.instances.length === 0) {
    suites.push(
      `  <testsuite name="${xml(r.flow)}" tests="1" failures="1">\n    <testcase classname="${xml(r.flow)}" name="instances">\n      <failure message="no instance">no instance of the flow found</failure>\n    </testcase>\n  </testsuite>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="flowspec diff ${xml(r.flow)}">\n${suites.join('\n')}\n</testsuites>\n`;
}
