/**
 * The words a flow may use, verbatim from the specs: roles, SIP methods, MBCP
 * messages, actions, and the typed variables that guards test. One list each,
 * `as const`, so the schema, the validator and the editor's completion agree.
 */

/**
 * The role catalog. A participant's role says what software plays it; its
 * label says how the figure names it ("PoC Server A").
 */
export const ROLES = [
  'poc-client',
  'poc-server-participating',
  'poc-server-controlling',
  'sip-core',
  's-cscf',
  'ue',
  'cpm-client',
  'cpm-pf-originating',
  'cpm-pf-terminating',
  'iwf',
  'message-storage',
] as const;
/** A role from {@link ROLES}. */
export type Role = (typeof ROLES)[number];

/** Roles that have more than one way of working (OMA PoC 6.1, OMA CPM 8.2.2.3). */
export const MODES = ['proxy', 'b2bua'] as const;
/** A participant mode from {@link MODES}. */
export type Mode = (typeof MODES)[number];

/** SIP methods the flows use (RFC 3261, 3515, 6665, 3311, 3262, 3428). */
export const SIP_METHODS = [
  'INVITE',
  'ACK',
  'BYE',
  'CANCEL',
  'OPTIONS',
  'REGISTER',
  'REFER',
  'NOTIFY',
  'SUBSCRIBE',
  'UPDATE',
  'PRACK',
  'INFO',
  'MESSAGE',
  'PUBLISH',
] as const;
/** A SIP method from {@link SIP_METHODS}. */
export type SipMethod = (typeof SIP_METHODS)[number];

/**
 * Default reason phrases (RFC 3261 21), used when a flow writes a status
 * code alone and to recognise a status line that is not a status.
 */
export const SIP_REASONS: Readonly<Record<number, string>> = {
  100: 'Trying',
  180: 'Ringing',
  181: 'Call Is Being Forwarded',
  182: 'Queued',
  183: 'Session Progress',
  200: 'OK',
  202: 'Accepted',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  420: 'Bad Extension',
  480: 'Temporarily Unavailable',
  481: 'Call/Transaction Does Not Exist',
  486: 'Busy Here',
  487: 'Request Terminated',
  488: 'Not Acceptable Here',
  500: 'Server Internal Error',
  503: 'Service Unavailable',
  505: 'Version Not Supported',
  603: 'Decline',
};

/**
 * MBCP messages (OMA PoC user plane; carried as RTCP APP `PoC1`). The names
 * are the figures' words; "Media Burst Acknowledgement" is Figure 19 step B.
 */
export const MBCP_MESSAGES = [
  'Media Burst Request',
  'Media Burst Granted',
  'Media Burst Taken',
  'Media Burst Deny',
  'Media Burst Release',
  'Media Burst Idle',
  'Media Burst Revoke',
  'Media Burst Acknowledgement',
  'Queue Status Request',
  'Queue Status Response',
  'Disconnect',
  'Connect',
] as const;
/** An MBCP message name from {@link MBCP_MESSAGES}. */
export type MbcpMessageName = (typeof MBCP_MESSAGES)[number];

/** Things a participant does that are not messages. */
export const ACTIONS = [
  'release-media-resources',
  'store-session-history',
  'release-dialog-state',
  'release-session',
  'initiate-release',
  'service-control',
  'remove-media-streams',
  'disconnect-participants',
] as const;
/** An action from {@link ACTIONS}. */
export type ActionName = (typeof ACTIONS)[number];

/** The type of a guard variable: an enumeration of literals, a boolean or a number. */
export type GuardVarType =
  | { readonly type: 'enum'; readonly values: readonly string[] }
  | { readonly type: 'boolean' }
  | { readonly type: 'number' };

/**
 * Variables a guard may test, with their types, and where the specs leave
 * them: session facts, operator policies, the origin of a trigger and races.
 * A flow may add its own under `variables` with `type: enum` and `values`.
 */
export const GUARD_VARIABLES: Readonly<Record<string, GuardVarType & { readonly doc: string }>> = {
  'session.kind': {
    type: 'enum',
    values: ['on-demand', 'pre-established'],
    doc: 'OMA PoC: the session was set up on demand or through a pre-established session.',
  },
  'session.interworked': {
    type: 'boolean',
    doc: 'OMA CPM 8.2.2.3: the CPM Session is being interworked.',
  },
  'session.iwfCount': {
    type: 'number',
    doc: 'OMA CPM: number of IWFs the session is interworked to.',
  },
  'session.finalResponseSent': {
    type: 'boolean',
    doc: 'The UAS already sent a final response to the INVITE (RFC 3261 9.2).',
  },
  'policy.release': {
    type: 'enum',
    values: ['release-all', 'continue'],
    doc: 'OMA PoC release policy of the Controlling PoC Function when a participant leaves.',
  },
  'policy.allowOfflineStorage': {
    type: 'boolean',
    doc: 'OMA CPM: the action element <allow-offline-storage> is set to true.',
  },
  'policy.iwfRelease': {
    type: 'enum',
    values: ['close-sender-media', 'close-session'],
    doc: 'OMA CPM 8.2.2.3 6: service provider policy when one of several IWFs sends BYE.',
  },
  'participant.mode': {
    type: 'enum',
    values: ['proxy', 'b2bua'],
    doc: 'How the deciding participant works (OMA CPM 8.2.2.3, OMA PoC 6.1).',
  },
  'trigger.from': {
    type: 'enum',
    values: ['served-client', 'other-entity', 'iwf', 'controlling-server'],
    doc: 'Who sent the request that triggered the procedure.',
  },
  'race.winner': {
    type: 'enum',
    values: ['487', '2xx'],
    doc: 'RFC 3261 9.1: which final response reaches the canceller first.',
  },
  'scscf.serves': {
    type: 'enum',
    values: ['calling', 'called'],
    doc: 'TS 24.229 5.4.5.1.2: the S-CSCF serves the calling or the called user.',
  },
  'contact.isGruu': {
    type: 'boolean',
    doc: 'TS 24.229 5.4.5.1.2: the stored Contact holds a public or temporary GRUU.',
  },
  'cseq.stored': {
    type: 'boolean',
    doc: 'TS 24.229 5.4.5.1.2: a CSeq value was stored for that direction.',
  },
};

/**
 * Dialog state a derived value may read (RFC 3261 12, TS 24.229 5.4.5.1.2).
 * `calling` and `called` name the parties of the initial INVITE.
 */
export const DIALOG_PATHS = [
  'dialog.callId',
  'dialog.localTag',
  'dialog.remoteTag',
  'dialog.remoteTarget',
  'dialog.routeSet',
  'dialog.localCseq',
  'dialog.remoteCseq',
  'dialog.calling.from',
  'dialog.calling.contact',
  'dialog.calling.contactBinding',
  'dialog.calling.route',
  'dialog.called.to',
  'dialog.called.contact',
  'dialog.called.contactBinding',
  'dialog.called.route',
  'dialog.cseq.callerToCallee',
  'dialog.cseq.calleeToCaller',
] as const;
/** A dialog path from {@link DIALOG_PATHS}. */
export type DialogPath = (typeof DIALOG_PATHS)[number];
