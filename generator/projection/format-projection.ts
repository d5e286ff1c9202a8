/** Text renderings of projections and role specs, for tests and `--explain` output. */
import type { LocalProjection, RoleSpec } from './local-types.js';
import { describeEvent } from './merge-roles.js';

/** A local projection, one event a line: `3 receive BYE <- sip-core`. */
export function formatProjection(p: LocalProjection): string {
  const head = `${p.flow} @ ${p.participant} (${p.role}${p.mode ? `, ${p.mode}` : ''})`;
  return [head, ...p.events.map((e) => `  ${e.step} ${describeEvent(e)}`)].join('\n');
}

/** A role spec: its reactions, each trigger then its events. */
export function formatRoleSpec(spec: RoleSpec): string {
  const lines = [`role ${spec.role}`];
  for (const r of spec.reactions) {
    lines.push(`  on ${r.key}  (${r.flows.join(', ')})`);
    for (const e of r.events) lines.push(`    ${e.step} ${describeEvent(e)}`);
  }
  return lines.join('\n');
}
