/**
 * The request `flowspec diff` hands to the engine's thread (generator/cli/
 * diff-request.ts) carries the flow and only the flows it refers to, refs
 * within refs too, as data a thread can be sent: every shipped flow expands
 * from that request, cloned as postMessage clones it, exactly as it expands
 * from its whole folder.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandRequest } from '../../generator/cli/diff-check.js';
import { prepareRequest, referencedFlows } from '../../generator/cli/diff-request.js';
import { expandFlow, type ExpectedFlow } from '../../generator/conformance/expected.js';
import type { Flow } from '../../generator/model/flow-model.js';
import { loadFlowSet } from '../../generator/project/flow-set.js';
import { FIGURE_16, interleaved, loadExpected, writeCapture } from './figure16-helpers.js';

/** Every shipped flow file. */
function flowFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.flow.yaml')) out.push(p);
    }
  };
  walk('flows');
  return out.sort();
}

/** An expansion without its order's functions (closures a clone cannot compare). */
function data(e: ExpectedFlow): unknown {
  const { order: _order, ...rest } = e;
  return rest;
}

describe('the request of flowspec diff', () => {
  it('carries the flows each shipped flow refers to, and expands the same once cloned', async () => {
    const files = flowFiles();
    expect(files.length).toBeGreaterThan(20);
    let withRefs = 0;
    for (const file of files) {
      const set = await loadFlowSet([file]);
      const flow = set.requested[0]?.flow;
      if (!flow) throw new Error(`${file} did not load`);
      const asked = new Set<string>();
      const whole = expandFlow(flow, (id) => {
        asked.add(id);
        return set.index.get(id);
      });
      const flows = referencedFlows(flow, (id) => set.index.get(id));
      // Exactly the flows the expansion asks for (those that resolve), no more.
      expect([...flows.keys()].sort(), file).toEqual(
        [...asked].filter((id) => set.index.has(id)).sort(),
      );
      if (flows.size > 0) withRefs++;
      const cloned = structuredClone({ flow, flows });
      const fromRequest = expandRequest({ ...cloned, options: undefined as never });
      expect(data(fromRequest), file).toEqual(data(whole));
      expect(fromRequest.order.linearize().length, file).toBe(whole.order.linearize().length);
    }
    // Refs are exercised, refs within refs among them (Figure 16 refers to the disconnect flows).
    expect(withRefs).toBeGreaterThan(2);
  });

  it('finds refs inside fragments and refs within refs, once each, and skips what does not resolve', () => {
    const step = (s: object): never => s as never;
    const mk = (id: string, steps: unknown[]): Flow =>
      ({ id, steps, participants: new Map(), variables: new Map() }) as unknown as Flow;
    const c = mk('c', [step({ kind: 'ref', flow: 'a', id: 'r3', bind: {} })]);
    const b = mk('b', [step({ kind: 'ref', flow: 'c', id: 'r2', bind: {} })]);
    const a = mk('a', [
      step({
        kind: 'alt',
        operands: [
          { steps: [step({ kind: 'ref', flow: 'b', id: 'r1', bind: {} })] },
          {
            steps: [
              step({
                kind: 'loop',
                steps: [step({ kind: 'ref', flow: 'gone', id: 'r4', bind: {} })],
              }),
            ],
          },
        ],
      }),
    ]);
    const index = new Map([
      ['a', a],
      ['b', b],
      ['c', c],
    ]);
    expect([...referencedFlows(a, (id) => index.get(id)).keys()]).toEqual(['b', 'c', 'a']);
  });

  it('is checked in the order a user fixes it, and usable as data', async () => {
    const expected = await loadExpected();
    const capture = writeCapture(interleaved(expected, 1), 'request.pcap');
    const errs: string[] = [];
    const request = await prepareRequest(
      FIGURE_16,
      capture,
      { format: 'json', fact: ['policy.release=release-all'] },
      false,
      (s) => errs.push(s),
    );
    expect(errs).toEqual([]);
    expect([...request.flows.keys()].sort()).toEqual([
      'poc.disconnect.on-demand',
      'poc.disconnect.pre-established',
    ]);
    expect(request.options.facts.get('policy.release')).toBe('release-all');
    expect(structuredClone(request).options).toEqual(request.options);
    await expect(
      prepareRequest(FIGURE_16, `${capture}.missing`, { format: 'json' }, false, () => {}),
    ).rejects.toThrow(/no such file/);
  });
});
