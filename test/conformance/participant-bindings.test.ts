/**
 * ParticipantBindings.mappedIp: the one IP address the map gives a participant, which the
 * engine's quick tests (a new dialog ruled out for an instance before it is planned, a step's
 * ends bound elsewhere) use as that participant's end. It must never rule out a message that
 * `fits` the participant.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAddress, type AddressSpec } from '../../generator/conformance/address-map.js';
import type { ExpectedFlow } from '../../generator/conformance/expected.js';
import { InstanceBindings, ParticipantBindings } from '../../generator/conformance/participants.js';
import { loadExpected } from './figure16-helpers.js';

let expected: ExpectedFlow;
beforeAll(async () => {
  expected = await loadExpected();
});

function spec(text: string): AddressSpec {
  const s = parseAddress(text);
  if (s === undefined) throw new Error(`${text} is no address`);
  return s;
}

function bindings(map: Record<string, string[]>): ParticipantBindings {
  return new ParticipantBindings(
    expected,
    new Map(Object.entries(map).map(([p, texts]) => [p, texts.map(spec)])),
  );
}

describe('ParticipantBindings.mappedIp', () => {
  it('is the IP of a participant the map gives one, with or without ports', () => {
    const people = bindings({
      coreA: ['127.1.0.2:5060'],
      serverA: ['127.1.0.3'],
      coreX: ['127.2.0.2:5060', '127.2.0.2:5070'],
      serverX: ['[::1]:5060'],
    });
    expect(people.mappedIp('coreA')).toBe('127.1.0.2');
    expect(people.mappedIp('serverA')).toBe('127.1.0.3');
    expect(people.mappedIp('coreX')).toBe('127.2.0.2');
    expect(people.mappedIp('serverX')).toBe('::1');
  });

  it('is undefined for a participant mapped to several IPs, left out, or without a map', () => {
    const people = bindings({ coreA: ['127.1.0.2:5060', '127.1.0.9:5060'] });
    expect(people.mappedIp('coreA')).toBeUndefined();
    expect(people.mappedIp('serverA')).toBeUndefined();
    expect(bindings({}).mappedIp('coreA')).toBeUndefined();
  });

  it('rules out only what fits rules out, over every transport', () => {
    const people = bindings({
      coreA: ['127.1.0.2:5060'],
      serverA: ['127.1.0.3'],
      coreX: ['127.2.0.2:5060', '127.2.0.2:5070'],
    });
    const local = new InstanceBindings(expected.multiple, expected.flow.participants.size);
    const ips = ['127.1.0.2', '127.1.0.3', '127.2.0.2', '127.9.9.9'];
    let fitting = 0;
    for (const p of ['coreA', 'serverA', 'coreX'])
      for (const ip of ips)
        for (const port of [5060, 5070, 40000])
          for (const transport of ['udp', 'tcp', 'tls', 'ws', 'rtcp']) {
            const fits = people.fits(p, { ip, port }, transport, local, 0);
            if (fits) fitting++;
            // A message from another IP never fits: the quick tests may rule it out.
            if (ip !== people.mappedIp(p))
              expect(fits, `${p} ${ip}:${port} ${transport}`).toBe(false);
          }
    // The test is not empty: the mapped addresses fit.
    expect(fitting).toBeGreaterThan(10);
  });
});
