export {
  decodeMbcp,
  decodeMbcpCompound,
  encodeMbcp,
  findMbcpPackets,
  isMbcpPacket,
  mbcpSubtypeOf,
} from './mbcp-codec.js';
export {
  MbcpAckTimeoutError,
  MbcpDecodeError,
  MbcpEncodeError,
  MbcpEndpointClosedError,
  MbcpEndpointOptionError,
  MbcpReceiveTimeoutError,
} from './mbcp-errors.js';
export type { MbcpErrorLocation } from './mbcp-errors.js';
export { MBCP_SUBTYPES, getMbcpSubtype, getMbcpSubtypeByKind } from './mbcp-subtypes.js';
export type { MbcpBody, MbcpSubtypeSpec } from './mbcp-subtypes.js';
export {
  MBCP_ACK_REASON,
  MBCP_ACK_REQUIRED_BIT,
  MBCP_APP_NAME,
  MBCP_DENY_REASON,
  MBCP_KINDS,
  MBCP_PRIORITY,
  MBCP_REVOKE_REASON,
  MBCP_SESSION_TYPE,
  RTCP_APP_PACKET_TYPE,
} from './mbcp-types.js';
export type {
  MbcpAcknowledgement,
  MbcpCommon,
  MbcpConnect,
  MbcpConnectItems,
  MbcpDeny,
  MbcpDisconnect,
  MbcpGranted,
  MbcpIdle,
  MbcpKind,
  MbcpMessage,
  MbcpMessageOf,
  MbcpQueueStatusRequest,
  MbcpQueueStatusResponse,
  MbcpRelease,
  MbcpRequest,
  MbcpRevoke,
  MbcpTaken,
  NtpTimestamp,
} from './mbcp-types.js';
export { MbcpEndpoint } from './mbcp-endpoint.js';
export { MBCP_DIRECTIONS, MBCP_PACKET_NOTES } from './mbcp-endpoint-types.js';
export type {
  MbcpAddress,
  MbcpDirection,
  MbcpEndpointOptions,
  MbcpPacketNote,
  MbcpPacketRecord,
  MbcpReceived,
  MbcpSendResult,
} from './mbcp-endpoint-types.js';
