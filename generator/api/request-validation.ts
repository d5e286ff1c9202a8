/**
 * Validates every API request before the backend acts on it: the same
 * checks for IPC payloads (electron/main.ts) and HTTP bodies (web server).
 */
import {
  API_METHODS,
  MAX_CAPTURE_UPLOAD,
  TEXT_EXPORT_FORMATS,
  type ApiMethod,
  type ApiRequest,
  type CaptureSource,
  type FlowEdit,
  type FlowStructureEdit,
  type NewMessage,
  type WrapSpec,
  type YamlPath,
} from '../../api/index.js';

/** A request that does not have the shape its method needs. */
export class ApiRequestError extends Error {
  constructor(
    readonly method: string,
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${method}: ${field} ${reason}`);
    this.name = 'ApiRequestError';
  }
}

/** Largest flow text accepted (bytes of UTF-16 code units). */
export const MAX_TEXT = 4 * 1024 * 1024;
const MAX_PATH_DEPTH = 64;

type Obj = Record<string, unknown>;

function object(method: string, v: unknown): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new ApiRequestError(method, 'request', 'must be an object');
  return v as Obj;
}

function str(method: string, o: Obj, field: string, max = 1024): string {
  const v = o[field];
  if (typeof v !== 'string') throw new ApiRequestError(method, field, 'must be a string');
  if (v.length > max) throw new ApiRequestError(method, field, `is longer than ${max}`);
  return v;
}

function yamlPath(method: string, v: unknown): YamlPath {
  if (!Array.isArray(v) || v.length > MAX_PATH_DEPTH)
    throw new ApiRequestError(method, 'edit.path', 'must be an array of keys and indexes');
  for (const seg of v) {
    const ok =
      (typeof seg === 'string' && seg.length <= 256) ||
      (typeof seg === 'number' && Number.isInteger(seg) && seg >= 0);
    if (!ok) throw new ApiRequestError(method, 'edit.path', 'holds a bad key or index');
  }
  return v as YamlPath;
}

function index(method: string, e: Obj, field: string): number {
  const v = e[field];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
    throw new ApiRequestError(method, `edit.${field}`, 'must be an index');
  return v;
}

function structureEdit(method: string, e: Obj): FlowStructureEdit {
  if (e['kind'] === 'moveParticipant') {
    if (typeof e['after'] !== 'boolean')
      throw new ApiRequestError(method, 'edit.after', 'must be true or false');
    return {
      kind: 'moveParticipant',
      id: str(method, e, 'id', 200),
      target: str(method, e, 'target', 200),
      after: e['after'],
    };
  }
  const listPath = yamlPath(method, e['listPath']);
  if (e['kind'] === 'insertMessage') {
    const m = object(method, e['message']);
    const id = m['id'] === undefined ? undefined : str(method, m, 'id', 40);
    const message: NewMessage = {
      ...(id !== undefined && id.trim() !== '' ? { id: id.trim() } : {}),
      from: str(method, m, 'from', 200),
      to: str(method, m, 'to', 200),
      sip: str(method, m, 'sip', 200),
    };
    return { kind: 'insertMessage', listPath, index: index(method, e, 'index'), message };
  }
  const f = object(method, e['fragment']);
  let fragment: WrapSpec;
  if (f['kind'] === 'loop') fragment = { kind: 'loop', over: str(method, f, 'over', 200) };
  else if (f['kind'] === 'opt' || f['kind'] === 'alt')
    fragment = {
      kind: f['kind'],
      guard: str(method, f, 'guard', 1000),
      decidedBy: str(method, f, 'decidedBy', 200),
    };
  else throw new ApiRequestError(method, 'edit.fragment.kind', 'must be opt, alt or loop');
  return {
    kind: 'wrapSteps',
    listPath,
    from: index(method, e, 'from'),
    to: index(method, e, 'to'),
    fragment,
  };
}

function flowEdit(method: string, v: unknown): FlowEdit | FlowStructureEdit {
  const e = object(method, v);
  if (e['kind'] === 'insertMessage' || e['kind'] === 'wrapSteps' || e['kind'] === 'moveParticipant')
    return structureEdit(method, e);
  const path = yamlPath(method, e['path']);
  switch (e['kind']) {
    case 'setMessageType':
      return { kind: 'setMessageType', path, value: str(method, e, 'value', 200) };
    case 'setBody':
      return { kind: 'setBody', path, body: str(method, e, 'body', MAX_TEXT) };
    case 'deleteStep':
      return { kind: 'deleteStep', path };
    case 'moveStep': {
      const to = e['toIndex'];
      if (typeof to !== 'number' || !Number.isInteger(to) || to < 0)
        throw new ApiRequestError(method, 'edit.toIndex', 'must be an index');
      return e['toList'] === undefined
        ? { kind: 'moveStep', path, toIndex: to }
        : { kind: 'moveStep', path, toIndex: to, toList: yamlPath(method, e['toList']) };
    }
    case 'setHeaders': {
      const list = e['headers'];
      if (!Array.isArray(list) || list.length > 200)
        throw new ApiRequestError(method, 'edit.headers', 'must be an array');
      const headers = list.map((h) => {
        const o = object(method, h);
        return { name: str(method, o, 'name', 200), value: str(method, o, 'value', 64 * 1024) };
      });
      return { kind: 'setHeaders', path, headers };
    }
    default:
      throw new ApiRequestError(method, 'edit.kind', 'is not a known edit');
  }
}

/** Base64 text of the largest upload (4 characters per 3 bytes, padded). */
export const MAX_CAPTURE_BASE64 = Math.ceil(MAX_CAPTURE_UPLOAD / 3) * 4;

function captureSource(method: string, v: unknown): CaptureSource {
  const c = object(method, v);
  if (c['kind'] === 'path') return { kind: 'path', path: str(method, c, 'path') };
  if (c['kind'] !== 'upload')
    throw new ApiRequestError(method, 'capture.kind', 'must be path or upload');
  const base64 = c['base64'];
  if (typeof base64 !== 'string')
    throw new ApiRequestError(method, 'capture.base64', 'must be a string');
  if (base64.length > MAX_CAPTURE_BASE64)
    throw new ApiRequestError(
      method,
      'capture.base64',
      `holds more than ${MAX_CAPTURE_UPLOAD / 2 ** 20} MiB: put the capture in the project and open it by path`,
    );
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64) || base64.length % 4 !== 0)
    throw new ApiRequestError(method, 'capture.base64', 'is not base64');
  const name = str(method, c, 'name', 255);
  if (/[\\/\0]/.test(name))
    throw new ApiRequestError(method, 'capture.name', 'must be a file name');
  return { kind: 'upload', name, base64 };
}

/** True when `m` names an API method. */
export function isApiMethod(m: string): m is ApiMethod {
  return (API_METHODS as readonly string[]).includes(m);
}

/** Checks a request payload against its method; throws {@link ApiRequestError}. */
export function parseApiRequest<M extends ApiMethod>(method: M, payload: unknown): ApiRequest<M> {
  const o = object(method, payload ?? {});
  const m: ApiMethod = method;
  switch (m) {
    case 'listFlows':
    case 'getSchema':
    case 'chooseFile':
      return {} as ApiRequest<M>;
    case 'readFlow':
    case 'openFile':
      return { path: str(m, o, 'path') } as ApiRequest<M>;
    case 'writeFlow':
    case 'checkFlow':
      return { path: str(m, o, 'path'), text: str(m, o, 'text', MAX_TEXT) } as ApiRequest<M>;
    case 'analyzeFlow': {
      const defer = o['deferChecks'];
      if (defer !== undefined && typeof defer !== 'boolean')
        throw new ApiRequestError(m, 'deferChecks', 'must be true or false');
      return {
        path: str(m, o, 'path'),
        text: str(m, o, 'text', MAX_TEXT),
        ...(defer !== undefined ? { deferChecks: defer } : {}),
      } as ApiRequest<M>;
    }
    case 'previewCode': {
      const role = o['role'] === undefined ? undefined : str(m, o, 'role', 200);
      return {
        path: str(m, o, 'path'),
        text: str(m, o, 'text', MAX_TEXT),
        ...(role !== undefined ? { role } : {}),
      } as ApiRequest<M>;
    }
    case 'editFlow':
      return {
        path: str(m, o, 'path'),
        text: str(m, o, 'text', MAX_TEXT),
        edit: flowEdit(m, o['edit']),
      } as ApiRequest<M>;
    case 'diffCapture': {
      const map = o['map'] === undefined ? undefined : str(m, o, 'map', 1024 * 1024);
      return {
        path: str(m, o, 'path'),
        text: str(m, o, 'text', MAX_TEXT),
        capture: captureSource(m, o['capture']),
        ...(map !== undefined ? { map } : {}),
      } as ApiRequest<M>;
    }
    case 'exportText': {
      const format = o['format'];
      if (!(TEXT_EXPORT_FORMATS as readonly unknown[]).includes(format))
        throw new ApiRequestError(m, 'format', `must be one of ${TEXT_EXPORT_FORMATS.join(', ')}`);
      return {
        path: str(m, o, 'path'),
        text: str(m, o, 'text', MAX_TEXT),
        format,
      } as ApiRequest<M>;
    }
  }
}
