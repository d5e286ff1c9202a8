/**
 * `flowspec diff` on synthesised captures of every seed flow (issue 5, "done when"): conformant
 * traffic passes over UDP, TCP, IPv6, IPv4 fragments and pcapng with two interfaces, one instance
 * per alt operand (opts taken, loops of two iterations with one address per participant and
 * iteration); each kind of deviation fails naming the step; interleaved instances get one verdict
 * each.
 */
import { writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SynthMessage } from '../../bench/fixtures/synthesize-trace.js';
import type { ExpectedFlow } from '../../generator/conformance/expected.js';
import { loadExpected } from './figure16-helpers.js';
import { ENCAPSULATIONS, tempFile, writeEncapsulated } from './helpers/encapsulations.js';
import {
  addressesFor,
  byTime,
  scenariosOf,
  synthesizeScenario,
  type Precondition,
  type Scenario,
} from './helpers/seed-scenarios.js';
import {
  diffJson,
  getHeader,
  messageOf,
  SEED_FLOWS,
  setHeader,
  type JsonReport,
  type SeedFlow,
} from './helpers/seed-flows.js';

const T0 = 1_700_000_000_000_000_000n;
/** Capture time between two scenarios' instances: more than the checker's grace after completion. */
const GAP = 20_000_000_000n;

interface Loaded {
  readonly expected: ExpectedFlow;
  readonly scenarios: readonly Scenario[];
  readonly precondition: Precondition | undefined;
  /** One conformant instance on the first operands (opts left out), over UDP. */
  readonly base: readonly SynthMessage[];
}

const loaded = new Map<string, Loaded>();

beforeAll(async () => {
  for (const f of SEED_FLOWS) {
    const expected = await loadExpected(f.file);
    const precondition = f.precondition
      ? { expected: await loadExpected(f.precondition) }
      : undefined;
    const scenarios = scenariosOf(expected);
    const first = scenarios[0];
    if (!first) throw new Error(`${f.file}: no scenario`);
    const base = synthesizeScenario(
      expected,
      first,
      addressesFor(expected),
      0,
      T0,
      'udp',
      precondition,
    );
    loaded.set(f.file, { expected, scenarios, precondition, base });
  }
});

function get(f: SeedFlow): Loaded {
  const l = loaded.get(f.file);
  if (!l) throw new Error(`${f.file} not loaded`);
  return l;
}

async function diff(
  f: SeedFlow,
  messages: readonly SynthMessage[],
  name: string,
): Promise<{ code: number; report: JsonReport }> {
  return diffJson(f.file, writeEncapsulated(messages, 'udp', name));
}

function stepOf(report: JsonReport, id: string, instance = 0) {
  return report.instances[instance]?.steps.find((s) => s.id === id);
}

describe.each(SEED_FLOWS.map((f) => [f.file, f] as const))('%s', (_file, f) => {
  it.each(ENCAPSULATIONS)('passes conformant traffic of every alt operand over %s', async (enc) => {
    const { expected, scenarios, precondition } = get(f);
    const addresses = addressesFor(expected, enc === 'ipv6' ? 'ipv6' : 'ipv4');
    const messages = scenarios.flatMap((s, i) =>
      synthesizeScenario(
        expected,
        s,
        addresses,
        i,
        T0 + BigInt(i) * GAP,
        enc === 'tcp' ? 'tcp' : 'udp',
        precondition,
      ).map((m) => ({ ...m, step: `${i}|${m.step}` })),
    );
    const name = `${expected.flow.id}-${enc}`;
    let map: string | undefined;
    if (f.map) {
      map = tempFile(`${name}.map.yaml`);
      const lines = f.map.map((p) => {
        const a = addresses.get(p);
        if (!a) throw new Error(`no address for ${p}`);
        return `  ${p}: "${a.address.includes(':') ? `[${a.address}]` : a.address}:${a.port}"`;
      });
      writeFileSync(map, `participants:\n${lines.join('\n')}\n`);
    }
    const { code, report } = await diffJson(f.file, writeEncapsulated(messages, enc, name), map);
    // Each instance is read as its own scenario: the steps of the operands it took, no others.
    const stepIds = (i: number): string[] =>
      messages
        .filter((m) => m.step.startsWith(`${i}|`))
        .map((m) => m.step.slice(m.step.indexOf('|') + 1))
        .filter((step) => !step.startsWith('precondition:'))
        .map((step) => {
          const [id = '', it = '0'] = step.split('@');
          return it === '0' ? id : `${id}[${Number(it) + 1}]`;
        })
        .sort();
    expect(report.instances.map((inst) => inst.steps.map((x) => x.id).sort())).toEqual(
      scenarios.map((_, i) => stepIds(i)),
    );
    const failing = report.instances.flatMap((inst, i) =>
      inst.steps.filter((s) => s.status !== 'matched').map((s) => `${i}:${s.id} ${s.status}`),
    );
    expect(failing).toEqual([]);
    expect(report.instances.map((i) => i.unexpected)).toEqual(scenarios.map(() => []));
    expect(report.verdict).toBe('pass');
    expect(code).toBe(0);
    // One verdict per scenario's instance; the precondition's messages are outside the flow.
    expect(report.instances).toHaveLength(scenarios.length);
    expect(report.unrelated).toBe(0);
  });

  if (f.par)
    it('passes with the par operands in the other order', async () => {
      const par = f.par;
      if (!par) return;
      const messages = [...get(f).base];
      const moved = messages.filter((m) => par.moved.some((id) => m.step === `${id}@0`));
      const rest = messages.filter((m) => !moved.includes(m));
      rest.splice(
        rest.findIndex((m) => m.step === `${par.before}@0`),
        0,
        ...moved,
      );
      const t0 = rest[0]?.packet.timeNs ?? T0;
      const retimed = rest.map((x, i) => ({
        ...x,
        packet: { ...x.packet, timeNs: t0 + BigInt(i) * 1_000_000n },
      }));
      const { code, report } = await diff(f, retimed, `${get(f).expected.flow.id}-par`);
      expect(
        report.instances.flatMap((i) => i.steps.filter((s) => s.status !== 'matched')),
      ).toEqual([]);
      expect(code).toBe(0);
    });

  // Every deviation in one capture: instance k carries deviation k, on addresses of its own
  // (127.0.k.x) and GAP apart, so one run of `flowspec diff` gives one verdict per deviation.
  const cases: { name: string; messages: SynthMessage[] }[] = [];
  let report: JsonReport;
  let code: number;
  /** The frames of a case's messages in the capture. */
  const framesOf = (name: string): { lo: number; hi: number } => {
    const k = cases.findIndex((c) => c.name === name);
    const lo = cases.slice(0, k).reduce((n, c) => n + c.messages.length, 0) + 1;
    return { lo, hi: lo + (cases[k]?.messages.length ?? 0) - 1 };
  };
  const within = (name: string, frame: number | null): boolean => {
    const { lo, hi } = framesOf(name);
    return frame !== null && frame >= lo && frame <= hi;
  };
  /** The instance of a case: the one a step of which is matched in its frames. */
  const instance = (name: string) => {
    const inst = report.instances.find((i) => i.steps.some((s) => within(name, s.frame)));
    if (!inst) throw new Error(`no instance for ${name}`);
    return inst;
  };
  const step = (name: string, id: string) => instance(name).steps.find((x) => x.id === id);
  /**
   * A case's deviation at step `id`: the step's mismatch, or, when the step is the flow's first
   * message and no other start began the instance, the message that so started none.
   */
  const deviation = (name: string, id: string) => {
    const started = report.notStarted.find((x) => x.step === id && within(name, x.frame));
    if (started) return { status: 'mismatch', diffs: started.diffs };
    return step(name, id);
  };

  beforeAll(async () => {
    const { expected, scenarios, precondition } = get(f);
    const synth = (scenario = scenarios[0]): SynthMessage[] => {
      const k = cases.length;
      if (!scenario) throw new Error('no scenario');
      return synthesizeScenario(
        expected,
        scenario,
        addressesFor(expected, 'ipv4', k, 'all'),
        k,
        T0 + BigInt(k) * GAP,
        'udp',
        precondition,
      );
    };
    const add = (name: string, messages: SynthMessage[]): void => {
      cases.push({ name, messages });
    };
    add(
      'missing',
      synth().filter((m) => m.step !== `${f.missing}@0`),
    );
    {
      const messages = synth();
      const m = messageOf(messages, f.status);
      m.text = m.text.replace(
        /^SIP\/2\.0 \d+ [^\r]*/,
        'SIP/2.0 481 Call/Transaction Does Not Exist',
      );
      add('status', messages);
    }
    for (const h of f.headers) {
      const messages = synth(scenarios.find((x) => x.name === h.scenario) ?? scenarios[0]);
      setHeader(messageOf(messages, h.step), h.header, h.value);
      add(`header ${h.step} ${h.header}`, messages);
    }
    {
      const messages = synth();
      const [moved, before] = f.order;
      const [m] = messages.splice(
        messages.findIndex((x) => x.step === `${moved}@0`),
        1,
      );
      if (!m) throw new Error(`no step ${moved}`);
      messages.splice(
        messages.findIndex((x) => x.step === `${before}@0`),
        0,
        m,
      );
      // Times are rewritten to keep the capture in time (and frame) order.
      const t0 = messages[0]?.packet.timeNs ?? T0;
      add(
        'order',
        messages.map((x, i) => ({
          ...x,
          packet: { ...x.packet, timeNs: t0 + BigInt(i) * 1_000_000n },
        })),
      );
    }
    {
      const messages = synth();
      const last = [...messages].reverse().find((m) => m.text.startsWith('SIP/2.0 2'));
      if (!last) throw new Error('no 2xx response');
      messages.push({
        ...last,
        step: 'extra',
        packet: { ...last.packet, timeNs: last.packet.timeNs + 1_000_000n },
        text: last.text.replace(/^SIP\/2\.0 \d+ [^\r]*/, 'SIP/2.0 500 Server Internal Error'),
      });
      add('unexpected', messages);
    }
    for (const id of f.derived ?? []) {
      const messages = synth();
      const m = messageOf(messages, id);
      const from = getHeader(m, 'From');
      setHeader(m, 'From', getHeader(m, 'To'));
      setHeader(m, 'To', from);
      add(`swapped ${id}`, messages);
    }
    for (const id of f.requestUri ?? []) {
      const messages = synth();
      const m = messageOf(messages, id);
      m.text = m.text.replace(/^(\S+) \S+/, '$1 sip:elsewhere@127.0.0.1');
      add(`request-uri ${id}`, messages);
    }
    for (const id of f.cseq ?? []) {
      const messages = synth();
      const m = messageOf(messages, id);
      const [n = '0', method = ''] = getHeader(m, 'CSeq').split(/\s+/);
      setHeader(m, 'CSeq', `${Number(n) + 7} ${method}`);
      add(`cseq ${id}`, messages);
    }
    const r = await diff(
      f,
      cases.flatMap((c) => c.messages),
      `${expected.flow.id}-deviations`,
    );
    report = r.report;
    code = r.code;
  });

  it('gives one failing verdict per deviating instance', () => {
    expect(code).toBe(1);
    expect(report.instances.map((i) => i.verdict)).not.toContain('pass');
    // Each case fails: in instances of its own, or as a first message that started none. Without
    // a map a deviating first message may start the other operand of a par (the S-CSCF's BYE to
    // the calling user with From and To swapped is the BYE to the called user from another
    // address), so a case may have two failing instances.
    for (const c of cases) {
      const inst = report.instances.filter((i) => i.steps.some((s) => within(c.name, s.frame)));
      const none = report.notStarted.filter((x) => within(c.name, x.frame));
      expect([c.name, inst.length > 0 || none.length > 0]).toEqual([c.name, true]);
      expect(inst.length).toBeLessThanOrEqual(2);
    }
  });

  it('fails on a missing step, naming it', () => {
    expect(step('missing', f.missing)).toMatchObject({ status: 'missing', frame: null });
  });

  it('fails on a response with another status, naming the step', () => {
    expect(step('status', f.status)).toMatchObject({ status: 'mismatch' });
    expect(step('status', f.status)?.diffs[0]).toMatchObject({
      field: 'status',
      actual: '481 Call/Transaction Does Not Exist',
    });
  });

  if (!(f.headers.length === 0))
    it.each(f.headers)('fails on $header set wrong in step $step, naming the step', (h) => {
      const s = deviation(`header ${h.step} ${h.header}`, h.step);
      expect(s?.status).toBe('mismatch');
      expect(s?.diffs).toContainEqual(
        expect.objectContaining({ field: `headers.${h.header}`, actual: h.value }),
      );
    });

  it('fails on a step out of order, naming the step and the one it should follow', () => {
    const [moved, before] = f.order;
    expect(step('order', moved)).toMatchObject({ status: 'out-of-order', violates: before });
  });

  it('fails on an unexpected message inside the instance’s dialogs', () => {
    const k = cases.findIndex((c) => c.name === 'unexpected');
    const frame = cases.slice(0, k + 1).reduce((n, c) => n + c.messages.length, 0);
    expect(instance('unexpected').unexpected).toEqual([
      { frame, summary: expect.stringMatching(/^500 Server Internal Error/) as unknown },
    ]);
  });

  if (f.derived)
    it.each(f.derived ?? [])(
      'fails on From and To swapped against the stored dialog in step %s',
      (id) => {
        expect(deviation(`swapped ${id}`, id)?.status).toBe('mismatch');
        expect(deviation(`swapped ${id}`, id)?.diffs.map((d) => d.field)).toEqual(
          expect.arrayContaining(['headers.From', 'headers.To']),
        );
      },
    );

  if (f.requestUri)
    it.each(f.requestUri ?? [])(
      'fails on a Request-URI other than the stored Contact in step %s',
      (id) => {
        expect(deviation(`request-uri ${id}`, id)?.diffs).toContainEqual(
          expect.objectContaining({ field: 'requestUri', actual: 'sip:elsewhere@127.0.0.1' }),
        );
      },
    );

  if (f.cseq)
    it.each(f.cseq ?? [])('fails on a CSeq other than the stored one plus one in step %s', (id) => {
      // TS 24.229 5.4.5.1.2; RFC 3261 12.2.1.1. Items 2 and 4 fall back to a random CSeq when
      // none was stored for their direction, so there any number fits.
      expect(deviation(`cseq ${id}`, id)?.diffs).toContainEqual(
        expect.objectContaining({ field: 'headers.CSeq' }),
      );
    });

  it('gives one verdict per instance when three instances interleave, one deviating', async () => {
    const { expected, scenarios, precondition } = get(f);
    const first = scenarios[0];
    if (!first) throw new Error('no scenario');
    const all = [0, 1, 2].map((i) =>
      synthesizeScenario(
        expected,
        first,
        addressesFor(expected, 'ipv4', i),
        i,
        T0 + BigInt(i) * 300_000n,
        'udp',
        precondition,
      ),
    );
    const broken = all[1]?.filter((m) => m.step !== `${f.missing}@0`) ?? [];
    const { code, report } = await diff(
      f,
      byTime([...(all[0] ?? []), ...broken, ...(all[2] ?? [])]),
      `${expected.flow.id}-interleaved`,
    );
    expect(code).toBe(1);
    expect(report.instances.map((i) => i.verdict)).toEqual(['pass', 'fail', 'pass']);
    expect(stepOf(report, f.missing, 1)?.status).toBe('missing');
  });
});
