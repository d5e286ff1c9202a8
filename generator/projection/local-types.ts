/**
 * Local types: a flow projected onto one participant (Scribble's
 * global-to-local projection), and the merged handler spec of one role.
 */
import type { ActionName, Mode, Role } from '../model/vocabulary.js';

/** A guard on a local event, with who decides it. */
export interface LocalGuard {
  /** The guard expression as written (`else` resolved to the negation of its siblings). */
  readonly guard: string;
  /** Participant id (root flow) that decides the fragment. */
  readonly decidedBy: string;
  /** True when the projected participant decides it: an internal choice. */
  readonly local: boolean;
  /** Id of the alt/opt fragment and the operand index, to keep operands apart. */
  readonly fragment: string;
  readonly operand: number;
}

/** What kind of end a message came from, seen from the role that receives it. */
export type Origin =
  | 'served-client'
  | 'other-entity'
  | 'iwf'
  | 'controlling-server'
  | 'participating-server'
  | 'network'
  | 'self';

/** A short, stable description of a message: `BYE`, `200`, `MBCP Disconnect`, `indication ...`. */
export type MessageLabel = string;

/** One event of a local projection. */
export interface LocalEvent {
  readonly kind: 'send' | 'receive' | 'action' | 'state';
  /** Step id in the flow that holds it. */
  readonly step: string;
  /** Flow that holds the step (the referenced flow inside a ref). */
  readonly flow: string;
  /** `file:line` of the step. */
  readonly at: string;
  readonly label: MessageLabel;
  /** The other end (root participant id) for send/receive. */
  readonly peer?: string;
  readonly peerRole?: Role;
  /** For a receive: who originally sent it, through relays. */
  readonly origin?: Origin;
  /** Step id this response answers (message steps). */
  readonly answers?: string;
  /** Step id this message relays. */
  readonly relays?: string;
  /** True for a SIP response, or a message that answers/relays an answer. */
  readonly isResponse: boolean;
  readonly dialog?: string;
  readonly action?: ActionName;
  /** For an action: the variable its value is bound to (`yields: uid`, OMA CPM 8.2.2.3 4.c.ii.1). */
  readonly yields?: string;
  /** Enclosing guards, outermost first. */
  readonly guards: readonly LocalGuard[];
  /** Loops around the event (`over` expressions), outermost first. */
  readonly loops: readonly string[];
  /** Ref steps that led here, outermost first. */
  readonly refPath: readonly string[];
  /** The step's note, when it has one. */
  readonly note?: string;
  /** The derivation of the Request-URI (`dialog.called.contact`), when the step gives one. */
  readonly requestUriIs?: string;
  /**
   * Header fields the step gives a value the sender writes: a literal (`Privacy: id`), a
   * variable (`Message-UID: { is: var.uid }`) or a template, each under its `when:` guard.
   */
  readonly sentHeaders: readonly SentHeader[];
  /** Header names the step fixes, with the constraint kind (`Privacy=literal`). */
  readonly headers: readonly string[];
  /**
   * For a REFER: the method its Refer-To asks for, where the step fixes one (`contains:
   * method=BYE`, RFC 3261 19.1.1); absent means INVITE, the default of a SIP URI.
   */
  readonly referMethod?: string;
}

/** How a header field's value is made by its sender. */
export type SentValue =
  | { readonly kind: 'literal'; readonly text: string }
  /** `is: var.X`: the value a variable holds (the value an action `yields`). */
  | { readonly kind: 'var'; readonly name: string }
  /** `template: ...${X}...`: text with variables filled in. */
  | { readonly kind: 'template'; readonly text: string; readonly variables: readonly string[] };

/** A header field a message step has its sender write. */
export interface SentHeader {
  readonly name: string;
  readonly value: SentValue;
  /** The guard under which the flow requires the field (`when:`), as written; absent: always. */
  readonly when?: string;
}

/** A flow projected onto one participant. */
export interface LocalProjection {
  readonly flow: string;
  readonly file: string;
  readonly participant: string;
  readonly role: Role;
  readonly mode?: Mode;
  /** Establishing flow of the session the projection runs in (its precondition), if any. */
  readonly session?: string;
  readonly events: readonly LocalEvent[];
}

/** What starts a reaction of a role. */
export interface Trigger {
  /** `receive`: a request or indication arrives; `start`: the role acts first (user action, release decision). */
  readonly kind: 'receive' | 'start';
  readonly label: MessageLabel;
  /** For `start` and indications from the environment: the flow whose entry point it is (one API per flow). */
  readonly flow?: string;
  readonly origin: Origin;
  /** Role of the immediate sender (a proxy on the way), for a received trigger. */
  readonly via?: Role;
  readonly session?: string;
  /** INVITE dialogs the role holds when the trigger comes (flow dialog names), sorted. */
  readonly dialogs: readonly string[];
  readonly mode?: Mode;
  /** Guards the role itself decides that hold over the trigger. */
  readonly guards: readonly string[];
  /**
   * `self` for an INVITE a B2BUA answers as its own end, opening no leg of
   * its own (OMA PoC: the Pre-established Session, and an invitation over
   * it): at run time its Request-URI names the B2BUA itself.
   */
  readonly target?: 'self';
}

/** One reaction: a trigger and what the role does after it, until the next trigger. */
export interface Reaction {
  readonly trigger: Trigger;
  /** Stable key of the trigger (the dispatch key). */
  readonly key: string;
  /** The event that triggers (a receive, or the first own event for `start`). */
  readonly first: LocalEvent;
  readonly events: readonly LocalEvent[];
  /** Flows (ids) that give this reaction, first one first. */
  readonly flows: readonly string[];
  /** Every `flow#step` of the reactions merged into this one. */
  readonly stepRefs: readonly string[];
  /** Places (`file:line step id`) that give it. */
  readonly places: readonly string[];
  /** Other event sequences after the same trigger, where a peer's answer chooses (external choice). */
  readonly alternatives: readonly (readonly LocalEvent[])[];
  /**
   * Behaviours that another flow gives the same trigger and records as its
   * own case (a `problems:` entry or a note): chosen by configuration, the
   * reaction's own events being the default.
   */
  readonly variants: readonly Variant[];
}

/** A recorded variant of a reaction. */
export interface Variant {
  readonly flow: string;
  /** The trigger as that flow draws it. */
  readonly first: LocalEvent;
  readonly events: readonly LocalEvent[];
  /** Where and how the flow records it (`file:line: text`). */
  readonly reason: string;
  readonly places: readonly string[];
}

/** Every reaction of one role, merged over all flows. */
export interface RoleSpec {
  readonly role: Role;
  /** Flows that contribute, by id, with their source clause/figure. */
  readonly flows: readonly {
    readonly id: string;
    readonly file: string;
    readonly source: string;
  }[];
  readonly modes: readonly Mode[];
  readonly reactions: readonly Reaction[];
}
