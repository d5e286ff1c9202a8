/**
 * The normalised flow model every consumer works on: steps and fragments as
 * discriminated unions on `kind`, ids as strings, relays resolved, every node
 * carrying its place in the YAML text.
 */
import type { ActionName, MbcpMessageName, Mode, Role } from './vocabulary.js';

/** A place in a flow file: 1-based line and column, and the YAML path to the node. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  /** Path of keys and indexes from the document root, for editing through the YAML Document API. */
  readonly path: readonly (string | number)[];
}

/** Where something comes from in the source documents. */
export interface SourceRef {
  readonly document?: string;
  readonly spec?: string;
  readonly clause?: string;
  readonly figure?: string;
  readonly step?: string;
  readonly title?: string;
}

/** A participant: one lifeline. */
export interface Participant {
  readonly id: string;
  readonly role: Role;
  readonly label: string;
  readonly network?: string;
  readonly mode?: Mode;
  readonly multiple: boolean;
  readonly description?: string;
  readonly loc: SourceLocation;
}

/** A derivation expression, parsed ("dialog.cseq.callerToCallee + 1 ?? random(1, 2147483647)"). */
export type Derivation =
  | {
      readonly kind: 'path';
      readonly root: 'dialog' | 'var' | 'session' | 'config';
      readonly path: string;
    }
  | {
      readonly kind: 'step';
      readonly step: string;
      /** `requestUri`, `status`, `body`, or `headers.<Name>`. */
      readonly field: string;
    }
  | { readonly kind: 'random'; readonly min: number; readonly max: number }
  | { readonly kind: 'plus'; readonly base: Derivation; readonly add: number }
  | { readonly kind: 'fallback'; readonly first: Derivation; readonly otherwise: Derivation };

/** How a value is constrained. */
export type ValueConstraint =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'template'; readonly text: string; readonly variables: readonly string[] }
  | { readonly kind: 'pattern'; readonly regex: string }
  | { readonly kind: 'contains'; readonly text: string }
  | { readonly kind: 'derived'; readonly expression: string; readonly derivation: Derivation }
  | { readonly kind: 'present' }
  | { readonly kind: 'absent' }
  /** Only an example: shown, never compared. */
  | { readonly kind: 'example' };

/** A value of a request URI, header or body. */
export interface Value {
  readonly constraint: ValueConstraint;
  /** The spec's example text, when it gives one. */
  readonly example?: string;
  /** Variable bound to the observed value at its first occurrence. */
  readonly bind?: string;
  /** Guard under which the value is required. */
  readonly when?: string;
  readonly note?: string;
  readonly loc: SourceLocation;
}

/** A header field of a message step. */
export interface HeaderSpec {
  readonly name: string;
  readonly values: readonly Value[];
  readonly loc: SourceLocation;
}

/** What a message is. */
export type MessageType =
  | { readonly protocol: 'sip'; readonly type: 'request'; readonly method: string }
  | {
      readonly protocol: 'sip';
      readonly type: 'response';
      readonly status: number;
      readonly reason?: string;
    }
  | { readonly protocol: 'mbcp'; readonly name: MbcpMessageName }
  | { readonly protocol: 'indication'; readonly name: string };

interface StepBase {
  /** Step id as in the spec; fragments without an id get a synthetic one ("alt@3"). */
  readonly id: string;
  /** True when the id was given in the file. */
  readonly hasId: boolean;
  readonly title?: string;
  readonly text?: string;
  readonly source?: SourceRef;
  readonly after: readonly string[];
  readonly note?: string;
  readonly specStep?: string;
  readonly loc: SourceLocation;
}

/** A message from one participant to another. */
export interface MessageStep extends StepBase {
  readonly kind: 'message';
  /** Resolved message type; a relay takes the type of what it relays. */
  readonly message: MessageType | undefined;
  /** Sender; absent for an indication from the environment (a found message). */
  readonly from?: string;
  readonly to: string;
  readonly requestUri?: Value;
  readonly headers: readonly HeaderSpec[];
  readonly body?: Value;
  readonly answers?: string;
  readonly relays?: string;
  readonly dialog?: string;
  readonly transport?: 'udp' | 'tcp';
  /** Location of the `message:` mapping (from, to, method). */
  readonly headLoc: SourceLocation;
}

/** Something a participant does. */
export interface ActionStep extends StepBase {
  readonly kind: 'action';
  readonly action: ActionName;
  readonly at: string;
  readonly yields?: string;
  readonly when?: string;
}

/** A state of some participants; with `establishedBy`, a precondition built by that flow. */
export interface StateStep extends StepBase {
  readonly kind: 'state';
  readonly state: string;
  readonly at: readonly string[];
  readonly establishedBy?: string;
  readonly bind: Readonly<Record<string, string>>;
}

/** One operand of an alt or opt fragment. */
export interface GuardedOperand {
  readonly guard: string;
  readonly label?: string;
  readonly text?: string;
  readonly steps: readonly Step[];
  readonly loc: SourceLocation;
}

/** Alternatives: exactly one operand runs, chosen by `decidedBy`. */
export interface AltFragment extends StepBase {
  readonly kind: 'alt';
  readonly operands: readonly GuardedOperand[];
  readonly decidedBy: string;
  readonly label?: string;
}

/** An optional part, run when its guard holds. */
export interface OptFragment extends StepBase {
  readonly kind: 'opt';
  readonly operand: GuardedOperand;
  readonly decidedBy: string;
}

/** Operands that run at the same time; their events interleave in any order. */
export interface ParFragment extends StepBase {
  readonly kind: 'par';
  readonly operands: readonly (readonly Step[])[];
  readonly label?: string;
}

/** The body runs once per element of a collection, iterations in sequence. */
export interface LoopFragment extends StepBase {
  readonly kind: 'loop';
  readonly over: string;
  readonly as?: string;
  readonly steps: readonly Step[];
  readonly label?: string;
}

/** Another flow, run here with its participants bound to ours. */
export interface RefStep extends StepBase {
  readonly kind: 'ref';
  readonly flow: string;
  readonly bind: Readonly<Record<string, string>>;
}

/** A step of a flow. */
export type Step =
  | MessageStep
  | ActionStep
  | StateStep
  | AltFragment
  | OptFragment
  | ParFragment
  | LoopFragment
  | RefStep;

/** A flow variable. */
export interface Variable {
  readonly name: string;
  readonly type: 'string' | 'uri' | 'number' | 'boolean' | 'list' | 'enum';
  readonly values?: readonly string[];
  readonly from?: 'precondition' | 'config' | 'trace';
  readonly of?: string;
  readonly example?: string;
  readonly description?: string;
  readonly loc: SourceLocation;
}

/** A precondition: a state some flow establishes by real signalling. */
export interface Precondition {
  readonly state: string;
  readonly establishedBy: string;
  readonly bind: Readonly<Record<string, string>>;
  readonly text?: string;
  /** Step id when the precondition is a numbered state step of the figure. */
  readonly step?: string;
  readonly loc: SourceLocation;
}

/** A recorded problem of the source and the choice the flow makes. */
export interface Problem {
  readonly step?: string;
  readonly problem: string;
  readonly choice: string;
  readonly reason: string;
  readonly loc: SourceLocation;
}

/** A flow: participants and a partially ordered set of steps. */
export interface Flow {
  readonly id: string;
  readonly title: string;
  readonly description?: string;
  readonly origin: 'seed' | 'project';
  readonly source?: SourceRef;
  readonly file: string;
  readonly participants: ReadonlyMap<string, Participant>;
  readonly variables: ReadonlyMap<string, Variable>;
  readonly given: readonly Precondition[];
  readonly steps: readonly Step[];
  readonly problems: readonly Problem[];
  readonly loc: SourceLocation;
}
