/** The typed contract between the renderer and the backend. */
export { MAX_CAPTURE_UPLOAD, STEP_DIFF_STATUSES } from './capture-diff.js';
export type {
  CaptureDiff,
  CaptureFieldDiff,
  CaptureInstanceDiff,
  CaptureSource,
  CaptureStepDiff,
  CaptureUnexpected,
  StepDiffStatus,
} from './capture-diff.js';
export {
  API_CHANNELS,
  API_HTTP_PREFIX,
  API_METHODS,
  TEXT_EXPORT_FORMATS,
  WATCH_CHANNEL,
  WATCH_HTTP_PATH,
} from './flow-api.js';
export type {
  ApiErrorBody,
  ApiFinding,
  ApiMethod,
  ApiMethods,
  ApiRequest,
  ApiResponse,
  ApiResult,
  FlowApi,
  FlowEdit,
  FlowStructureEdit,
  NewMessage,
  WrapSpec,
  FlowEntry,
  PreviewRole,
  TextExportFormat,
  WatchEvent,
} from './flow-api.js';
export type {
  DiagramFragment,
  DiagramHeader,
  DiagramLifeline,
  DiagramMessageRow,
  DiagramModel,
  DiagramNoteRow,
  DiagramOperand,
  DiagramRow,
  YamlPath,
} from './diagram-model.js';
