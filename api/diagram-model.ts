/**
 * The sequence diagram of one flow as the backend hands it to the renderer:
 * lifelines, rows in the order of one linearisation of the flow's partial
 * order, and fragment boxes spanning rows. Pixel layout is the renderer's job.
 */

/** A path of keys and indexes from the YAML document root to a node. */
export type YamlPath = readonly (string | number)[];

/** One lifeline, labelled as in the figure. */
export interface DiagramLifeline {
  readonly id: string;
  readonly label: string;
  readonly role: string;
  readonly network?: string;
  readonly mode?: string;
}

/** A header field of a message, its value shown as YAML text. */
export interface DiagramHeader {
  readonly name: string;
  readonly value: string;
}

interface RowBase {
  /** Unique key: the YAML path of the step joined with dots. */
  readonly key: string;
  /** Step id as in the spec ("2", "9-14"); synthetic ids are marked by `hasId: false`. */
  readonly stepId: string;
  readonly hasId: boolean;
  /** First and last line of the step in the YAML text (1-based). */
  readonly line: number;
  readonly endLine: number;
  readonly path: YamlPath;
  /** Path of the sequence holding the step, and the step's index in it. */
  readonly parentPath: YamlPath;
  readonly index: number;
  readonly title?: string;
  readonly text?: string;
}

/** A message arrow. */
export interface DiagramMessageRow extends RowBase {
  readonly kind: 'message';
  /** Sender lifeline id; undefined for a message from the environment. */
  readonly from?: string;
  readonly to: string;
  readonly protocol: 'sip' | 'mbcp' | 'indication' | 'unknown';
  /** What the arrow shows: method, status and reason, or message name. */
  readonly label: string;
  readonly isResponse: boolean;
  /** The `sip` (or `mbcp`, `indication`) value written on this step, if any. */
  readonly ownLabel?: string;
  readonly relays?: string;
  readonly answers?: string;
  readonly requestUri?: string;
  readonly headers: readonly DiagramHeader[];
  readonly body?: string;
}

/** An action, a state or a reference to another flow. */
export interface DiagramNoteRow extends RowBase {
  readonly kind: 'action' | 'state' | 'ref';
  readonly label: string;
  /** Lifelines the note spans. */
  readonly over: readonly string[];
}

/** One row of the diagram. */
export type DiagramRow = DiagramMessageRow | DiagramNoteRow;

/** One operand of a fragment, from its first row on. */
export interface DiagramOperand {
  readonly label: string;
  readonly firstRow: number;
}

/** A combined fragment box: alt, opt, par or loop. */
export interface DiagramFragment {
  readonly key: string;
  readonly kind: 'alt' | 'opt' | 'par' | 'loop';
  readonly stepId?: string;
  /** Guard or loop collection shown in the box's tag. */
  readonly label: string;
  readonly firstRow: number;
  readonly lastRow: number;
  /** Lifelines spanned by the rows inside. */
  readonly lifelines: readonly string[];
  readonly operands: readonly DiagramOperand[];
  /** Nesting depth, 0 for a top-level fragment. */
  readonly depth: number;
  readonly line: number;
  readonly endLine: number;
}

/** The diagram of one flow. */
export interface DiagramModel {
  readonly flowId: string;
  readonly title: string;
  readonly lifelines: readonly DiagramLifeline[];
  readonly rows: readonly DiagramRow[];
  readonly fragments: readonly DiagramFragment[];
}
