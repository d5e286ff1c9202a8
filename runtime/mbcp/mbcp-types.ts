/**
 * MBCP (OMA PoC Media Burst Control Protocol, PoC 1 "TBCP") message model.
 *
 * MBCP travels in RTCP APP packets (RFC 3550 section 6.7, packet type 204)
 * whose name is `PoC1`; the 5-bit RTCP count field carries the subtype. The
 * fields below are the ones the Wireshark RTCP dissector decodes for PoC1,
 * which serves the project as its reference decoder (docs/adr/0002-mbcp-codec.md).
 */

/** The MBCP messages, named as in the task table (Request 0 ... Connect 15). */
export const MBCP_KINDS = [
  'Request',
  'Granted',
  'Taken',
  'Deny',
  'Release',
  'Idle',
  'Revoke',
  'Acknowledgement',
  'Queue Status Request',
  'Queue Status Response',
  'Disconnect',
  'Connect',
] as const;

/** One MBCP message kind. */
export type MbcpKind = (typeof MBCP_KINDS)[number];

/** RTCP APP packet type (RFC 3550 section 6.7). */
export const RTCP_APP_PACKET_TYPE = 204;

/** The four-character APP name of OMA PoC floor control. */
export const MBCP_APP_NAME = 'PoC1';

/**
 * Bit 0x10 of the 5-bit subtype: the sender expects an MBCP Acknowledgement
 * (PoC1 "Talk Burst Taken (ack expected)" is subtype 18 = 0x10 | 2).
 */
export const MBCP_ACK_REQUIRED_BIT = 0x10;

/** Priority values of Request (item 102) and Queue Status Response, as tshark names them. */
export const MBCP_PRIORITY = {
  'No priority (un-queued)': 0,
  'Normal priority': 1,
  'High priority': 2,
  'Pre-emptive priority': 3,
} as const;

/** Deny reason codes (8 bits), as tshark names them. */
export const MBCP_DENY_REASON = {
  'Another PoC User has permission': 1,
  'Internal PoC server error': 2,
  'Only one participant in the group': 3,
  'Retry-after timer has not expired': 4,
  'Listen only': 5,
} as const;

/** Revoke reason codes (16 bits), as tshark names them. */
export const MBCP_REVOKE_REASON = {
  'Only one user': 1,
  'Talk burst too long': 2,
  'No permission to send a Talk Burst': 3,
  'Talk burst pre-empted': 4,
} as const;

/** Acknowledgement reason codes (11 bits), as tshark names them. */
export const MBCP_ACK_REASON = {
  Accepted: 0,
  Busy: 1,
  'Not accepted': 2,
} as const;

/** Connect session types, as tshark names them. */
export const MBCP_SESSION_TYPE = {
  None: 0,
  '1-to-1': 1,
  'Ad-hoc': 2,
  'Pre-arranged': 3,
  Chat: 4,
} as const;

/** 64-bit NTP timestamp (RFC 3550 section 4): seconds since 1900 and a 2^-32 fraction. */
export interface NtpTimestamp {
  readonly seconds: number;
  readonly fraction: number;
}

/** Fields every MBCP message carries in its RTCP APP header. */
export interface MbcpCommon {
  /** SSRC of the sender (RFC 3550 section 6.7). */
  readonly ssrc: number;
  /** Bit 0x10 of the subtype: the sender expects an Acknowledgement. */
  readonly ackRequired: boolean;
}

/** Request (subtype 0): optional priority (item 102) and request timestamp (item 103). */
export interface MbcpRequest extends MbcpCommon {
  readonly kind: 'Request';
  readonly priority?: number;
  readonly timestamp?: NtpTimestamp;
}

/** Granted (subtype 1): stop talking timer (item 101), optional participants (item 100). */
export interface MbcpGranted extends MbcpCommon {
  readonly kind: 'Granted';
  /** Seconds; 0 unknown, 65535 infinity. */
  readonly stopTalkingTime: number;
  readonly participants?: number;
}

/** Taken (subtype 2; 18 with the acknowledgement bit). */
export interface MbcpTaken extends MbcpCommon {
  readonly kind: 'Taken';
  /** SSRC of the client granted permission to talk. */
  readonly grantedSsrc: number;
  /** SDES CNAME item: SIP URI of the talker. */
  readonly sipUri: string;
  /** SDES NAME item: display name of the talker. */
  readonly displayName?: string;
  readonly participants?: number;
}

/** Deny (subtype 3): 8-bit reason code and a length-prefixed reason phrase. */
export interface MbcpDeny extends MbcpCommon {
  readonly kind: 'Deny';
  readonly reasonCode: number;
  readonly reasonPhrase: string;
}

/** Release (subtype 4): sequence number of the last RTP packet and the ignore flag. */
export interface MbcpRelease extends MbcpCommon {
  readonly kind: 'Release';
  readonly lastSeqNo: number;
  readonly ignoreSeqNo: boolean;
}

/** Idle (subtype 5): no application data. */
export interface MbcpIdle extends MbcpCommon {
  readonly kind: 'Idle';
}

/** Revoke (subtype 6): 16-bit reason code; reason 2 carries the new time the client can request. */
export interface MbcpRevoke extends MbcpCommon {
  readonly kind: 'Revoke';
  readonly reasonCode: number;
  /** Seconds; only with reason code 2 (Talk burst too long). */
  readonly newTimeRequest?: number;
}

/** Acknowledgement (subtype 7): the acknowledged 5-bit subtype and an 11-bit reason code. */
export interface MbcpAcknowledgement extends MbcpCommon {
  readonly kind: 'Acknowledgement';
  /** The 5-bit subtype acknowledged, as received (with its 0x10 bit). */
  readonly acknowledgedSubtype: number;
  readonly reasonCode: number;
}

/** Queue Status Request (subtype 8): no application data. */
export interface MbcpQueueStatusRequest extends MbcpCommon {
  readonly kind: 'Queue Status Request';
}

/** Queue Status Response (subtype 9): priority and position in the queue. */
export interface MbcpQueueStatusResponse extends MbcpCommon {
  readonly kind: 'Queue Status Response';
  readonly priority: number;
  /** Clients ahead; 0 un-queued, 65535 position not available. */
  readonly position: number;
}

/** Disconnect (subtype 11): no application data, 12 bytes in all. */
export interface MbcpDisconnect extends MbcpCommon {
  readonly kind: 'Disconnect';
}

/** SDES items a Connect may carry, in wire order (one content flag each). */
export interface MbcpConnectItems {
  readonly inviterIdentity?: string;
  readonly inviterNickName?: string;
  readonly sessionIdentity?: string;
  readonly groupName?: string;
  readonly groupIdentity?: string;
}

/** Connect (subtype 15), pre-established sessions. */
export interface MbcpConnect extends MbcpCommon {
  readonly kind: 'Connect';
  readonly sessionType: number;
  readonly manualAnswerOverride: boolean;
  readonly items: MbcpConnectItems;
}

/** Any MBCP message, discriminated on `kind`. */
export type MbcpMessage =
  | MbcpRequest
  | MbcpGranted
  | MbcpTaken
  | MbcpDeny
  | MbcpRelease
  | MbcpIdle
  | MbcpRevoke
  | MbcpAcknowledgement
  | MbcpQueueStatusRequest
  | MbcpQueueStatusResponse
  | MbcpDisconnect
  | MbcpConnect;

/** The message of one kind. */
export type MbcpMessageOf<K extends MbcpKind> = Extract<MbcpMessage, { kind: K }>;
