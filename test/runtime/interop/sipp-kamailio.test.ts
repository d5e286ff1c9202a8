/**
 * Interop (issue 3 item 7): SIPp as UAC and as UAS against runtime
 * endpoints for BYE, CANCEL/487 and REFER+NOTIFY, directly and through a
 * Kamailio record-routing proxy. Every process is started and stopped here;
 * a failed SIPp call fails the test with SIPp's own error output.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { B2buaCore, sendRefer, UserAgentCore } from '../../../runtime/core/index.js';
import { getSubscriptionState, parseSipFrag } from '../../../runtime/sip/message/index.js';
import type { SipRequest } from '../../../runtime/sip/message/index.js';
import {
  FAST_CLOCK,
  Phone,
  settleSnapshots,
  waitUntil,
  must,
  CANCELLED_UAS_LADDER,
  ringing,
} from '../core/helpers/phone.js';
import { startKamailio } from './helpers/kamailio.js';
import type { Kamailio } from './helpers/kamailio.js';
import { startSipp } from './helpers/sipp.js';
import type { Sipp } from './helpers/sipp.js';

const ZERO = { dialogs: 0, transactions: 0, sessions: 0 };

for (const path of ['direct', 'through Kamailio'] as const) {
  describe(`SIPp interop, ${path}`, () => {
    let kamailio: Kamailio | undefined;
    const cleanups: (() => Promise<void>)[] = [];
    beforeAll(async () => {
      if (path === 'through Kamailio') kamailio = await startKamailio();
    });
    afterAll(async () => {
      await kamailio?.stop();
      expect(kamailio?.process.running ?? false).toBe(false);
    });
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
      // A proxy failure shows in its log, not only in the peers'.
      if (kamailio) expect(kamailio.process.running, kamailio.process.log).toBe(true);
    });

    const phone = async (name: string): Promise<Phone> => {
      const p = await Phone.start(name, kamailio?.uri);
      cleanups.push(() => p.close());
      return p;
    };
    const sipp = async (
      scenario: string,
      remote?: string,
      keys?: Record<string, string>,
    ): Promise<Sipp> => {
      const s = await startSipp({
        scenario,
        ...(remote ? { remote } : {}),
        ...(keys ? { keys } : {}),
      });
      cleanups.push(() => s.stop());
      return s;
    };
    /** The Record-Route Kamailio inserts (RFC 3261 16.6 step 4), or none on the direct path. */
    const recordRoute = (): string | undefined => (kamailio ? `<${kamailio.uri};lr>` : undefined);
    /** The first hop of a SIPp UAC: Kamailio, or the runtime endpoint itself. */
    const hop = (target: { address: string; port: number }): string =>
      kamailio ? `127.0.0.1:${kamailio.port}` : `${target.address}:${target.port}`;

    it('SIPp UAC: INVITE/200/ACK then BYE/200 to a runtime UAS', async () => {
      const bob = await phone('bob');
      const uac = await sipp('uac-bye.xml', hop(bob.core.target), { ruri: bob.uri });
      await uac.finished();
      expect(bob.ladder()).toEqual([
        'in INVITE',
        'out 180 INVITE',
        'out 200 INVITE',
        'in ACK',
        'in BYE',
        'out 200 BYE',
      ]);
      expect(bob.received('INVITE')[0]?.headers.get('Record-Route')).toBe(recordRoute());
      expect(bob.received('BYE')[0]?.headers.getAll('Via')).toHaveLength(kamailio ? 2 : 1);
      expect(await settleSnapshots([bob.core])).toEqual([ZERO]);
    });

    it('SIPp UAS: a runtime UAC calls, then releases with BYE/200', async () => {
      const alice = await phone('alice');
      const uas = await sipp('uas-bye.xml');
      const { response, dialog } = await alice.core.invite({
        requestUri: uas.uri,
        from: `<${alice.uri}>`,
        to: `<${uas.uri}>`,
      }).result;
      expect(response.status).toBe(200);
      expect(dialog?.routeSet).toEqual(kamailio ? [`<${kamailio.uri};lr>`] : []);
      expect((await uas.guard(alice.core.bye(must(dialog)))).status).toBe(200);
      await uas.finished();
      expect(await settleSnapshots([alice.core])).toEqual([ZERO]);
    });

    it('SIPp UAC: INVITE, 180, CANCEL, 200, 487, ACK against a ringing runtime UAS', async () => {
      const bob = await phone('bob');
      bob.answerMode = 'ring-only';
      const uac = await sipp('uac-cancel.xml', hop(bob.core.target), { ruri: bob.uri });
      await uac.finished();
      expect(bob.ringing[0]?.isCancelled).toBe(true);
      expect(bob.received('INVITE')[0]?.headers.get('Record-Route')).toBe(recordRoute());
      expect(bob.ladder()).toEqual(CANCELLED_UAS_LADDER);
      expect(await settleSnapshots([bob.core])).toEqual([ZERO]);
    });

    it('SIPp UAS: a runtime UAC cancels after 180 and gets 487', async () => {
      const alice = await phone('alice');
      const uas = await sipp('uas-cancel.xml');
      const call = alice.core.invite({
        requestUri: uas.uri,
        from: `<${alice.uri}>`,
        to: `<${uas.uri}>`,
      });
      await uas.guard(ringing(call));
      expect((await uas.guard(call.cancel()))?.status).toBe(200);
      expect((await uas.guard(call.result)).response.status).toBe(487);
      await uas.finished();
      expect(await settleSnapshots([alice.core])).toEqual([ZERO]);
    });

    it('SIPp UAC: REFER method=BYE to a runtime B2BUA gets 202, NOTIFY 100 Trying, BYE on the other leg, NOTIFY 200 OK', async () => {
      const bob = await phone('bob');
      const core = await UserAgentCore.listen({
        address: '127.0.0.1',
        user: 'b2bua',
        clock: FAST_CLOCK,
      });
      cleanups.push(() => core.close());
      const b2buaInvites: SipRequest[] = [];
      const b2bua = new B2buaCore({
        core,
        route: (invite) => {
          b2buaInvites.push(invite);
          return { requestUri: bob.uri };
        },
      });
      const t = core.target;
      const uac = await sipp('uac-refer.xml', hop(t), {
        ruri: `sip:bob@${t.address}:${t.port}`,
        refer_to: bob.uri,
      });
      await uac.finished();
      expect(b2buaInvites[0]?.headers.get('Record-Route')).toBe(recordRoute());
      expect(bob.received('BYE')).toHaveLength(1);
      expect(await settleSnapshots([b2bua, bob.core])).toEqual([ZERO, ZERO]);
    });

    it('SIPp UAS: a runtime UAC sends REFER method=BYE and follows the NOTIFYs to the end of the subscription', async () => {
      const alice = await phone('alice');
      const uas = await sipp('uas-refer.xml');
      const { dialog } = await alice.core.invite({
        requestUri: uas.uri,
        from: `<${alice.uri}>`,
        to: `<${uas.uri}>`,
      }).result;
      const { response, usage } = await sendRefer(
        alice.core,
        must(dialog),
        `<${alice.uri};method=BYE>`,
      );
      expect(response.status).toBe(202);
      expect(usage).toBeDefined();
      await uas.finished();
      await waitUntil(() => alice.received('NOTIFY').length >= 2, 'two NOTIFYs');
      const notifies = alice
        .received('NOTIFY')
        .map((n) => [getSubscriptionState(n)?.state, parseSipFrag(n.body).startLine]);
      expect(notifies).toEqual([
        ['active', 'SIP/2.0 100 Trying'],
        ['terminated', 'SIP/2.0 200 OK'],
      ]);
      expect(alice.received('BYE')).toHaveLength(1);
      expect(await settleSnapshots([alice.core])).toEqual([ZERO]);
    });
  });
}
