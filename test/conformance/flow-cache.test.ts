/**
 * The flow cache of `flowspec diff` (generator/cli/flow-cache.ts): entries
 * named by every file of the flow set and the build, read back as stored,
 * the oldest let go beyond a hundred. The diff's use of it, over threads, is
 * in diff-threads.test.ts.
 */
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  cachedFlows,
  entryFile,
  flowCache,
  storeFlows,
  type FlowCache,
} from '../../generator/cli/flow-cache.js';
import { loadFlowSet } from '../../generator/project/flow-set.js';
import { referencedFlows } from '../../generator/cli/diff-request.js';
import { FIGURE_16 } from './figure16-helpers.js';

function cacheIn(): FlowCache {
  return { dir: mkdtempSync(join(tmpdir(), 'flowspec-flow-cache-')), build: 'b1' };
}

describe('flow cache', () => {
  it('gives back the flows stored for the files as read, and nothing for another build', async () => {
    const set = await loadFlowSet([FIGURE_16]);
    const flow = set.requested[0]?.flow;
    if (flow === undefined) throw new Error('Figure 16 did not load');
    const flows = referencedFlows(flow, (id) => set.index.get(id));
    const cache = cacheIn();
    expect(await cachedFlows(FIGURE_16, cache)).toBeUndefined();
    storeFlows(cache, set.sources, { flow, flows });
    const found = await cachedFlows(FIGURE_16, cache);
    expect(found?.flow).toEqual(flow);
    expect([...(found?.flows.keys() ?? [])]).toEqual([...flows.keys()]);
    expect(await cachedFlows(FIGURE_16, { ...cache, build: 'b2' })).toBeUndefined();
    // A file named differently, or a text changed, is another entry.
    const sources = set.sources;
    const renamed = sources.map((s, i) => (i === 0 ? { ...s, file: `${s.file}x` } : s));
    const edited = sources.map((s, i) => (i === 0 ? { ...s, text: `${s.text}\n` } : s));
    const names = new Set([sources, renamed, edited].map((s) => entryFile(cache, s)));
    expect(names.size).toBe(3);
  });

  it('keeps the hundred newest entries, the one just stored among them', async () => {
    const set = await loadFlowSet([FIGURE_16]);
    const flow = set.requested[0]?.flow;
    if (flow === undefined) throw new Error('Figure 16 did not load');
    const cache = cacheIn();
    let last = '';
    for (let i = 0; i < 105; i++) {
      const sources = [{ file: 'a.flow.yaml', text: String(i) }];
      storeFlows(cache, sources, { flow, flows: new Map() });
      last = entryFile(cache, sources);
    }
    const left = readdirSync(cache.dir);
    expect(left).toHaveLength(100);
    expect(left).toContain(last.slice(cache.dir.length + 1));
  });

  it('is off with FLOWSPEC_FLOW_CACHE=off or without a bundle, in the folder it names otherwise', () => {
    const built = mkdtempSync(join(tmpdir(), 'flowspec-script-'));
    mkdirSync(join(built, 'bundled'));
    const script = join(built, 'bundled', 'loader.js');
    writeFileSync(script, 'one build');
    // A module tsc built imports others: its hash would not show their changes.
    const unbundled = join(built, 'loader.js');
    writeFileSync(unbundled, 'import "./other.js"');
    const before = process.env['FLOWSPEC_FLOW_CACHE'];
    try {
      process.env['FLOWSPEC_FLOW_CACHE'] = 'off';
      expect(flowCache(script)).toBeUndefined();
      process.env['FLOWSPEC_FLOW_CACHE'] = '/somewhere';
      expect(flowCache(unbundled)).toBeUndefined();
      const a = flowCache(script);
      expect(a?.dir).toBe('/somewhere');
      writeFileSync(script, 'another build');
      expect(flowCache(script)?.build).not.toBe(a?.build);
    } finally {
      if (before === undefined) delete process.env['FLOWSPEC_FLOW_CACHE'];
      else process.env['FLOWSPEC_FLOW_CACHE'] = before;
    }
  });
});
