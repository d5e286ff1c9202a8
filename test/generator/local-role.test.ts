/**
 * Issue 6: the Message Storage Server (OMA CPM Appendix C) as a generated local role. The
 * CPM Participating Function BYE flows (8.2.2.3 4.c.ii.1, 5.b.i, 6.b.ii.1; 8.3.2.3 2.c.ii.1,
 * 3.a, 4.b.i) draw the store as indications between the Participating Function and the
 * Message Storage Server; the generator makes each a local call between their roles.
 */
import { describe, expect, it } from 'vitest';
import { loadForGeneration, generateFiles } from '../../generator/emit/generate-files.js';
import { isLocalRole, planLocalRole } from '../../generator/emit/local-role.js';
import { planRole } from '../../generator/emit/role-plan.js';
import { mergeRoles } from '../../generator/projection/index.js';

async function specs(): Promise<ReturnType<typeof mergeRoles>> {
  const { flows, resolve } = await loadForGeneration('flows');
  return mergeRoles(flows, resolve);
}

describe('a participant reached only by indications is a local role', () => {
  it('the Message Storage Server answers "store CPM Session History" in every place a flow stores', async () => {
    const all = await specs();
    const storage = all.find((s) => s.role === 'message-storage');
    if (!storage) throw new Error('no message-storage role');
    expect(isLocalRole(storage)).toBe(true);
    expect(all.filter(isLocalRole).map((s) => s.role)).toEqual(['message-storage']);
    const plan = planLocalRole(storage);
    expect(plan.names.className).toBe('MessageStorageServer');
    expect(plan.names.file).toBe('message-storage-server');
    expect(plan.branches.map((b) => b.indication)).toEqual(['store CPM Session History']);
    expect(plan.table.every((t) => t.executable)).toBe(true);
    const stores = plan.table.flatMap((t) => t.steps).filter((s) => s.endsWith('.record'));
    expect(stores.sort()).toEqual(
      [
        'cpm.pf-bye.originating#4.c.ii.1.record',
        'cpm.pf-bye.originating#5.b.i.record',
        'cpm.pf-bye.originating#6.b.ii.1.record',
        'cpm.pf-bye.terminating#2.c.ii.1.record',
        'cpm.pf-bye.terminating#3.a.record',
        'cpm.pf-bye.terminating#4.b.i.record',
      ].sort(),
    );
    expect(planRole(storage).local).toBe(true);
  });

  it('the Participating Functions reach it through their storage field, citing each step', async () => {
    const all = await specs();
    for (const role of ['cpm-pf-originating', 'cpm-pf-terminating'] as const) {
      const spec = all.find((s) => s.role === role);
      if (!spec) throw new Error(`no ${role}`);
      const plan = planRole(spec);
      expect(plan.localPeers.map((p) => p.peerField)).toEqual(['storage']);
      const code = JSON.stringify(plan.handlers);
      expect(code).toContain(
        "Object.assign(vars, await this.indicate(this.config.storage, 'store CPM Session History'",
      );
      // The action takes the answer's UID; the onAction hook or stand-in only without one.
      expect(code).toMatch(
        /this\.act\('store-session-history', '[^']+', '[^']+', 'uid', vars\['uid'\]\)/,
      );
      expect(code).toMatch(
        /step [^ ]+\.store \(flows\/cpm\/pf-bye-\w+\.flow\.yaml:\d+\): send indication store CPM Session History -> message-storage/,
      );
    }
  });

  it('generates message-storage-server.ts with its typed configuration and no SIP endpoint', async () => {
    const { flows, resolve } = await loadForGeneration('flows');
    const files = await generateFiles(flows, resolve);
    const module = files.find((f) => f.path === 'roles/message-storage-server.ts')?.text ?? '';
    expect(module).toContain('export interface MessageStorageServerConfig');
    expect(module).toContain('export class MessageStorageServer implements LocalPeer');
    expect(module).toContain('new MemoryMessageStore()');
    expect(module).toContain('JsonlMessageStore.open(');
    expect(module).not.toContain('SipTransport');
    const index = files.find((f) => f.path === 'roles/index.ts')?.text ?? '';
    expect(index).toContain("from './message-storage-server.js'");
    const pf = files.find((f) => f.path === 'roles/cpm-pf-originating.ts')?.text ?? '';
    expect(pf).toMatch(/readonly storage\?: LocalPeer;/);
  });
});
