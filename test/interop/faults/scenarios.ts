/**
 * The generated scenarios the fault tests run across role processes, as
 * `flowspec generate` wrote them in generated/tests/ (the data of one case
 * each; those files are test suites and cannot be imported).
 */
import type { ScenarioShape } from './distributed-scenario.js';

const proxy = (id: string, participant = id) =>
  ({ id, participant, role: 'sip-core', mode: 'proxy' }) as const;

/**
 * OMA PoC Figure 16, poc.leave.on-demand (generated/tests/poc-leave-on-demand.test.ts,
 * "policy.release=release-all, session.kind=on-demand, 1 participant"): PoC Client A
 * leaves; PoC Server A (B2BUA) releases both legs; PoC Server X, its release policy
 * releasing all, disconnects PoC Client B through PoC Server B (Figure 18).
 */
export const FIGURE_16: ScenarioShape = {
  flowFile: 'flows/poc/leave-on-demand.flow.yaml',
  roles: [
    proxy('coreA'),
    proxy('coreX'),
    proxy('coreB[0]', 'coreB'),
    { id: 'serverA', participant: 'serverA', role: 'poc-server-participating', mode: 'b2bua' },
    { id: 'serverB[0]', participant: 'serverB', role: 'poc-server-participating', mode: 'b2bua' },
    { id: 'clientA', participant: 'clientA', role: 'poc-client' },
    { id: 'serverX', participant: 'serverX', role: 'poc-server-controlling' },
    { id: 'clientB[0]', participant: 'clientB', role: 'poc-client' },
  ],
  outbound: { serverA: ['coreA', 'coreX'], 'serverB[0]': ['coreB[0]'] },
  served: { serverA: ['clientA', 'serverX'], 'serverB[0]': ['clientB[0]'] },
  nextHop: {},
  establish: [
    { at: 'clientA', entry: 'establishOnDemand', to: 'serverX', route: ['coreA', 'serverA'] },
    {
      at: 'serverX',
      entry: 'establishTerminatingOnDemand',
      to: 'clientB[0]',
      route: ['coreX', 'coreB[0]', 'serverB[0]'],
    },
  ],
  trigger: [{ at: 'clientA', entry: 'leaveOnDemand' }],
  teardown: [],
  facts: { 'policy.release': 'release-all', 'session.kind': 'on-demand' },
};

/** OMA CPM Figure 10, cpm.close.pf-on-media-path (generated/tests/cpm-close-pf-on-media-path.test.ts): both CPM Participating Functions are B2BUAs. */
export const CPM_ON_MEDIA_PATH: ScenarioShape = {
  flowFile: 'flows/cpm/close-pf-on-media-path.flow.yaml',
  roles: [
    proxy('coreA'),
    proxy('coreB'),
    { id: 'pfB', participant: 'pfB', role: 'cpm-pf-terminating', mode: 'b2bua' },
    { id: 'pfA', participant: 'pfA', role: 'cpm-pf-originating', mode: 'b2bua' },
    { id: 'clientA', participant: 'clientA', role: 'cpm-client' },
    { id: 'clientB', participant: 'clientB', role: 'cpm-client' },
  ],
  outbound: { pfA: ['coreA', 'coreB'], pfB: ['coreB'] },
  served: { pfA: ['clientA'], pfB: ['clientB'] },
  nextHop: { pfA: 'pfB' },
  establish: [
    {
      at: 'clientA',
      entry: 'establishOneToOneOnMediaPath',
      to: 'clientB',
      route: ['coreA', 'pfA'],
    },
  ],
  trigger: [{ at: 'clientA', entry: 'closePfOnMediaPath' }],
  teardown: [],
  facts: {},
};

/** OMA CPM Figure 9, cpm.close.pf-off-media-path (generated/tests/cpm-close-pf-off-media-path.test.ts): both CPM Participating Functions are proxies. */
export const CPM_OFF_MEDIA_PATH: ScenarioShape = {
  flowFile: 'flows/cpm/close-pf-off-media-path.flow.yaml',
  roles: [
    proxy('coreA'),
    { id: 'pfA', participant: 'pfA', role: 'cpm-pf-originating', mode: 'proxy' },
    proxy('coreB'),
    { id: 'pfB', participant: 'pfB', role: 'cpm-pf-terminating', mode: 'proxy' },
    { id: 'clientA', participant: 'clientA', role: 'cpm-client' },
    { id: 'clientB', participant: 'clientB', role: 'cpm-client' },
  ],
  outbound: {},
  served: {},
  nextHop: {},
  establish: [
    {
      at: 'clientA',
      entry: 'establishOneToOne',
      to: 'clientB',
      route: ['coreA', 'pfA', 'coreA', 'coreB', 'pfB', 'coreB'],
    },
  ],
  trigger: [{ at: 'clientA', entry: 'closePfOffMediaPath' }],
  teardown: [],
  facts: {},
};

/**
 * TS 24.229 5.4.5.1.2 (flows/ims/scscf-release-calling.flow.yaml, with
 * ims.establish.session as its precondition; no generated test yet): a UE
 * calls another through the S-CSCF, which then releases the session towards
 * both.
 */
export const IMS_RELEASE: ScenarioShape = {
  flowFile: 'flows/ims/scscf-release-calling.flow.yaml',
  roles: [
    { id: 'scscf', participant: 'scscf', role: 's-cscf' },
    { id: 'callingUe', participant: 'callingUe', role: 'ue' },
    { id: 'calledUe', participant: 'calledUe', role: 'ue' },
  ],
  outbound: {},
  served: {},
  nextHop: {},
  establish: [{ at: 'callingUe', entry: 'establishSession', to: 'calledUe', route: ['scscf'] }],
  trigger: [{ at: 'scscf', entry: 'scscfReleaseCalling' }],
  teardown: [],
  facts: {},
};

/**
 * OMA CPM (flows/cpm/pf-bye-originating.flow.yaml, the IWF leg; no generated
 * test yet): a CPM Client sets up a session to the IWF directly and the IWF
 * releases it.
 */
export const IWF_RELEASE: ScenarioShape = {
  flowFile: 'flows/cpm/pf-bye-originating.flow.yaml',
  roles: [
    { id: 'iwf', participant: 'iwf', role: 'iwf' },
    { id: 'clientA', participant: 'clientA', role: 'cpm-client' },
  ],
  outbound: {},
  served: {},
  nextHop: {},
  establish: [{ at: 'clientA', entry: 'establishOneToOne', to: 'iwf' }],
  trigger: [{ at: 'iwf', entry: 'pfByeOriginating' }],
  teardown: [],
  facts: {},
};
