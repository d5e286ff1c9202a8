/**
 * The local state a trigger arrives in: the INVITE dialogs the participant
 * holds, by the flows' dialog names (`clientLeg`, `preEstablished`), with
 * the precondition's establishing flow run first. Two triggers that look
 * alike (an INVITE from the Controlling PoC Server) differ by it (PoC
 * Client B has a Pre-established Session or not).
 */
import type { Flow } from '../model/flow-model.js';
import type { LocalEvent } from './local-types.js';
import { projectFlow, type FlowResolver } from './project-flow.js';

function dialogName(e: LocalEvent): string {
  if (e.dialog !== undefined) return e.dialog;
  return e.kind === 'receive' ? `from-${e.origin ?? 'network'}` : `to-${e.peerRole ?? 'network'}`;
}

/** Whether a dialog name is one a flow gives (`dialog:`), not one made up for an unnamed INVITE. */
export function isDrawnDialog(name: string): boolean {
  return !/^(from|to)-/.test(name);
}

/** Applies one event to a set of dialog names (INVITE opens, BYE closes). */
export function applyDialogEvent(state: Set<string>, e: LocalEvent): void {
  if (e.isResponse || (e.kind !== 'send' && e.kind !== 'receive')) return;
  if (e.label === 'INVITE') state.add(dialogName(e));
  else if (e.label === 'BYE' && e.dialog !== undefined) state.delete(e.dialog);
}

/** The dialogs `participant` holds once the preconditions of `flow` are established. */
export function initialDialogs(
  flow: Flow,
  participant: string,
  resolve: FlowResolver,
  seen: readonly string[] = [],
): Set<string> {
  const state = new Set<string>();
  const pre = flow.given.length > 0 ? flow.given : [];
  const states = flow.steps.filter((s) => s.kind === 'state' && s.establishedBy !== undefined);
  const established = [
    ...pre.map((g) => ({ by: g.establishedBy, bind: g.bind })),
    ...states.map((s) =>
      s.kind === 'state' ? { by: s.establishedBy ?? '', bind: s.bind } : { by: '', bind: {} },
    ),
  ];
  for (const { by, bind } of established) {
    if (seen.includes(by)) continue;
    const target = resolve(by);
    if (!target) continue;
    // bind: participant of the establishing flow -> ours; find ours in it.
    const theirs =
      Object.entries(bind).find(([, ours]) => ours === participant)?.[0] ?? participant;
    if (!target.participants.has(theirs)) continue;
    const p = projectFlow(target, theirs, resolve);
    for (const d of initialDialogs(target, theirs, resolve, [...seen, flow.id])) state.add(d);
    for (const e of p.events) applyDialogEvent(state, e);
  }
  return state;
}
