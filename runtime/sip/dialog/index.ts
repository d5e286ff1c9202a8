export { Dialog } from './dialog.js';
export { isLooseRoute, isTargetRefresh, nextHopUri } from './dialog-routing.js';
export type { DialogInit, InDialogRequestOptions, SubscriptionUsage } from './dialog.js';
export { DialogCSeqError, DialogError } from './dialog-errors.js';
export {
  createSubscriberDialogFromNotify,
  createUacDialog,
  createUasDialog,
} from './dialog-factory.js';
export { dialogIdOfIncomingRequest, dialogIdOfResponse, dialogKey } from './dialog-id.js';
export type { DialogId } from './dialog-id.js';
export { DialogRecorder, dialogRecordOf } from './dialog-record.js';
export type {
  DialogCSeqRecord,
  DialogPartyRecord,
  DialogRecord,
  DialogRecorderOptions,
} from './dialog-record.js';
export { DialogRole, DialogState, SubscriptionUsageState } from './dialog-state.js';
export { DialogStore } from './dialog-store.js';
export type { DialogCounts } from './dialog-store.js';
export { createReleaseBye } from './release-bye.js';
export type { ReleaseByeOptions } from './release-bye.js';
export {
  addReferUsage,
  createNotify,
  receiveNotify,
  SIPFRAG_CONTENT_TYPE,
} from './subscription-usage.js';
export type { NotifyOptions } from './subscription-usage.js';
