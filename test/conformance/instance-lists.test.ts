/**
 * What an open instance keeps, kept as numbers in lists rather than objects: its matches past the
 * room made for them, its log of messages (young and compacted), the addresses index, and the
 * hash of a key of several parts.
 */
import { describe, expect, it } from 'vitest';
import { AddressIndex } from '../../generator/conformance/address-index.js';
import type { Instance } from '../../generator/conformance/instance.js';
import type { ExpectedMessage } from '../../generator/conformance/expected.js';
import {
  EvidenceList,
  JOINED_AFTER,
  JOINED_ALREADY,
  JOINED_AT,
  JOINED_START,
  JoinMemos,
  slot,
  SlotMatches,
  UNKNOWN_ENDS,
} from '../../generator/conformance/instance.js';
import { MessageLog } from '../../generator/conformance/logged-message.js';
import type { ObservedMessage } from '../../generator/conformance/observed.js';
import {
  hashEnd,
  hashNumber,
  hashPart,
  hashStart,
} from '../../generator/conformance/recent-keys.js';
import { parseCapturedSip } from '../../generator/capture/captured-sip.js';

function hashOf(...parts: (string | number)[]): number {
  hashStart();
  for (const p of parts) {
    if (typeof p === 'number') hashNumber(p);
    else hashPart(p);
  }
  return hashEnd();
}

describe('a hash of several parts', () => {
  it('is the same for the same parts, keeps parts apart, and reads a part of a text in place', () => {
    expect(hashOf('BYE', 'z9hG4bK1', 5060)).toBe(hashOf('BYE', 'z9hG4bK1', 5060));
    expect(hashOf('ab', 'c')).not.toBe(hashOf('a', 'bc'));
    expect(hashOf('BYE', 5060)).not.toBe(hashOf('BYE', 5061));
    expect(hashOf(70000)).not.toBe(hashOf(70000 - 65536));
    hashStart();
    hashPart('xx;branch=z9hG4bK1;rport', 10, 18);
    expect(hashEnd()).toBe(hashOf('z9hG4bK1'));
    expect(hashOf()).toBeGreaterThan(0);
    expect(hashOf('a')).toBeLessThan(2 ** 53);
  });
});

describe('an instance’s matches past the room made for them', () => {
  it('grows, and counts retransmissions per slot', () => {
    const matches = new SlotMatches(2);
    for (let i = 0; i < 7; i++)
      matches.put(slot(i, i % 2), 100 + i, 1.5 + i, undefined, [], i === 3);
    expect(matches.size).toBe(7);
    expect([...matches.keys()]).toEqual([0, 65537, 2, 65539, 4, 65541, 6]);
    expect(matches.slotAt(3)).toBe(slot(3, 1));
    expect(matches.frameAt(3)).toBe(103);
    matches.retransmitted(slot(3, 1));
    matches.retransmitted(slot(3, 1));
    matches.retransmitted(slot(5, 0));
    expect(matches.get(slot(3, 1))).toEqual({
      frame: 103,
      time: 4.5,
      observed: undefined,
      diffs: [],
      retransmissions: 2,
      loose: true,
    });
    expect(matches.get(slot(4, 0))?.loose).toBe(false);
    // Matched again: the same place, no retransmissions yet.
    matches.put(slot(3, 1), 200, 9, undefined, [], false);
    expect(matches.slotAt(3)).toBe(slot(3, 1));
    expect(matches.get(slot(3, 1))).toMatchObject({ frame: 200, retransmissions: 0, loose: false });
  });
});

const BYE =
  'BYE sip:b@10.0.0.2 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKa\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>;tag=2\r\nCall-ID: c1@x\r\nCSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n';

function observed(frame: number, text: string | undefined): ObservedMessage {
  const base = {
    frame,
    time: { sec: 1_700_000_000 + frame, nsec: 250_000 * frame },
    src: { ip: '10.0.0.1', port: 5060 },
    dst: { ip: '10.0.0.2', port: 5070 + frame },
    transport: 'udp' as const,
  };
  if (text === undefined) return { ...base, sip: parseCapturedSip(Buffer.from(BYE), 'udp') };
  // Bytes in a slab shared with others, as a capture's batches hold them.
  const slab = new Uint8Array(4096);
  const bytes = Buffer.from(text);
  slab.set(bytes, 100);
  const wire = slab.subarray(100, 100 + bytes.length);
  return { ...base, sip: parseCapturedSip(wire, 'udp'), wire };
}

function described(log: MessageLog): unknown[][] {
  return log.entries.map((e) => {
    const o = e.o;
    const sip = o.sip && [o.sip.kind, o.sip.headers.get('cseq'), o.sip.headers.get('call-id')];
    return [e.callId, e.ips, o.frame, o.time, o.src, o.dst, o.transport, sip];
  });
}

describe('an instance’s log of messages', () => {
  it('gives the messages back alike, young, compacted, and both, past the room made', () => {
    const log = new MessageLog(2);
    const whole = observed(3, undefined);
    const msgs = [observed(1, BYE), observed(2, BYE.replace('2 BYE', '3 BYE')), whole];
    log.add(msgs[0] as ObservedMessage, 'c1@x');
    log.add(msgs[1] as ObservedMessage, undefined);
    log.add(whole, 'c2@x');
    expect(log.length).toBe(3);
    const young = described(log);
    expect(young[0]).toEqual([
      'c1@x',
      ['10.0.0.1', '10.0.0.2'],
      1,
      { sec: 1_700_000_001, nsec: 250_000 },
      { ip: '10.0.0.1', port: 5060 },
      { ip: '10.0.0.2', port: 5071 },
      'udp',
      ['request', '2 BYE', 'c1@x'],
    ]);
    // A message without bytes is kept as itself.
    expect(log.entries[2]?.o).toBe(whole);
    log.compact();
    expect(described(log)).toEqual(young);
    expect(log.entries[2]?.o).toBe(whole);
    log.add(observed(4, BYE.replace('2 BYE', '4 BYE')), 'c1@x');
    const both = described(log);
    expect(both.slice(0, 3)).toEqual(young);
    expect(both[3]?.slice(0, 3)).toEqual(['c1@x', ['10.0.0.1', '10.0.0.2'], 4]);
    log.compact();
    expect(described(log)).toEqual(both);
    expect(log.length).toBe(4);
  });
});

describe('the index of instances by address', () => {
  it('answers as a set per address, from one instance to several and back', () => {
    const index = new AddressIndex();
    const a = { addresses: [] } as unknown as Instance;
    const b = { addresses: [] } as unknown as Instance;
    index.add(a, '10.0.0.1', '10.0.0.9');
    index.add(a, '10.0.0.1', '10.0.0.9');
    expect(a.addresses).toEqual(['10.0.0.1', '10.0.0.9']);
    expect([...index.near('10.0.0.1')]).toEqual([a]);
    index.add(b, '10.0.0.2', '10.0.0.9');
    expect([...index.near('10.0.0.9')]).toEqual([a, b]);
    index.remove(a);
    expect([...index.near('10.0.0.9')]).toEqual([b]);
    expect([...index.near('10.0.0.1')]).toEqual([]);
    index.remove(b);
    expect([...index.near('10.0.0.9')]).toEqual([]);
    expect([...index.near('10.0.0.2')]).toEqual([]);
  });
});

describe('the evidence of the dialogs an instance joined', () => {
  it('lists what was added, in order, one step list shared per step', () => {
    const a = new EvidenceList();
    const b = new EvidenceList();
    expect(a.list()).toEqual([]);
    a.push({ callId: 'c1@x', steps: ['2'], evidence: 'starts the instance' });
    a.push({ callId: 'c2@x', steps: ['6'], evidence: 'follows step 3' });
    b.push({ callId: 'c3@x', steps: ['2'], evidence: 'starts the instance' });
    b.push({ callId: 'c3@x', steps: ['2', '4'], evidence: 'in the dialog already joined' });
    expect(a.list()).toEqual([
      { callId: 'c1@x', steps: ['2'], evidence: 'starts the instance' },
      { callId: 'c2@x', steps: ['6'], evidence: 'follows step 3' },
    ]);
    expect(b.list()[1]).toEqual({
      callId: 'c3@x',
      steps: ['2', '4'],
      evidence: 'in the dialog already joined',
    });
    expect(b.list()[0]?.steps).toBe(a.list()[0]?.steps);
  });
});

describe('the evidence of a join, written when listed', () => {
  it('says how each dialog joined, from its step, frames and predecessor', () => {
    const step = (id: string, from: string, method: string): ExpectedMessage =>
      ({
        id,
        from,
        type: { protocol: 'sip', type: 'request', method },
      }) as unknown as ExpectedMessage;
    const bye = step('5', 'client', 'BYE');
    const refer = step('2', 'client', 'REFER');
    const other = step('3', 'server', 'NOTIFY');
    const evidence = new EvidenceList();
    evidence.join('c1@x', JOINED_START, refer, 10);
    evidence.join('c2@x', JOINED_AFTER, bye, 14, refer, 10);
    evidence.join('c3@x', JOINED_AFTER, bye, 15, other, 12);
    evidence.join('c4@x', JOINED_AT, bye, 16);
    evidence.join('c1@x', JOINED_ALREADY, other, 17);
    expect(evidence.list().map((e) => [e.callId, e.steps, e.evidence])).toEqual([
      ['c1@x', ['2'], 'starts the instance: REFER of step 2 at frame 10'],
      [
        'c2@x',
        ['5'],
        'BYE of step 5 (frame 14) follows step 2 (frame 10), sent by client after its step 2',
      ],
      ['c3@x', ['5'], 'BYE of step 5 (frame 15) follows step 3 (frame 12)'],
      ['c4@x', ['5'], 'frame 16'],
      ['c1@x', ['3'], 'in the dialog already joined at frame 17'],
    ]);
  });
});

describe('the join memos of an instance', () => {
  it('keep ends per list of steps until cleared', () => {
    const a: ExpectedMessage[] = [];
    const b: ExpectedMessage[] = [];
    const c: ExpectedMessage[] = [];
    const memos = new JoinMemos();
    expect(memos.get(a)).toBe(UNKNOWN_ENDS);
    memos.set(a, ['10.0.0.1', undefined]);
    memos.set(b, null);
    memos.set(c, []);
    memos.set(b, ['10.0.0.2', '10.0.0.3']);
    expect(memos.get(a)).toEqual(['10.0.0.1', undefined]);
    expect(memos.get(b)).toEqual(['10.0.0.2', '10.0.0.3']);
    expect(memos.get(c)).toEqual([]);
    memos.clear();
    for (const steps of [a, b, c]) expect(memos.get(steps)).toBe(UNKNOWN_ENDS);
    memos.set(c, null);
    expect(memos.get(c)).toBeNull();
  });
});

describe('a match counted as retransmitted', () => {
  it('keeps its count through a set, and loses it when its slot is matched again', () => {
    const matches = new SlotMatches();
    matches.set(slot(2, 0), {
      frame: 7,
      time: 1,
      observed: undefined,
      diffs: [],
      retransmissions: 3,
      loose: false,
    });
    expect(matches.get(slot(2, 0))?.retransmissions).toBe(3);
    expect(matches.clean(slot(2, 0))).toBe(true);
    matches.put(slot(2, 0), 9, 2, undefined, [], false);
    expect(matches.get(slot(2, 0))?.retransmissions).toBe(0);
  });
});

describe('the matched first-iteration steps as bits', () => {
  it('are the steps matched while each is a first-iteration step below 31, else -1', () => {
    const matches = new SlotMatches();
    expect(matches.firstIterationBits()).toBe(0);
    matches.put(slot(0, 0), 1, 1, undefined, [], false);
    matches.put(slot(4, 0), 2, 2, undefined, [], false);
    expect(matches.firstIterationBits()).toBe(0b10001);
    matches.put(slot(4, 1), 3, 3, undefined, [], false);
    expect(matches.firstIterationBits()).toBe(-1);
    const wide = new SlotMatches();
    wide.put(slot(31, 0), 1, 1, undefined, [], false);
    expect(wide.firstIterationBits()).toBe(-1);
  });
});

describe('lists an instance grows by copies while short', () => {
  it('keep every address and every dialog past the length where they grow by push', () => {
    const index = new AddressIndex();
    const a = { addresses: [] } as unknown as Instance;
    const ips = Array.from({ length: 40 }, (_, i) => `10.1.0.${i}`);
    for (const ip of ips) index.add(a, ip, ip);
    expect(a.addresses).toEqual(ips);
    const evidence = new EvidenceList();
    const all = Array.from({ length: 30 }, (_, i) => ({
      callId: `c${i}@x`,
      steps: [`s${i % 3}`],
      evidence: `frame ${i}`,
    }));
    for (const e of all) evidence.push(e);
    expect(evidence.list()).toEqual(all);
  });
});

describe('a log naming many addresses', () => {
  it('gives each message its own addresses back, young and compacted', () => {
    const log = new MessageLog(4);
    for (let i = 0; i < 24; i++) {
      const o = observed(i + 1, BYE);
      log.add({ ...o, dst: { ip: `10.2.0.${i}`, port: 5060 } }, `c${i % 5}@x`);
    }
    const young = log.entries.map((e) => [e.ips[1], e.callId]);
    expect(young[23]).toEqual(['10.2.0.23', 'c3@x']);
    log.compact();
    expect(log.entries.map((e) => [e.ips[1], e.callId])).toEqual(young);
  });
});
