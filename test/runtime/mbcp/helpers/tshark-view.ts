import { mbcpSubtypeOf, type MbcpMessage } from '../../../../runtime/mbcp/index.js';
import type { TsharkRtcp } from './tshark.js';

/** A field as [tshark field name, normalized value]. */
export type FieldPair = readonly [string, string];

const bool = (b: boolean): string => (b ? '1' : '0');
const hex32 = (n: number): string => n.toString(16).padStart(8, '0');

/**
 * What the Wireshark RTCP dissector shows for a message, in wire order: the
 * mapping from the codec's field names to tshark's field names. Values are
 * tshark's `show` except the NTP timestamp, compared by its raw bytes.
 */
export function expectedTsharkFields(msg: MbcpMessage): FieldPair[] {
  const f: FieldPair[] = [
    ['rtcp.app.subtype', String(mbcpSubtypeOf(msg))],
    ['rtcp.ssrc.identifier', `0x${hex32(msg.ssrc)}`],
    ['rtcp.app.name', 'PoC1'],
  ];
  const p = 'rtcp.app.poc1.';
  switch (msg.kind) {
    case 'Request':
      if (msg.priority !== undefined) f.push([`${p}priority`, String(msg.priority)]);
      if (msg.timestamp !== undefined) {
        f.push([`${p}request.ts`, hex32(msg.timestamp.seconds) + hex32(msg.timestamp.fraction)]);
      }
      break;
    case 'Granted':
      f.push([`${p}stt`, String(msg.stopTalkingTime)]);
      if (msg.participants !== undefined) f.push([`${p}participants`, String(msg.participants)]);
      break;
    case 'Taken':
      f.push([`${p}ssrc.granted`, String(msg.grantedSsrc)], ['rtcp.sdes.type', '1']);
      f.push([`${p}sip.uri`, msg.sipUri]);
      if (msg.displayName !== undefined) {
        f.push(['rtcp.sdes.type', '2'], [`${p}disp.name`, msg.displayName]);
      }
      if (msg.participants !== undefined) f.push([`${p}participants`, String(msg.participants)]);
      break;
    case 'Deny':
      f.push([`${p}reason.code`, String(msg.reasonCode)]);
      if (msg.reasonPhrase !== '') f.push([`${p}reason.phrase`, msg.reasonPhrase]);
      break;
    case 'Release':
      f.push([`${p}last.pkt.seq.no`, String(msg.lastSeqNo)]);
      f.push([`${p}ignore.seq.no`, bool(msg.ignoreSeqNo)]);
      break;
    case 'Revoke':
      f.push([`${p}reason.code`, String(msg.reasonCode)]);
      if (msg.newTimeRequest !== undefined) {
        f.push([`${p}new.time.request`, String(msg.newTimeRequest)]);
      }
      break;
    case 'Acknowledgement':
      f.push([`${p}ack.subtype`, String(msg.acknowledgedSubtype)]);
      // The dissector shows the reason code only when a Connect is acknowledged.
      if (msg.acknowledgedSubtype === 15) f.push([`${p}ack.reason.code`, String(msg.reasonCode)]);
      break;
    case 'Queue Status Response':
      f.push([`${p}qsresp.priority`, String(msg.priority)]);
      f.push([`${p}qsresp.position`, String(msg.position)]);
      break;
    case 'Connect': {
      const i = msg.items;
      f.push(
        [`${p}conn.content.a.id`, bool(i.inviterIdentity !== undefined)],
        [`${p}conn.content.a.dn`, bool(i.inviterNickName !== undefined)],
        [`${p}conn.content.sess.id`, bool(i.sessionIdentity !== undefined)],
        [`${p}conn.content.grp.dn`, bool(i.groupName !== undefined)],
        [`${p}conn.content.grp.id`, bool(i.groupIdentity !== undefined)],
        [`${p}conn.session.type`, String(msg.sessionType)],
        [`${p}conn.add.ind.mao`, bool(msg.manualAnswerOverride)],
      );
      if (i.inviterIdentity !== undefined) f.push([`${p}conn.sdes.a.id`, i.inviterIdentity]);
      if (i.inviterNickName !== undefined) f.push([`${p}conn.sdes.a.dn`, i.inviterNickName]);
      if (i.sessionIdentity !== undefined) f.push([`${p}conn.sdes.sess.id`, i.sessionIdentity]);
      if (i.groupName !== undefined) f.push([`${p}conn.sdes.grp.dn`, i.groupName]);
      if (i.groupIdentity !== undefined) f.push([`${p}conn.sdes.grp.id`, i.groupIdentity]);
      break;
    }
    case 'Idle':
    case 'Queue Status Request':
    case 'Disconnect':
      break;
  }
  return f;
}

const IGNORED = new Set(['rtcp.app.poc1']);

/** The fields tshark decoded for one RTCP APP packet, normalized like {@link expectedTsharkFields}. */
export function observedTsharkFields(rtcp: TsharkRtcp): FieldPair[] {
  return rtcp.fields
    .filter(
      (x) =>
        (x.name.startsWith('rtcp.app.') && !IGNORED.has(x.name)) ||
        x.name === 'rtcp.sdes.type' ||
        x.name === 'rtcp.ssrc.identifier',
    )
    .map((x): FieldPair => {
      if (x.name.endsWith('.request.ts')) return [x.name, x.value];
      if (x.name.endsWith('.ignore.seq.no')) return [x.name, bool(Number(x.show) !== 0)];
      return [x.name, x.show];
    });
}

/** The `showname` tshark gives the RTCP subtype, e.g. "...0 1011 = Subtype: 11 TBCP Disconnect". */
export function tsharkSubtypeName(rtcp: TsharkRtcp): string {
  return rtcp.fields.find((x) => x.name === 'rtcp.app.subtype')?.showname ?? '';
}

/** True when tshark's own length check passed and it flagged nothing as malformed. */
export function tsharkFoundNoProblem(rtcp: TsharkRtcp): boolean {
  const check = rtcp.fields.find((x) => x.name === 'rtcp.length_check');
  return check?.show === '1' && !rtcp.fields.some((x) => x.name.startsWith('_ws.'));
}
