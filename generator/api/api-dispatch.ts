/**
 * One entry for every transport: validates a request, runs it on the flow
 * service and wraps the answer or the typed error in the API envelope.
 */
import type { ApiErrorBody, ApiResult } from '../../api/index.js';
import { CaptureDiffError, CaptureNotFoundError } from './capture-diff.js';
import { FlowEditError } from './flow-edits.js';
import { FlowNotFoundError, type FlowService } from './flow-service.js';
import { ProjectPathError } from './project-files.js';
import { ApiRequestError, isApiMethod, parseApiRequest } from './request-validation.js';

/** Maps an error to the code and message the renderer sees. */
export function apiError(e: unknown): ApiErrorBody {
  if (e instanceof ApiRequestError) return { code: 'bad-request', message: e.message };
  if (e instanceof ProjectPathError) return { code: 'forbidden', message: e.message };
  if (e instanceof FlowNotFoundError || e instanceof CaptureNotFoundError)
    return { code: 'not-found', message: e.message };
  if (e instanceof FlowEditError) return { code: 'edit-failed', message: e.message };
  if (e instanceof CaptureDiffError) return { code: 'bad-request', message: e.message };
  return { code: 'internal', message: e instanceof Error ? e.message : String(e) };
}

/** Validates and runs one call; never throws. */
export async function dispatchApiCall(
  service: FlowService,
  method: string,
  payload: unknown,
): Promise<ApiResult<unknown>> {
  try {
    if (!isApiMethod(method)) throw new ApiRequestError(method, 'method', 'is not an API method');
    const request = parseApiRequest(method, payload);
    return { ok: true, result: await service.handle(method, request) };
  } catch (e) {
    return { ok: false, error: apiError(e) };
  }
}
