/**
 * The renderer's way to the backend: the object preload exposes in the
 * desktop app, or JSON over HTTP and server-sent events in the browser.
 */
import {
  API_HTTP_PREFIX,
  WATCH_HTTP_PATH,
  type ApiErrorBody,
  type ApiMethod,
  type ApiRequest,
  type ApiResponse,
  type ApiResult,
  type FlowApi,
  type WatchEvent,
} from '../api/index.js';

declare global {
  interface Window {
    /** Set by electron/preload.ts in the desktop app. */
    readonly flowspec?: FlowApi;
  }
}

/** A call the backend refused or could not complete. */
export class ApiCallError extends Error {
  constructor(
    readonly method: ApiMethod,
    readonly body: ApiErrorBody,
  ) {
    super(body.message);
    this.name = 'ApiCallError';
  }
}

function httpApi(): FlowApi {
  return {
    async call<M extends ApiMethod>(method: M, request: ApiRequest<M>): Promise<ApiResponse<M>> {
      const res = await fetch(`${API_HTTP_PREFIX}${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(request),
      });
      const result = (await res.json()) as ApiResult<ApiResponse<M>>;
      if (!result.ok) throw new ApiCallError(method, result.error);
      return result.result;
    },
    watch(listener: (e: WatchEvent) => void): () => void {
      const source = new EventSource(WATCH_HTTP_PATH);
      source.onmessage = (m: MessageEvent<string>) => listener(JSON.parse(m.data) as WatchEvent);
      return () => source.close();
    },
  };
}

/** The API of this window. */
export const flowApi: FlowApi = window.flowspec ?? httpApi();

/** True in the desktop app, where main offers a native open dialog (`chooseFile`). */
export const isDesktop = window.flowspec !== undefined;
