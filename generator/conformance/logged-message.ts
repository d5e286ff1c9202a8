/**
 * A message an instance keeps for a replay (alt operands chosen again,
 * engine.ts `reinterpretFor`). Replays are rare, and a parsed SIP message
 * is dozens of objects: a message that came from a capture is kept as its
 * bytes and parsed again, with the same parser, only when a replay reads it.
 */
import { decodeMbcp } from '../../runtime/mbcp/index.js';
import { parseCapturedSip } from '../capture/index.js';
import type { WireEndpoint } from './address-map.js';
import type { ObservedMessage, ObservedTime } from './observed.js';

/** One placed message of an instance's log, with the Call-ID it was placed under. */
export class LoggedMessage {
  private readonly kept: ObservedMessage | undefined;
  private readonly frame: number;
  private readonly time: ObservedTime;
  private readonly src: WireEndpoint;
  private readonly dst: WireEndpoint;
  private readonly transport: ObservedMessage['transport'];
  /** The bytes, one character per byte: one small string costs less than a buffer of its own. */
  private readonly wire: string | undefined;
  private readonly isSip: boolean;

  constructor(
    o: ObservedMessage,
    readonly callId: string | undefined,
  ) {
    this.frame = o.frame;
    this.time = o.time;
    this.src = o.src;
    this.dst = o.dst;
    this.transport = o.transport;
    this.isSip = o.sip !== undefined;
    this.wire =
      o.wire === undefined
        ? undefined
        : Buffer.from(o.wire.buffer, o.wire.byteOffset, o.wire.byteLength).toString('latin1');
    this.kept = o.wire === undefined ? o : undefined;
  }

  /** The observed message, parsed again from its bytes when only they were kept. */
  get o(): ObservedMessage {
    // `kept` is set exactly when there are no bytes to parse again.
    if (this.wire === undefined) return this.kept as ObservedMessage;
    const wire = Buffer.from(this.wire, 'latin1');
    const base = {
      frame: this.frame,
      time: this.time,
      src: this.src,
      dst: this.dst,
      transport: this.transport,
    };
    // The bytes parsed (decoded) once already: the same parser gives the same message again.
    return this.isSip
      ? { ...base, sip: parseCapturedSip(wire, this.transport), wire }
      : { ...base, mbcp: decodeMbcp(wire), wire };
  }
}
