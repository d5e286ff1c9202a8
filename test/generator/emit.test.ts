/**
 * The emitters, text in and text out: guards as TypeScript, a reaction
 * compiled into cited statements, a role module printed from a fixture
 * flow; then the whole of generated/: byte-identical on regeneration and
 * fresh against the flows (`flowspec generate --check`).
 */
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runGenerate } from '../../generator/cli/generate-command.js';
import {
  generateFiles,
  generateOutput,
  guardCode,
  loadForGeneration,
  planRole,
  printSource,
  roleModule,
  roleSpecs,
  staleFiles,
  untestedLine,
} from '../../generator/emit/index.js';
import { mergeRoles } from '../../generator/projection/index.js';
import { byeFlow, loadFixtures } from './fixture-flows.js';

function io(): {
  out(s: string): void;
  err(s: string): void;
  text: () => string;
  stdout: () => string;
} {
  let text = '';
  let stdout = '';
  return {
    out: (s) => {
      text += s;
      stdout += s;
    },
    err: (s) => (text += s),
    text: () => text,
    stdout: () => stdout,
  };
}

describe('guardCode', () => {
  it('reads guard variables from the facts record', () => {
    expect(guardCode("policy.release == 'release-all'")).toBe(
      "f['policy.release'] === 'release-all'",
    );
    expect(guardCode('!session.interworked && session.iwfCount > 1')).toBe(
      // An order compares numbers: a count not given is 0 (the expression typechecks over Facts).
      "(!f['session.interworked'] && Number(f['session.iwfCount'] ?? 0) > 1)",
    );
    expect(guardCode("!(session.kind == 'on-demand')")).toBe(
      "!(f['session.kind'] === 'on-demand')",
    );
  });
});

describe('role modules', () => {
  it('print a handler per method whose statements cite their steps', async () => {
    const { flows, resolve } = loadFixtures([byeFlow('t.bye', '200 OK')]);
    const ue = mergeRoles(flows, resolve).find((s) => s.role === 'ue');
    if (!ue) throw new Error('no ue');
    const plan = planRole(ue);
    expect(plan.kind).toBe('ua');
    expect(plan.handlers.map((h) => h.name)).toEqual(['onBye']);
    expect(plan.entries.map((e) => e.name)).toEqual(['bye']);
    const text = await printSource('generated/roles/ue.ts', roleModule(plan));
    expect(text).toContain(' * - t.bye (fixture/f1.flow.yaml)');
    expect(text).toContain(
      [
        '  async onBye(incoming: IncomingRequest): Promise<void> {',
        '    // t.bye step 3 (fixture/f1.flow.yaml:16): send 200 -> sip-core',
        '    if (incoming.pending) incoming.respond(200);',
        '  }',
      ].join('\n'),
    );
    expect(text).toContain(
      [
        '    // t.bye step 1 (fixture/f1.flow.yaml:11): send BYE -> sip-core',
        '    const r1 = await this.core.bye(this.dialogOf(options));',
        '    // t.bye step 4 (fixture/f1.flow.yaml:19): receive 200 <- sip-core',
        "    expectStatus(r1, 200, 't.bye', '4');",
        '    outcome.responses.push(r1);',
      ].join('\n'),
    );
    const proxy = mergeRoles(flows, resolve).find((s) => s.role === 'sip-core');
    if (!proxy) throw new Error('no proxy');
    const proxyPlan = planRole(proxy);
    expect(proxyPlan.kind).toBe('proxy');
    expect(proxyPlan.table.map((t) => [t.trigger, t.runs, t.executable])).toEqual([
      [
        'receive BYE from served-client via ue dialogs={} mode=proxy',
        'ProxyCore: stateful relay (RFC 3261 16)',
        true,
      ],
    ]);
  });
});

describe('generated/', () => {
  it('is byte-identical when generated twice, and fresh against flows/', async () => {
    const { flows, resolve } = await loadForGeneration('flows');
    const first = await generateFiles(flows, resolve);
    const second = await generateFiles(flows, resolve);
    expect(second).toEqual(first);
    expect(first.map((f) => f.path)).toContain('roles/poc-server-participating.ts');
    expect(first.map((f) => f.path)).toContain('tests/poc-leave-on-demand.test.ts');
    expect(await staleFiles('generated', first)).toEqual([]);
  }, 60_000);

  it('passes `generate --check` on the committed output and names stale files otherwise', async () => {
    const ok = io();
    expect(await runGenerate({ check: true }, ok)).toBe(0);
    expect(ok.stdout()).toMatch(/^generated\/ is up to date \(\d+ files\)\n$/);
    const dir = await mkdtemp(join(tmpdir(), 'flowspec-generated-'));
    try {
      await cp('generated', dir, { recursive: true });
      await writeFile(join(dir, 'roles', 'sip-core.ts'), '// edited by hand\n');
      await writeFile(join(dir, 'tests', 'left-over.test.ts'), '// no longer generated\n');
      const stale = io();
      expect(await runGenerate({ check: true, out: dir }, stale)).toBe(1);
      expect(stale.text()).toContain(`${dir}/roles/sip-core.ts`);
      expect(stale.text()).toContain(`${dir}/tests/left-over.test.ts`);
      const write = io();
      expect(await runGenerate({ out: dir }, write)).toBe(0);
      expect(await runGenerate({ check: true, out: dir }, io())).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('seed flows without a generated test', () => {
  it('are each named once with why, and the S-CSCF release flows get one', async () => {
    const { flows, resolve } = await loadForGeneration('flows');
    const { files, untested } = await generateOutput(flows, resolve);
    const paths = files.map((f) => f.path);
    expect(paths).toContain('tests/ims-scscf-release-calling.test.ts');
    expect(paths).toContain('tests/ims-scscf-release-called.test.ts');
    const seeds = flows.filter((f) => f.origin === 'seed').map((f) => f.id);
    const tested = seeds.filter((id) => paths.includes(`tests/${id.replace(/\./g, '-')}.test.ts`));
    expect([...untested.map((u) => u.flow), ...tested].sort()).toEqual([...seeds].sort());
    expect(paths).toContain('tests/poc-cancel-terminating.test.ts');
    expect(paths).toContain('tests/poc-cancel-originating.test.ts');
    const cancel = files.find((f) => f.path === 'tests/poc-cancel-originating.test.ts');
    // Both operands of the race run (RFC 3261 9.1); the 2xx one with its CANCEL sent the moment
    // PoC Server A receives PoC Server X's 200, then the participants invited, then Figure 16.
    expect(cancel?.text).toContain("'race.winner': '487'");
    expect(cancel?.text).toContain("it('race.winner=487'");
    expect(cancel?.text).toContain(
      "'policy.release=release-all, race.winner=2xx, session.kind=on-demand, 1 participant'",
    );
    expect(cancel?.text).toMatch(
      /entry: 'cancelOriginating2',\s+when: \{\s+at: 'serverA',\s+receives: '200 INVITE',\s+\},\s+\},\s+\{\s+at: 'serverX',\s+entry: 'establishTerminatingOnDemand',[^]*?entry: 'leaveOnDemand',/,
    );
    // Step 2xx.5 over Pre-established Sessions: each PoC Client B sets its up before the trigger
    // (the precondition of poc.establish.terminating.pre-established), PoC Server X invites it over
    // it, Figure 16 takes Figure 19, and the Pre-established Sessions are ended after the check.
    expect(cancel?.text).not.toContain('Cases not generated');
    expect(cancel?.text).toContain(
      "'policy.release=release-all, race.winner=2xx, session.kind=pre-established, 2 participants'",
    );
    expect(cancel?.text).toMatch(
      /establish: \[\s+\{\s+at: 'clientB\[0\]',\s+entry: 'establishPreEstablishedSession',\s+to: 'serverB\[0\]',\s+route: \['coreB\[0\]', 'serverB\[0\]'\],\s+\},\s+\{\s+at: 'clientB\[1\]',\s+entry: 'establishPreEstablishedSession',[^]*?entry: 'cancelOriginating2',[^]*?at: 'serverX',\s+entry: 'establishTerminatingPreEstablished',\s+to: 'serverB\[0\]',[^]*?entry: 'leaveOnDemand',\s+\},\s+\],\s+teardown: \[\s+\{\s+at: 'clientB\[0\]',\s+entry: 'endSessions',/,
    );
    expect(cancel?.text).toContain(
      "'policy.release=continue, race.winner=2xx, session.kind=pre-established, 1 participant'",
    );
    for (const u of untested) expect(untestedLine(u)).not.toContain('\n');
  }, 60_000);

  it('cancel an INVITE from an entry point after its provisional response (RFC 3261 9.1)', async () => {
    const { flows, resolve } = await loadForGeneration('flows');
    const server = roleSpecs(flows, resolve).find((s) => s.role === 'poc-server-participating');
    if (!server) throw new Error('no PoC Server (participating)');
    const text = await printSource(
      'generated/roles/poc-server-participating.ts',
      roleModule(planRole(server)),
    );
    expect(text).toContain(
      [
        '    const r1 = this.startInvite(options, undefined);',
        '    // poc.cancel.terminating step 0.2 (flows/poc/cancel-terminating.flow.yaml:46): receive 100 <- sip-core',
        '    // A provisional response: passed up by the transaction, not awaited (RFC 3261 17.1.1).',
        '    // poc.cancel.terminating step 0.5 (flows/poc/cancel-terminating.flow.yaml:62): receive 180 <- sip-core',
        "    await provisionalOf(r1, 180, 'poc.cancel.terminating', '0.5');",
      ].join('\n'),
    );
    expect(text).toContain(
      [
        '    const c1 = this.pendingInvite(options);',
        "    const r2 = await cancelSent(c1, 'poc.cancel.terminating', '0.7');",
      ].join('\n'),
    );
    // PoC Client B's choice shows in the final response: 487, or the 2xx that crossed the CANCEL,
    // acknowledged by the core and ended with BYE on the dialog it confirmed (RFC 3261 15).
    expect(text).toContain('    const f3 = (await c1.result).response;\n    switch (f3.status) {');
    expect(text).toContain('      case 487: {');
    expect(text).toMatch(
      /case 200: \{[^]*?outcome\.dialog = \(await c1\.result\)\.dialog;[^]*?this\.core\.bye\(\s*outcome\.dialog \?\? onlyDialog\([^]*?expectStatus\(r4, 200, 'poc\.cancel\.terminating', '2\.12'\);/,
    );
    expect(text).toContain("        expectStatus(f3, 487, 'poc.cancel.terminating', '2.1');");
    const client = roleSpecs(flows, resolve).find((s) => s.role === 'poc-client');
    if (!client) throw new Error('no PoC Client');
    const plan = planRole(client);
    expect(plan.variantFlows).toEqual(['poc.cancel.terminating']);
    expect(plan.runtimeGuards).toEqual(['!session.finalResponseSent']);
    // The user's answer is an entry point of its own, on the INVITE left open after the 180.
    const clientText = await printSource('generated/roles/poc-client.ts', roleModule(plan));
    expect(clientText).toMatch(
      /step 2\.4 [^\n]*receive indication accept the PoC Session invitation[^]*?this\.respondInvite\(this\.heldInvite\(options\), 200\);/,
    );
    // The 180 and the 487 stay the INVITE handler's; the 200 of step 2.5 is not there.
    const onInvite = /async onInvite\([^]*?\n {2}\}\n/.exec(clientText)?.[0] ?? '';
    expect(onInvite).toContain('this.respondInvite(incoming, 180);');
    expect(onInvite).not.toContain('step 2.5');
  }, 60_000);

  it('makes PoC Client B answer while the CANCEL is on its way, and runs both operands (RFC 3261 9.2)', async () => {
    const { flows, resolve } = await loadForGeneration('flows');
    const { files } = await generateOutput(flows, resolve);
    const text = files.find((f) => f.path === 'tests/poc-cancel-terminating.test.ts')?.text ?? '';
    expect(text).toMatch(
      /entry: 'cancelTerminating2',\s+\},\s+\{\s+at: 'clientB',\s+entry: 'cancelTerminating',\s+when: \{\s+at: 'clientB',\s+receives: 'CANCEL',\s+\},/,
    );
    expect(text).toContain("it('session.finalResponseSent=true'");
    expect(text).toContain("'session.finalResponseSent=false'");
    expect(text).not.toContain('Cases not generated');
  }, 60_000);
});

describe('OMA PoC Figure 19: MBCP over the Pre-established Session', () => {
  it('answers the INVITEs addressed to PoC Server B itself and disconnects over MBCP on a session of one leg', async () => {
    const { flows, resolve } = await loadForGeneration('flows');
    const server = roleSpecs(flows, resolve).find((s) => s.role === 'poc-server-participating');
    if (!server) throw new Error('no PoC Server (participating)');
    const plan = planRole(server);
    expect(plan.usesMbcp).toBe(true);
    expect(plan.answersInvites).toBe(true);
    const ack = plan.table.filter((t) =>
      t.trigger.startsWith('receive MBCP Media Burst Acknowledgement'),
    );
    expect(ack.length).toBeGreaterThan(0);
    for (const row of ack) expect(row.executable).toBe(true);
    const text = await printSource('generated/roles/poc-server-participating.ts', roleModule(plan));
    expect(text).toContain('if (!this.addressedHere(incoming)) return false;');
    expect(text).toContain(
      [
        "    if (this.originOf(incoming) === 'other' && this.otherLeg(incoming) === undefined) {",
        '      const media = this.mbcpPeerOf(incoming);',
      ].join('\n'),
    );
    expect(text).toContain(
      "      await this.sendMbcp('Disconnect', media, 'poc.disconnect.pre-established', 'A');",
    );
    // The relayed INVITEs stay with the B2BUA core, and so does the hold of Figure 16's CANCEL.
    expect(text).not.toContain("core.on('INVITE'");
    expect(text).toContain('b2bua.holdInvite = (incoming) =>');
  }, 60_000);

  it('tests Figure 19, ends the kept Pre-established Session after the check, and runs it inside Figure 16 over Pre-established Sessions', async () => {
    const { flows, resolve } = await loadForGeneration('flows');
    const { files, untested } = await generateOutput(flows, resolve);
    expect(untested.map((u) => u.flow)).not.toContain('poc.disconnect.pre-established');
    const fig19 = files.find((f) => f.path === 'tests/poc-disconnect-pre-established.test.ts');
    expect(fig19?.text).toContain("entry: 'endSessions'");
    // The Pre-established Session first (the precondition of the precondition), then the invitation.
    expect(fig19?.text).toMatch(
      /establish: \[\s+\{\s+at: 'clientB\[0\]',\s+entry: 'establishPreEstablishedSession',[^]*?at: 'serverX',\s+entry: 'establishTerminatingPreEstablished2',/,
    );
    const fig16 = files.find((f) => f.path === 'tests/poc-leave-on-demand.test.ts');
    // Step 12's alt pairs Figure 18 (after poc.establish.terminating.on-demand) with Figure 19
    // (after poc.establish.terminating.pre-established): the case builds the latter instead.
    expect(fig16?.text).not.toContain('Cases not generated');
    expect(fig16?.text).toContain(
      "'policy.release=release-all, session.kind=pre-established, 2 participants'",
    );
    expect(fig16?.text).toMatch(
      /entry: 'establishOnDemand',\s+to: 'serverX',\s+route: \['coreA', 'serverA'\],\s+\},\s+\{\s+at: 'clientB\[0\]',\s+entry: 'establishPreEstablishedSession',[^]*?at: 'serverX',\s+entry: 'establishTerminatingPreEstablished2',/,
    );
    // Flows that end every session they start get no teardown.
    const fig18 = files.find((f) => f.path === 'tests/poc-disconnect-on-demand.test.ts');
    expect(fig18?.text).toContain('teardown: [],');
  }, 60_000);
});

describe('an alt the peer decides, told apart by the final response (RFC 3261 9.1)', () => {
  it('compiles a switch on the status of the cancelled INVITE, each case citing its operand', async () => {
    const { flows, resolve } = await loadForGeneration('flows');
    const client = roleSpecs(flows, resolve).find((s) => s.role === 'poc-client');
    if (!client) throw new Error('no PoC Client');
    const plan = planRole(client);
    const row = plan.table.find((t) => t.runs === 'cancelOriginating2');
    expect(row?.executable).toBe(true);
    const text = await printSource('generated/roles/poc-client.ts', roleModule(plan));
    expect(text).toContain(
      [
        '    // poc.cancel.originating#race, chosen by serverA: the final response says which operand runs.',
        '    const f3 = (await c1.result).response;',
        '    switch (f3.status) {',
        '      case 487: {',
        "        // race.winner == '487':",
        '        // poc.cancel.originating step 487.3 (flows/poc/cancel-originating.flow.yaml:149): receive 487 <- sip-core',
        '        outcome.responses.push(f3);',
      ].join('\n'),
    );
    expect(text).toContain(
      [
        '      case 200: {',
        "        // race.winner == '2xx':",
        '        // poc.cancel.originating step 2xx.14 (flows/poc/cancel-originating.flow.yaml:261): receive 200 <- sip-core',
        '        outcome.responses.push(f3);',
        '        outcome.dialog = (await c1.result).dialog;',
      ].join('\n'),
    );
    // Figure 16 is its own entry point, called once the 2xx is acknowledged.
    expect(text).not.toContain("expectStatus(r4, 200, 'poc.leave.on-demand', '5');");
    expect(text).toContain(
      '  async leaveOnDemand(options: EntryOptions = {}): Promise<EntryOutcome> {',
    );
    const server = roleSpecs(flows, resolve).find((s) => s.role === 'poc-server-participating');
    if (!server) throw new Error('no PoC Server (participating)');
    const serverText = await printSource(
      'generated/roles/poc-server-participating.ts',
      roleModule(planRole(server)),
    );
    // PoC Server A's own choice: the INVITE is held for the CANCEL (RFC 3261 9.2) ...
    expect(serverText).toContain(
      "      return this.originOf(incoming) === 'served-client' && f['race.winner'] === '487';",
    );
    // ... and in the other operand it relays it; the CANCEL that crosses its 2xx gets no reaction
    // of its own (the INVITE server transaction answers it 200, RFC 3261 9.2).
    expect(serverText).not.toContain('UncompiledCaseError(');
    expect(text).toContain(
      [
        '      default:',
        "        expectStatus(f3, 487, 'poc.cancel.originating', '487.3');",
        '    }',
      ].join('\n'),
    );
  }, 60_000);
});

describe('CPM Participating Function (OMA CPM 8.2.2.3)', () => {
  it('relays in proxy mode when the flow draws the choice `participant.mode == proxy`, and checks an answer the peer gives in either operand once', async () => {
    const { flows, resolve } = await loadForGeneration('flows');
    const specs = roleSpecs(flows, resolve);
    const pf = specs.find((s) => s.role === 'cpm-pf-originating');
    const client = specs.find((s) => s.role === 'cpm-client');
    if (!pf || !client) throw new Error('no CPM roles');
    const rows = planRole(pf).table.filter((t) =>
      t.steps.some((x) => x.startsWith('cpm.pf-bye.originating#proxy.')),
    );
    expect(rows.map((t) => [t.runs, t.executable])).toEqual([
      ['CpmPfOriginatingProxy: ProxyCore relay (RFC 3261 16)', true],
      ['CpmPfOriginatingProxy: ProxyCore relay (RFC 3261 16)', true],
    ]);
    const entry = planRole(client).entries.find((e) => e.name === 'establishPfOriginating');
    expect(JSON.stringify(entry?.stmts)).toContain(
      'The answer of step 4 in the operand the peer chose: checked there.',
    );
  }, 60_000);
});

describe('flowspec generate on contradicting flows', () => {
  it('exits 1 naming both places and writes nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flowspec-contradiction-'));
    try {
      const flowsDir = join(dir, 'flows');
      await mkdir(flowsDir);
      await writeFile(join(flowsDir, 'ok.flow.yaml'), byeFlow('t.ok', '200 OK'));
      await writeFile(join(flowsDir, 'busy.flow.yaml'), byeFlow('t.busy', '486'));
      const out = io();
      expect(await runGenerate({ flows: flowsDir, out: join(dir, 'generated') }, out)).toBe(1);
      expect(out.text()).toContain('role ue, trigger receive BYE from served-client');
      expect(out.text()).toMatch(
        /busy\.flow\.yaml:\d+ \(t\.busy, steps 2, 3\): send 486 -> sip-core/,
      );
      expect(out.text()).toMatch(/ok\.flow\.yaml:\d+ \(t\.ok, steps 2, 3\): send 200 -> sip-core/);
      expect(await staleFiles(join(dir, 'generated'), [])).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('OMA PoC Figure 17: REFER about the Pre-established Session', () => {
  it('sends the PoC Client REFERs with the method their Refer-To fixes, and awaits the final NOTIFY', async () => {
    const { flows, resolve } = await loadForGeneration('flows');
    const client = roleSpecs(flows, resolve).find((s) => s.role === 'poc-client');
    if (!client) throw new Error('no PoC Client');
    const plan = planRole(client);
    const rows = plan.table.filter((t) =>
      ['establishPreEstablished', 'leavePreEstablished'].includes(t.runs),
    );
    expect(rows.map((t) => [t.runs, t.executable])).toEqual([
      ['establishPreEstablished', true],
      ['leavePreEstablished', true],
    ]);
    const text = await printSource('generated/roles/poc-client.ts', roleModule(plan));
    // poc.establish.pre-established step 8 fixes no method: INVITE, the default (RFC 3261 19.1.1).
    expect(text).toContain("const r2 = await this.refer(options, 'INVITE', undefined);");
    expect(text).toContain(
      "const r1 = await this.refer(options, 'BYE', { headers: [['Privacy', 'id']] });",
    );
    expect(text).toContain(
      [
        "    expectStatus(r1.response, 202, 'poc.leave.pre-established', '5');",
        '    outcome.responses.push(r1.response);',
        "    // RFC 3515 2.4.5: the referred request's outcome comes in the NOTIFY that ends the REFER's subscription.",
        '    await r1.outcome;',
      ].join('\n'),
    );
    expect(text).toContain('    this.answerNotify(incoming);');
  }, 60_000);

  it("has PoC Server A's core run both REFERs and connect the joined session over MBCP", async () => {
    const { flows, resolve } = await loadForGeneration('flows');
    const server = roleSpecs(flows, resolve).find((s) => s.role === 'poc-server-participating');
    if (!server) throw new Error('no PoC Server (participating)');
    const plan = planRole(server);
    const refer = plan.table.filter((t) => t.trigger.startsWith('receive REFER'));
    expect(refer.length).toBe(2);
    for (const row of refer) expect(row.executable).toBe(true);
    const text = await printSource('generated/roles/poc-server-participating.ts', roleModule(plan));
    expect(text).toContain('b2bua.joined = async (session) => {');
    expect(text).toMatch(
      /\/\/ poc\.establish\.pre-established step 25 \(flows\/poc\/establish-pre-established\.flow\.yaml:\d+\): send MBCP Connect -> poc-client/,
    );
    expect(text).not.toContain("core.on('REFER'");
  }, 60_000);

  it('builds the precondition with the join, and ends the kept Pre-established Session after the refs a policy did not take', async () => {
    const { flows, resolve } = await loadForGeneration('flows');
    const { files, untested } = await generateOutput(flows, resolve);
    expect(untested.map((u) => u.flow)).not.toContain('poc.leave.pre-established');
    const fig17 = files.find((f) => f.path === 'tests/poc-leave-pre-established.test.ts')?.text;
    if (fig17 === undefined) throw new Error('no Figure 17 test');
    // The Pre-established Session's INVITE is addressed to PoC Server A, which answers it itself;
    // the REFER refers it to PoC Server X.
    expect(fig17).toContain(
      [
        "        entry: 'establishPreEstablished',",
        "        to: 'serverA',",
        "        route: ['coreA', 'serverA'],",
        "        referTo: 'serverX',",
      ].join('\n'),
    );
    expect(fig17).toMatch(
      /entry: 'disconnectOnDemand',\n\s*\},\n\s*\{\n\s*at: 'clientA',\n\s*entry: 'endSessions',/,
    );
    expect(fig17).not.toContain('Cases not generated');
    expect(fig17).toContain(
      "'policy.release=release-all, session.kind=pre-established, 1 participant'",
    );
  }, 60_000);
});
