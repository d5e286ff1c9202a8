/** Shared helpers of the SIPp export tests: loading flows and exporting one participant. */
import { join } from 'node:path';
import { loadFlowSet } from '../../generator/project/flow-set.js';
import {
  exportSipp,
  type ExportSippOptions,
  type SippScenario,
} from '../../generator/sipp/index.js';

/** Folder of the fixture flows. */
export const FIXTURE_FLOWS = join('test', 'fixtures', 'sipp-export', 'flows');
/** Folder of the golden scenarios. */
export const GOLDEN_DIR = join('test', 'fixtures', 'sipp-export', 'golden');
/** The fixture release flow (precondition, alt, opt, MBCP, action). */
export const RELEASE_FIXTURE = join(FIXTURE_FLOWS, 'release-two-ue.flow.yaml');

/** Loads a flow file (with its neighbours) and exports one participant. */
export async function exportFile(file: string, opts: ExportSippOptions): Promise<SippScenario> {
  const set = await loadFlowSet([file]);
  const flow = set.requested[0]?.flow;
  if (!flow) throw new Error(`${file}: did not load`);
  return exportSipp(flow, (id) => set.index.get(id), opts);
}
