/**
 * More generated scenarios through the lossy, reordering router of
 * lossy-roles-run.ts (issue 8 item 3): each with its roles split between
 * the namespaces A and B so that every hop of its flow, and every response
 * back, crosses R.
 */
import type { LossyScenario } from './lossy-roles-run.js';
import { CPM_OFF_MEDIA_PATH, CPM_ON_MEDIA_PATH, IMS_RELEASE } from './scenarios.js';

/** A scenario of the lossy flows test: its artifact name and flow file. */
export interface LossyFlow extends LossyScenario {
  readonly name: string;
  readonly title: string;
}

/**
 * The hops of OMA CPM Figures 9 and 10 form one path (clientA-coreA-pfA-coreA-
 * coreB-pfB-coreB-clientB; with B2BUA Participating Functions, pfA's BYE
 * leaves through coreA and coreB, C.2.3.1): CPM Client A, CPM Participating
 * Function A and SIP/IP Core B in A, SIP/IP Core A, CPM Participating
 * Function B and CPM Client B in B alternate along it.
 */
const CPM_IN_A: ReadonlySet<string> = new Set(['clientA', 'pfA', 'coreB']);

/** The generated scenarios run through R besides Figure 16. */
export const LOSSY_FLOWS: readonly LossyFlow[] = [
  {
    name: 'lossy-flows-cpm-figure-10',
    title: 'OMA CPM Figure 10 (cpm.close.pf-on-media-path)',
    shape: CPM_ON_MEDIA_PATH,
    flowId: 'cpm.close.pf-on-media-path',
    inA: CPM_IN_A,
  },
  {
    name: 'lossy-flows-cpm-figure-9',
    title: 'OMA CPM Figure 9 (cpm.close.pf-off-media-path)',
    shape: CPM_OFF_MEDIA_PATH,
    flowId: 'cpm.close.pf-off-media-path',
    inA: CPM_IN_A,
  },
  {
    // TS 24.229 5.4.5.1.2: the S-CSCF in A, both UEs in B; every hop is S-CSCF-UE.
    name: 'lossy-flows-ims-release',
    title: 'the S-CSCF release (ims.scscf.release.calling)',
    shape: IMS_RELEASE,
    flowId: 'ims.scscf.release.calling',
    inA: new Set(['scscf']),
  },
];
