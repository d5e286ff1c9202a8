/** Small fixture flows for projection tests, as text: one caller, a proxy, one callee. */
import { loadFlowText } from '../../generator/load/load-flow.js';
import type { Flow } from '../../generator/model/flow-model.js';

const HEAD = `
participants:
  alice: { role: ue, label: Alice }
  proxy: { role: sip-core, label: Proxy, mode: proxy }
  bob: { role: ue, label: Bob }
`;

/** alice -BYE-> proxy -BYE-> bob, bob answers `status`, relayed back. */
export function byeFlow(id: string, status: string, extra = ''): string {
  return `id: ${id}
title: BYE answered ${status}
origin: project
${HEAD}
steps:
  - id: "1"
    message: { sip: BYE, from: alice, to: proxy }
  - id: "2"
    relays: "1"
    message: { from: proxy, to: bob }
  - id: "3"
    answers: "2"
    message: { sip: ${status}, from: bob, to: proxy }
  - id: "4"
    relays: "3"
    message: { from: proxy, to: alice }
${extra}`;
}

/** Loads flow texts (file names `fixture/<id>.flow.yaml`) and indexes them by id. */
export function loadFixtures(texts: readonly string[]): {
  flows: Flow[];
  resolve: (id: string) => Flow | undefined;
} {
  const flows = texts.map((t, i) => {
    const loaded = loadFlowText(t, `fixture/f${i + 1}.flow.yaml`);
    if (!loaded.flow) {
      throw new Error(`fixture ${i + 1}: ${loaded.findings.map((f) => f.message).join('; ')}`);
    }
    return loaded.flow;
  });
  const index = new Map(flows.map((f) => [f.id, f]));
  return { flows, resolve: (id) => index.get(id) };
}
