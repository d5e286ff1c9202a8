/**
 * The seed flows under test, how each is broken on purpose, and the JSON
 * report of `flowspec diff` as the tests read it.
 */
import type { SynthMessage } from '../../../bench/fixtures/synthesize-trace.js';
import { cli } from '../figure16-helpers.js';

/** A header set to a wrong value in one step's message. */
export interface HeaderDeviation {
  readonly step: string;
  readonly header: string;
  readonly value: string;
  /** Scenario (by name, see scenariosOf) whose path holds the step; the first operands by default. */
  readonly scenario?: string;
}

/** One seed flow and the deviations the tests inject into it. */
export interface SeedFlow {
  readonly file: string;
  /** The flow that establishes the precondition, synthesised first in the same capture. */
  readonly precondition?: string;
  /** A step whose message is dropped. */
  readonly missing: string;
  /** Normative headers set wrong; flows without any get a wrong status instead. */
  readonly headers: readonly HeaderDeviation[];
  /** A response whose status is set wrong. */
  readonly status: string;
  /** [moved, before]: the message of `moved` is sent just before the one of `before`. */
  readonly order: readonly [string, string];
  /** Steps whose derived From/To are swapped (stored dialog state). */
  readonly derived?: readonly string[];
  /** Steps whose Request-URI is the stored Contact of the other end. */
  readonly requestUri?: readonly string[];
  /** Steps whose CSeq is derived as the stored one plus one (not a random fallback). */
  readonly cseq?: readonly string[];
  /**
   * Participants given to `--map`: where operands differ only in who sent the first message
   * (a PF's BYE from its client, the other CPM entity or an IWF, each followed by BYEs to the
   * others), only knowing the client and the other entity tells them apart.
   */
  readonly map?: readonly string[];
  /** A par operand's steps sent before the first step of another operand (still conformant). */
  readonly par?: { readonly moved: readonly string[]; readonly before: string };
}

const IMS_ESTABLISH = 'flows/ims/establish-session.flow.yaml';

/** Every seed flow of flows/poc, flows/ims and flows/cpm (not the project's establishment flows). */
export const SEED_FLOWS: readonly SeedFlow[] = [
  {
    file: 'flows/poc/leave-on-demand.flow.yaml',
    missing: '9',
    headers: [{ step: '7', header: 'Privacy', value: 'none' }],
    status: '4',
    order: ['9', '8'],
  },
  {
    file: 'flows/poc/leave-pre-established.flow.yaml',
    missing: '13',
    headers: [
      { step: '2', header: 'Privacy', value: 'none' },
      { step: '3', header: 'Refer-To', value: '<sip:PoC-ServerX.networkX.net;method=INVITE>' },
      { step: '6', header: 'Subscription-State', value: 'pending' },
      { step: '7', header: 'Content-Type', value: 'text/plain' },
      { step: '16', header: 'Subscription-State', value: 'terminated;reason=timeout' },
    ],
    status: '9',
    order: ['13', '12'],
    par: { moved: ['10', '11', '12', '13', '14', '15'], before: '6' },
  },
  {
    file: 'flows/poc/disconnect-on-demand.flow.yaml',
    missing: '10',
    headers: [],
    status: '5',
    order: ['5', '4'],
  },
  {
    file: 'flows/poc/disconnect-pre-established.flow.yaml',
    missing: 'B',
    headers: [],
    status: '5',
    order: ['7', '6'],
  },
  {
    file: 'flows/poc/cancel-originating.flow.yaml',
    missing: '487.2',
    headers: [],
    status: '1.1',
    order: ['1.1', '1'],
    derived: ['1'],
  },
  {
    file: 'flows/poc/cancel-terminating.flow.yaml',
    missing: '0.9',
    headers: [],
    status: '1',
    order: ['1', '0.9'],
    derived: ['0.7'],
  },
  {
    file: 'flows/ims/scscf-release-calling.flow.yaml',
    precondition: IMS_ESTABLISH,
    missing: '1.ok',
    headers: [{ step: '1', header: 'Reason', value: 'Q.850 ;cause=16' }],
    status: '2.ok',
    order: ['2.ok', '2'],
    derived: ['1', '2'],
    requestUri: ['1', '2'],
    cseq: ['1'],
    par: { moved: ['2', '2.ok'], before: '1' },
  },
  {
    file: 'flows/ims/scscf-release-called.flow.yaml',
    precondition: IMS_ESTABLISH,
    missing: '4.ok',
    headers: [{ step: '4', header: 'Reason', value: 'SIP ;text="no cause"' }],
    status: '3.ok',
    order: ['4.ok', '4'],
    derived: ['3', '4'],
    requestUri: ['3', '4'],
    cseq: ['3'],
    par: { moved: ['4', '4.ok'], before: '3' },
  },
  {
    file: 'flows/cpm/close-pf-off-media-path.flow.yaml',
    missing: '11',
    headers: [],
    status: '8',
    order: ['8', '7'],
  },
  {
    file: 'flows/cpm/close-pf-on-media-path.flow.yaml',
    missing: '10',
    headers: [],
    status: '13',
    order: ['8', '7'],
  },
  {
    file: 'flows/cpm/pf-bye-originating.flow.yaml',
    missing: 'proxy.ok-client.fwd',
    headers: [
      {
        step: '6.a',
        header: 'Content-Type',
        value: 'text/plain',
        scenario: 'alt0=1,alt2=2,alt7=0',
      },
    ],
    status: 'proxy.ok-client',
    order: ['proxy.ok-client', 'proxy.fwd-client'],
    map: ['clientA', 'pfB'],
  },
  {
    file: 'flows/cpm/pf-bye-terminating.flow.yaml',
    missing: 'proxy.ok-client.fwd',
    headers: [
      {
        step: '4.a',
        header: 'Content-Type',
        value: 'text/plain',
        scenario: 'alt0=1,alt2=2,alt7=0',
      },
    ],
    status: 'proxy.ok-client',
    order: ['proxy.ok-client', 'proxy.fwd-client'],
    map: ['pfA', 'clientB'],
  },
];

/** A step of the JSON report. */
export interface JsonStep {
  readonly id: string;
  readonly status: string;
  readonly frame: number | null;
  readonly diffs: readonly { field: string; expected: string; actual: string }[];
  readonly violates: string | null;
}

/** The JSON report of `flowspec diff`. */
export interface JsonReport {
  readonly verdict: string;
  readonly instances: readonly {
    readonly verdict: string;
    readonly steps: readonly JsonStep[];
    readonly unexpected: readonly { frame: number; summary: string }[];
  }[];
  readonly unrelated: number;
  /** First messages that differ from their start step in a normative value (no instance). */
  readonly notStarted: readonly {
    readonly frame: number;
    readonly step: string;
    readonly diffs: readonly { field: string; expected: string; actual: string }[];
  }[];
}

/** Runs `flowspec diff FLOW CAPTURE --format json [--map MAP]`. */
export async function diffJson(
  flow: string,
  capture: string,
  map?: string,
): Promise<{ code: number; report: JsonReport }> {
  const r = await cli(['diff', flow, capture, '--format', 'json', ...(map ? ['--map', map] : [])]);
  if (r.code === 2) throw new Error(`flowspec diff ${flow} ${capture}: ${r.err}`);
  return { code: r.code, report: JSON.parse(r.out) as JsonReport };
}

/** The message synthesised for `step` (first loop iteration) of the flow under test. */
export function messageOf(messages: readonly SynthMessage[], step: string): SynthMessage {
  const m = messages.find((x) => x.step === `${step}@0`);
  if (!m) throw new Error(`no message for step ${step}`);
  return m;
}

/** Sets a header field (the first line of that name) in a message. */
export function setHeader(m: SynthMessage, name: string, value: string): void {
  const re = new RegExp(`^${name}: .*$`, 'im');
  if (!re.test(m.text)) throw new Error(`step ${m.step} has no ${name} header`);
  m.text = m.text.replace(re, `${name}: ${value}`);
}

/** Reads a header field of a message. */
export function getHeader(m: SynthMessage, name: string): string {
  const v = new RegExp(`^${name}: (.*)$`, 'im').exec(m.text)?.[1];
  if (v === undefined) throw new Error(`step ${m.step} has no ${name} header`);
  return v.trim();
}
