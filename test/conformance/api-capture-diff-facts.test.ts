/**
 * The editor's capture diff (generator/api/capture-diff.ts) reads a topology used as the map as
 * the CLI does: its `policies:` are the case's facts, so a value required `when:` a policy holds
 * is checked (OMA CPM 8.2.2.3 4.c.ii.2: the Message-UID of the 200 "OK" to the served client).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diffCaptureAgainstFlow } from '../../generator/api/capture-diff.js';
import { loadFlowSet } from '../../generator/project/flow-set.js';
import { PF_BYE_CASES, pfByeCapture, pfByeTraffic } from './helpers/pf-bye-case.js';

describe('the editor capture diff with a topology as the map', () => {
  it('checks the Message-UID when the policies turn storage on, and not when off', async () => {
    const c = PF_BYE_CASES[0];
    if (!c) throw new Error('no case');
    const traffic = await pfByeTraffic(c);
    const set = await loadFlowSet([c.flow]);
    const flow = set.requested[0]?.flow;
    if (!flow) throw new Error(`${c.flow} did not load`);
    const run = async (storage: boolean, uid: string | undefined) =>
      diffCaptureAgainstFlow({
        flow,
        resolve: (id) => set.index.get(id),
        capture: readFileSync(pfByeCapture(traffic, uid, `api-${storage}-${uid ?? 'none'}`)),
        name: 'case.pcap',
        map: `${traffic.mapText}policies:\n  policy.allowOfflineStorage: ${storage}\n  session.interworked: false\n`,
      });
    const missing = await run(true, undefined);
    expect(missing.verdict).toBe('fail');
    const step = missing.instances[0]?.steps.find((s) => s.id === traffic.last);
    expect(step?.status).toBe('mismatch');
    expect(step?.diffs.map((d) => d.field)).toEqual(['headers.Message-UID']);
    expect((await run(true, '7')).verdict).toBe('pass');
    expect((await run(false, undefined)).verdict).toBe('pass');
  });
});
