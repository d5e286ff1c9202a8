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
import { indexFlowSteps } from './step-context.js';

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

/**
 * The dialogs `participant` (of `root`) holds from the preconditions of the flows an event's refs
 * enter, for each ref of its path not yet in `entered` (which it then joins): a referenced flow
 * starts from its own precondition (OMA PoC: poc.establish.terminating.pre-established from PoC
 * Client B's Pre-established Session), set up before the flow that refers to it.
 */
export function refPreconditionDialogs(
  root: Flow,
  e: LocalEvent,
  participant: string,
  resolve: FlowResolver,
  entered: Set<string>,
): Set<string> {
  const out = new Set<string>();
  let flow: Flow | undefined = root;
  // The participant's id in the flow of each ref of the path (bind: theirs -> ours).
  let ours = participant;
  for (let i = 0; i < e.refPath.length && flow; i++) {
    const ref = indexFlowSteps(flow).byId.get(e.refPath[i] ?? '');
    if (ref?.kind !== 'ref') break;
    const target = resolve(ref.flow);
    if (!target) break;
    // Bound by `bind:`, or by the same id (docs/flow-format.md, ref).
    const theirs =
      Object.entries(ref.bind).find(([, o]) => o === ours)?.[0] ??
      (target.participants.has(ours) ? ours : undefined);
    if (theirs === undefined) break;
    const key = e.refPath.slice(0, i + 1).join('/');
    if (!entered.has(key)) {
      entered.add(key);
      for (const d of initialDialogsOfGiven(target, theirs, resolve)) out.add(d);
    }
    flow = target;
    ours = theirs;
  }
  return out;
}

/**
 * The preconditions of a flow that hold independently of any flow referring to it: those under
 * `given` whose establishing flow has only participants of which there is one per iteration
 * (`multiple`), so the referring flow's other steps cannot have built them (OMA PoC: PoC Client
 * B's Pre-established Session, set up ahead of the PoC Session, for each invited participant).
 */
export function independentPreconditions(
  flow: Flow,
  resolve: FlowResolver,
): { readonly establishedBy: string; readonly bind: Readonly<Record<string, string>> }[] {
  return flow.given.filter((g) => {
    if (g.step !== undefined) return false;
    const by = resolve(g.establishedBy);
    return by !== undefined && [...by.participants.values()].every((p) => p.multiple === true);
  });
}

/** The dialogs `participant` holds once the independent preconditions of `flow` are established. */
function initialDialogsOfGiven(
  flow: Flow,
  participant: string,
  resolve: FlowResolver,
): Set<string> {
  const state = new Set<string>();
  for (const g of independentPreconditions(flow, resolve)) {
    const target = resolve(g.establishedBy);
    const theirs =
      Object.entries(g.bind).find(([, ours]) => ours === participant)?.[0] ?? participant;
    if (!target?.participants.has(theirs)) continue;
    for (const e of projectFlow(target, theirs, resolve).events) applyDialogEvent(state, e);
  }
  return state;
}
