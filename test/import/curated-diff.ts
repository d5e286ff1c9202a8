/**
 * Step-by-step comparison of an imported draft with the curated flow of the
 * same figure: participants by label, direction, method or status, header
 * names. Used by compare-curated.test.ts.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { childSteps } from '../../generator/load/normalize.js';
import { loadFlowText } from '../../generator/load/load-flow.js';
import type { Flow, MessageStep, Step } from '../../generator/model/flow-model.js';

/** Every flow under a folder that loads, with its file. */
export function curatedFlows(dir: string): Flow[] {
  const out: Flow[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (e.endsWith('.flow.yaml')) {
        const flow = loadFlowText(readFileSync(p, 'utf8'), p).flow;
        if (flow) out.push(flow);
      }
    }
  };
  walk(dir);
  return out;
}

/** Every step, depth first, in document order. */
export function allSteps(steps: readonly Step[]): Step[] {
  return steps.flatMap((s) => [s, ...childSteps(s).flatMap((c) => allSteps(c))]);
}

function what(s: MessageStep): string {
  const m = s.message;
  if (!m) return '?';
  if (m.protocol === 'sip') return m.type === 'request' ? m.method : String(m.status);
  return `${m.protocol} ${m.name}`;
}

/** The differences between a draft and its curated flow, one line each. */
export function compareDraft(draft: Flow, curated: Flow): string[] {
  const label = (f: Flow, id: string | undefined): string =>
    id === undefined ? '(none)' : (f.participants.get(id)?.label ?? id);
  const curatedSteps = allSteps(curated.steps).filter((s) => s.hasId);
  const byId = new Map(curatedSteps.map((s) => [s.id, s]));
  const out: string[] = [];
  for (const d of allSteps(draft.steps).filter((s) => s.hasId)) {
    const c = byId.get(d.id);
    const at = `step ${d.id}`;
    if (!c) {
      out.push(`${at}: not in the curated flow (draft: ${d.kind})`);
      continue;
    }
    if (d.kind !== 'message' || c.kind !== 'message') {
      if ((d.kind === 'message') !== (c.kind === 'message'))
        out.push(`${at}: draft ${d.kind}, curated ${c.kind}`);
      continue;
    }
    const dl = `${label(draft, d.from)} -> ${label(draft, d.to)}`;
    const cl = `${label(curated, c.from)} -> ${label(curated, c.to)}`;
    if (dl !== cl) out.push(`${at}: draft ${dl}, curated ${cl}`);
    if (what(d) !== what(c)) out.push(`${at}: draft ${what(d)}, curated ${what(c)}`);
    const dh = d.headers
      .map((h) => h.name)
      .sort()
      .join(', ');
    const ch = c.headers
      .map((h) => h.name)
      .sort()
      .join(', ');
    if (dh !== ch) out.push(`${at}: headers draft [${dh}], curated [${ch}]`);
  }
  const draftIds = new Set(allSteps(draft.steps).map((s) => s.id));
  for (const c of curatedSteps)
    if (c.kind === 'message' && !draftIds.has(c.id))
      out.push(
        `step ${c.id}: only in the curated flow (${what(c)} ${label(curated, c.from)} -> ${label(curated, c.to)})`,
      );
  return out;
}
