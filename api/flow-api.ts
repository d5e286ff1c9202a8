/**
 * The one typed backend API of the editor: what the renderer may ask, served
 * by electron/ over IPC and by the web server over HTTP. Types and names
 * only; the implementation lives in generator/api/.
 */
import type { CaptureDiff, CaptureSource } from './capture-diff.js';
import type { DiagramModel, YamlPath } from './diagram-model.js';

/** A finding as the editor shows it (rule, severity, 1-based location). */
export interface ApiFinding {
  readonly rule: string;
  readonly severity: 'error' | 'warning' | 'info';
  readonly message: string;
  readonly line: number;
  readonly column: number;
  readonly endLine?: number;
  readonly endColumn?: number;
  readonly step?: string;
}

/** One flow file of the project. */
export interface FlowEntry {
  /** Path relative to the project root, with forward slashes. */
  readonly path: string;
  readonly id?: string;
  readonly title?: string;
}

/** Edits the diagram makes; each rewrites the YAML through the yaml Document API. */
export type FlowEdit =
  /** Sets the method or status (`sip: BYE`, `sip: 200 OK`) of a message step. */
  | { readonly kind: 'setMessageType'; readonly path: YamlPath; readonly value: string }
  /** Replaces the headers of a message step; values are YAML text (`id`, `{ is: dialog.callId }`). */
  | {
      readonly kind: 'setHeaders';
      readonly path: YamlPath;
      readonly headers: readonly { readonly name: string; readonly value: string }[];
    }
  /** Sets the body of a message step; an empty string removes it. */
  | { readonly kind: 'setBody'; readonly path: YamlPath; readonly body: string }
  /** Deletes a step. */
  | { readonly kind: 'deleteStep'; readonly path: YamlPath }
  /**
   * Moves a step to position `toIndex` (after the move) of the step list at
   * `toList` (a path in the document before the move; default: its own list).
   */
  | {
      readonly kind: 'moveStep';
      readonly path: YamlPath;
      readonly toIndex: number;
      readonly toList?: YamlPath;
    };

/** A new message step, as the diagram adds it. */
export interface NewMessage {
  /** Step id as the spec would number it; omitted for an unnumbered step. */
  readonly id?: string;
  readonly from: string;
  readonly to: string;
  /** Method or status: `BYE`, `200 OK`. */
  readonly sip: string;
}

/** A fragment to wrap steps in (alt gets an empty `else` operand). */
export type WrapSpec =
  | { readonly kind: 'opt' | 'alt'; readonly guard: string; readonly decidedBy: string }
  | { readonly kind: 'loop'; readonly over: string };

/** Edits that add structure: a message, or a fragment around steps. */
export type FlowStructureEdit =
  /** Inserts a message into the step list at `listPath`, before item `index` (or at its end). */
  | {
      readonly kind: 'insertMessage';
      readonly listPath: YamlPath;
      readonly index: number;
      readonly message: NewMessage;
    }
  /** Moves participant `id` (a lifeline) right after, or right before, participant `target`. */
  | {
      readonly kind: 'moveParticipant';
      readonly id: string;
      readonly target: string;
      readonly after: boolean;
    }
  /** Wraps items `from` (inclusive) to `to` (exclusive) of the list at `listPath`. */
  | {
      readonly kind: 'wrapSteps';
      readonly listPath: YamlPath;
      readonly from: number;
      readonly to: number;
      readonly fragment: WrapSpec;
    };

/** The text export formats the backend writes. */
export const TEXT_EXPORT_FORMATS = ['mermaid', 'plantuml'] as const;
/** A text export format. */
export type TextExportFormat = (typeof TEXT_EXPORT_FORMATS)[number];

/** A role whose handler module the open flow gives, as the preview's picker lists it. */
export interface PreviewRole {
  /** Role id as the flows write it: `poc-server-participating`. */
  readonly role: string;
  /** As the specs name it: "PoC Server (participating)". */
  readonly title: string;
}

/** Requests and responses of every API method. */
export interface ApiMethods {
  listFlows: { request: Record<string, never>; response: { readonly flows: readonly FlowEntry[] } };
  readFlow: {
    request: { readonly path: string };
    response: { readonly path: string; readonly text: string };
  };
  writeFlow: {
    request: { readonly path: string; readonly text: string };
    response: { readonly path: string; readonly bytes: number };
  };
  analyzeFlow: {
    request: {
      readonly path: string;
      readonly text: string;
      /**
       * True: answer as soon as the diagram is built, with the loader's findings
       * only (YAML, schema, model); validation and lint come from `checkFlow`.
       */
      readonly deferChecks?: boolean;
    };
    response: {
      /** Undefined when the text does not make a flow (syntax or schema errors). */
      readonly diagram?: DiagramModel;
      readonly findings: readonly ApiFinding[];
      readonly elapsedMs: number;
    };
  };
  /** Every finding of the text: loader, validation and lint (the second answer after `analyzeFlow` with `deferChecks`). */
  checkFlow: {
    request: { readonly path: string; readonly text: string };
    response: { readonly findings: readonly ApiFinding[]; readonly elapsedMs: number };
  };
  /**
   * The TypeScript module `flowspec generate` would write for one role of the
   * open text (printed without the prettier pass), and the roles the flow gives.
   */
  previewCode: {
    request: {
      readonly path: string;
      readonly text: string;
      /** Role id; omitted: the first role of the flow. */
      readonly role?: string;
    };
    response: {
      /** Roles with a module, in participant order; empty when nothing generates. */
      readonly roles: readonly PreviewRole[];
      /** The role shown, and its module (path under generated/, text). */
      readonly role?: string;
      readonly module?: { readonly path: string; readonly text: string };
      /** Why the flow does not generate: the generator's problems, one per line. */
      readonly error?: string;
      readonly elapsedMs: number;
    };
  };
  /**
   * Lets the backend read and write a flow file outside the project's flows/
   * (an absolute path, or one relative to the project root), as the user opened
   * it; only `*.yaml` and `*.yml` files. Answers the path to use in later calls.
   */
  openFile: {
    request: { readonly path: string };
    response: { readonly path: string };
  };
  /**
   * Desktop only: the native open dialog of the main process; the file picked is
   * opened as by `openFile`. No path when the user cancelled.
   */
  chooseFile: {
    request: Record<string, never>;
    response: { readonly path?: string };
  };
  editFlow: {
    request: {
      readonly path: string;
      readonly text: string;
      readonly edit: FlowEdit | FlowStructureEdit;
    };
    response: { readonly text: string };
  };
  exportText: {
    request: { readonly path: string; readonly text: string; readonly format: TextExportFormat };
    response: { readonly text: string; readonly fileName: string };
  };
  diffCapture: {
    request: {
      /** The open flow, and its text as the editor holds it (the diagram shows that text). */
      readonly path: string;
      readonly text: string;
      readonly capture: CaptureSource;
      /** Participant addresses, as the text of a `flowspec diff --map` file. */
      readonly map?: string;
    };
    response: { readonly diff: CaptureDiff; readonly elapsedMs: number };
  };
  getSchema: {
    request: Record<string, never>;
    response: { readonly uri: string; readonly schema: unknown };
  };
}

/** Name of an API method. */
export type ApiMethod = keyof ApiMethods;
/** Request of an API method. */
export type ApiRequest<M extends ApiMethod> = ApiMethods[M]['request'];
/** Response of an API method. */
export type ApiResponse<M extends ApiMethod> = ApiMethods[M]['response'];

/** Every API method, in a fixed order. */
export const API_METHODS = [
  'listFlows',
  'readFlow',
  'writeFlow',
  'analyzeFlow',
  'checkFlow',
  'previewCode',
  'openFile',
  'chooseFile',
  'editFlow',
  'exportText',
  'diffCapture',
  'getSchema',
] as const satisfies readonly ApiMethod[];

/** IPC channel of each method (Electron). */
export const API_CHANNELS = {
  listFlows: 'flowspec:listFlows',
  readFlow: 'flowspec:readFlow',
  writeFlow: 'flowspec:writeFlow',
  analyzeFlow: 'flowspec:analyzeFlow',
  checkFlow: 'flowspec:checkFlow',
  previewCode: 'flowspec:previewCode',
  openFile: 'flowspec:openFile',
  chooseFile: 'flowspec:chooseFile',
  editFlow: 'flowspec:editFlow',
  exportText: 'flowspec:exportText',
  diffCapture: 'flowspec:diffCapture',
  getSchema: 'flowspec:getSchema',
} as const satisfies Record<ApiMethod, string>;

/** IPC channel on which main pushes {@link WatchEvent}s to the renderer. */
export const WATCH_CHANNEL = 'flowspec:watch';

/** HTTP: POST a method's request as JSON to `${API_HTTP_PREFIX}${method}`. */
export const API_HTTP_PREFIX = '/api/';
/** HTTP: server-sent events of {@link WatchEvent}s. */
export const WATCH_HTTP_PATH = '/api/watch';

/** A flow file changed on disk. */
export interface WatchEvent {
  readonly kind: 'changed' | 'removed';
  readonly path: string;
}

/** How a failed call reports itself, over IPC and HTTP alike. */
export interface ApiErrorBody {
  readonly code: 'bad-request' | 'not-found' | 'forbidden' | 'edit-failed' | 'internal';
  readonly message: string;
}

/** The envelope of every answer. */
export type ApiResult<T> =
  { readonly ok: true; readonly result: T } | { readonly ok: false; readonly error: ApiErrorBody };

/** The API as the renderer calls it; preload exposes exactly this object. */
export interface FlowApi {
  call<M extends ApiMethod>(method: M, request: ApiRequest<M>): Promise<ApiResponse<M>>;
  /** Subscribes to file changes; returns the unsubscribe function. */
  watch(listener: (event: WatchEvent) => void): () => void;
}
