/**
 * A CPM Participating Function's BYE case as the facts tests drive it (OMA CPM 8.2.2.3 item 4,
 * 8.3.2.3 item 2: B2BUA, not interworked, BYE from the served client): the scenario whose
 * messages are exactly the case's steps, synthesised, with or without the Message-UID its 200
 * "OK" to the served client carries under `when: policy.allowOfflineStorage`.
 */
import type { SynthMessage } from '../../../bench/fixtures/synthesize-trace.js';
import type { ExpectedFlow } from '../../../generator/conformance/expected.js';
import type { PcapEndpoint } from '../../../runtime/trace/pcap-writer.js';
import { loadExpected, writeCapture } from '../figure16-helpers.js';
import { addressesFor, scenariosOf, synthesizeScenario } from './seed-scenarios.js';

/** A Participating Function's BYE case. */
export interface PfByeCase {
  readonly flow: string;
  /** The steps of the case, the last the 200 "OK" to the served client. */
  readonly steps: readonly string[];
  /** Participants the map gives (the client and the other CPM entity tell the operands apart). */
  readonly map: readonly string[];
}

/** Originating (8.2.2.3 4.b, 4.c) and terminating (8.3.2.3 2.b, 2.c). */
export const PF_BYE_CASES: readonly PfByeCase[] = [
  {
    flow: 'flows/cpm/pf-bye-originating.flow.yaml',
    steps: ['4.bye', '4.b.ii', '4.c', '4.c.iii'],
    map: ['clientA', 'pfB'],
  },
  {
    flow: 'flows/cpm/pf-bye-terminating.flow.yaml',
    steps: ['2.bye', '2.b', '2.c', '2.c.iii'],
    map: ['pfA', 'clientB'],
  },
];

/** A case synthesised: its messages, and the map's participants as text. */
export interface PfByeTraffic {
  readonly expected: ExpectedFlow;
  readonly messages: readonly SynthMessage[];
  /** `participants:` of the map, the case's map participants at their addresses. */
  readonly mapText: string;
  /** The step whose message carries the Message-UID. */
  readonly last: string;
}

/** Synthesises a case; `extra` addresses replace those addressesFor gives. */
export async function pfByeTraffic(
  c: PfByeCase,
  extra: ReadonlyMap<string, PcapEndpoint> = new Map(),
): Promise<PfByeTraffic> {
  const expected = await loadExpected(c.flow);
  const addresses = new Map([...addressesFor(expected), ...extra]);
  const wanted = [...c.steps].sort().join(' ');
  const messages = scenariosOf(expected)
    .map((s) => synthesizeScenario(expected, s, addresses, 0, 1_700_000_000_000_000_000n))
    .find(
      (ms) =>
        ms
          .map((m) => m.step.replace(/@0$/, ''))
          .sort()
          .join(' ') === wanted,
    );
  if (!messages) throw new Error(`no scenario of ${c.flow} with steps ${c.steps.join(', ')}`);
  const lines = c.map.map((p) => {
    const a = addresses.get(p);
    if (!a) throw new Error(`no address for ${p}`);
    return `  ${p}: "${a.address}:${a.port}"`;
  });
  return {
    expected,
    messages,
    mapText: `participants:\n${lines.join('\n')}\n`,
    last: c.steps[c.steps.length - 1] ?? '',
  };
}

/** The case's capture, the last step's message with `Message-UID: <uid>` when a uid is given. */
export function pfByeCapture(t: PfByeTraffic, uid: string | undefined, name: string): string {
  let edited = 0;
  const messages = t.messages.map((m) => {
    if (uid === undefined || m.step !== `${t.last}@0`) return m;
    edited++;
    return { ...m, text: m.text.replace('\r\n\r\n', `\r\nMessage-UID: ${uid}\r\n\r\n`) };
  });
  if (uid !== undefined && edited !== 1) throw new Error(`no message of step ${t.last}`);
  return writeCapture(messages, `${name}.pcap`);
}
