import type { MbcpMessage } from '../../../../runtime/mbcp/index.js';

const CLIENT = 0x0a0b0c0d;
const SERVER = 0xdeadbeef;

/**
 * Every MBCP message kind, with and without its optional fields, and with the
 * acknowledgement bit where the table allows it and tshark 4.0 decodes it.
 */
export const ALL_MESSAGES: readonly MbcpMessage[] = [
  { kind: 'Request', ssrc: CLIENT, ackRequired: false },
  { kind: 'Request', ssrc: CLIENT, ackRequired: false, priority: 3 },
  {
    kind: 'Request',
    ssrc: CLIENT,
    ackRequired: false,
    priority: 1,
    timestamp: { seconds: 3_900_000_123, fraction: 0x40000000 },
  },
  { kind: 'Granted', ssrc: SERVER, ackRequired: false, stopTalkingTime: 65535 },
  { kind: 'Granted', ssrc: SERVER, ackRequired: false, stopTalkingTime: 30, participants: 7 },
  {
    kind: 'Taken',
    ssrc: SERVER,
    ackRequired: false,
    grantedSsrc: CLIENT,
    sipUri: 'sip:bob@networkB.net',
  },
  {
    kind: 'Taken',
    ssrc: SERVER,
    ackRequired: false,
    grantedSsrc: CLIENT,
    sipUri: 'sip:bob@networkB.net',
    participants: 4,
  },
  {
    kind: 'Taken',
    ssrc: SERVER,
    ackRequired: true,
    grantedSsrc: 1,
    sipUri: 'sip:carol@networkA.net',
    displayName: 'Carol',
    participants: 2,
  },
  { kind: 'Deny', ssrc: SERVER, ackRequired: false, reasonCode: 5, reasonPhrase: 'Listen only' },
  { kind: 'Deny', ssrc: SERVER, ackRequired: false, reasonCode: 2, reasonPhrase: '' },
  { kind: 'Release', ssrc: CLIENT, ackRequired: false, lastSeqNo: 65535, ignoreSeqNo: false },
  { kind: 'Release', ssrc: CLIENT, ackRequired: false, lastSeqNo: 0, ignoreSeqNo: true },
  { kind: 'Idle', ssrc: SERVER, ackRequired: false },
  { kind: 'Revoke', ssrc: SERVER, ackRequired: false, reasonCode: 2, newTimeRequest: 15 },
  { kind: 'Revoke', ssrc: SERVER, ackRequired: false, reasonCode: 4 },
  {
    kind: 'Acknowledgement',
    ssrc: CLIENT,
    ackRequired: false,
    acknowledgedSubtype: 27,
    reasonCode: 0,
  },
  {
    kind: 'Acknowledgement',
    ssrc: CLIENT,
    ackRequired: false,
    acknowledgedSubtype: 15,
    reasonCode: 1,
  },
  {
    kind: 'Acknowledgement',
    ssrc: CLIENT,
    ackRequired: false,
    acknowledgedSubtype: 15,
    reasonCode: 2,
  },
  { kind: 'Queue Status Request', ssrc: CLIENT, ackRequired: false },
  { kind: 'Queue Status Response', ssrc: SERVER, ackRequired: false, priority: 2, position: 65535 },
  { kind: 'Disconnect', ssrc: SERVER, ackRequired: false },
  { kind: 'Disconnect', ssrc: SERVER, ackRequired: true },
  {
    kind: 'Connect',
    ssrc: SERVER,
    ackRequired: false,
    sessionType: 3,
    manualAnswerOverride: false,
    items: {
      inviterIdentity: 'sip:alice@networkA.net',
      inviterNickName: 'Alice',
      sessionIdentity: 'sip:PoC-Session-Identity1@PoC-ServerX.networkX.net',
      groupName: 'Team',
      groupIdentity: 'sip:team@networkX.net',
    },
  },
  {
    kind: 'Connect',
    ssrc: SERVER,
    ackRequired: false,
    sessionType: 1,
    manualAnswerOverride: true,
    items: {},
  },
];
