/**
 * Building blocks for roles (issue 3 item 5) on the transaction and dialog
 * layers: the user agent core, the stateful proxy core, the B2BUA core, the
 * notifier of REFER method=BYE and the media-stream edits of re-INVITEs.
 */
export { UserAgentCore } from './user-agent-core.js';
export type {
  CoreCounts,
  InviteOptions,
  ListenOptions,
  RequestHandler,
  UserAgentCoreOptions,
} from './user-agent-core.js';
export { IncomingRequest } from './incoming-request.js';
export type { IncomingRequestHost, ReplyOptions } from './incoming-request.js';
export { OutgoingInvite } from './outgoing-invite.js';
export type { InviteResult, OutgoingInviteHost } from './outgoing-invite.js';
export { sendRequest } from './send-request.js';
export { Listeners } from './listeners.js';
export { CoreError, CoreStateError, RoutingError } from './core-errors.js';
export type { CoreErrorContext } from './core-errors.js';
export { ProxyCore } from './proxy-core.js';
export type { ProxyCoreOptions, ProxyListenOptions, ResponseContext } from './proxy-core.js';
export {
  addProxyVia,
  isOwnUri,
  ownRouteUri,
  ownUri,
  prepareForward,
  preprocessRoute,
} from './proxy-routing.js';
export type { ForwardOptions, PreparedForward } from './proxy-routing.js';
export { B2buaCore, ReleaseOrder } from './b2bua-core.js';
export type { B2buaCoreOptions, B2buaRoute } from './b2bua-core.js';
export { relayInvite, withoutTag } from './b2bua-invite.js';
export { B2buaLeg, B2buaSession, B2buaSessionState, LegName } from './b2bua-session.js';
export { acceptRefer, acceptReferBye, isReferBye, isReferInvite } from './refer-notifier.js';
export type {
  InDialogSender,
  ReferByeOptions,
  ReferByeOutcome,
  ReferOutcome,
  ReferOutcomeOptions,
  ReferredStatus,
} from './refer-notifier.js';
export {
  activeStreams,
  answerStreamRemoval,
  mergeAnswers,
  removeMediaStreams,
} from './media-streams.js';
export type { MediaDescription, MergedAnswer, StreamMatch } from './media-streams.js';
export {
  createTargetDialogRefer,
  referOutcome,
  sendRefer,
  sendReferOutOfDialog,
} from './refer-subscriber.js';
export type { ReferOptions, ReferResult, TargetDialogReferOptions } from './refer-subscriber.js';
export { MBCP_SDP_FORMAT, mbcpPeerOf, mbcpSdp } from './mbcp-media.js';
export { answerMessageOffer, messageSdp } from './message-media.js';
export type { MediaAddress } from './message-media.js';
