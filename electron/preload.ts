/**
 * Preload of the editor window: exposes one frozen API object,
 * `window.flowspec`, through contextBridge. Calls go to fixed channels of
 * API_CHANNELS only; payloads are checked again in main.
 */
import {
  API_CHANNELS,
  API_METHODS,
  WATCH_CHANNEL,
  type ApiMethod,
  type ApiRequest,
  type ApiResponse,
  type ApiResult,
  type FlowApi,
  type WatchEvent,
} from '../api/index.js';

/** The part of Electron's renderer-side API the preload uses. */
interface PreloadElectron {
  contextBridge: { exposeInMainWorld(key: string, api: unknown): void };
  ipcRenderer: {
    invoke(channel: string, payload: unknown): Promise<unknown>;
    on(channel: string, l: (e: unknown, payload: unknown) => void): void;
    removeListener(channel: string, l: (e: unknown, payload: unknown) => void): void;
  };
}

// Sandboxed preloads are CommonJS and may require 'electron' only; its types
// are not installed where the binary is missing, hence the local interface.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { contextBridge, ipcRenderer } = require('electron') as PreloadElectron;

const api: FlowApi = Object.freeze({
  async call<M extends ApiMethod>(method: M, request: ApiRequest<M>): Promise<ApiResponse<M>> {
    if (!(API_METHODS as readonly string[]).includes(method))
      throw new TypeError(`unknown API method ${String(method)}`);
    const result = (await ipcRenderer.invoke(API_CHANNELS[method], request)) as ApiResult<
      ApiResponse<M>
    >;
    if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
    return result.result;
  },
  watch(listener: (event: WatchEvent) => void): () => void {
    const handler = (_e: unknown, payload: unknown): void => listener(payload as WatchEvent);
    ipcRenderer.on(WATCH_CHANNEL, handler);
    return () => ipcRenderer.removeListener(WATCH_CHANNEL, handler);
  },
});

contextBridge.exposeInMainWorld('flowspec', api);
