import { afterEach, describe, expect, it } from 'vitest';
import {
  createRequest,
  generateCallId,
  getTo,
  getTag,
} from '../../../runtime/sip/message/index.js';
import { DialogState } from '../../../runtime/sip/dialog/index.js';
import { Phone, settleSnapshots, waitUntil, must } from './helpers/phone.js';

const ZERO = { dialogs: 0, transactions: 0, sessions: 0 };

describe('UserAgentCore over loopback UDP', () => {
  const parties: Phone[] = [];
  const start = async (name: string): Promise<Phone> => {
    const phone = await Phone.start(name);
    parties.push(phone);
    return phone;
  };
  afterEach(async () => {
    await Promise.all(parties.splice(0).map((p) => p.close()));
  });

  it('establishes a dialog with INVITE/200/ACK and ends it with BYE/200 (RFC 3261 13, 15)', async () => {
    const alice = await start('alice');
    const bob = await start('bob');
    const call = alice.core.invite({
      requestUri: bob.uri,
      from: `<${alice.uri}>`,
      to: `<${bob.uri}>`,
    });
    const { response, dialog } = await call.result;
    expect(response.status).toBe(200);
    expect(dialog?.state).toBe(DialogState.Confirmed);
    await waitUntil(() => bob.received('ACK').length >= 1, 'the ACK at bob');
    expect(bob.core.dialogs.counts().confirmed).toBe(1);
    const bye = await alice.core.bye(must(dialog));
    expect(bye.status).toBe(200);
    expect(alice.ladder()).toEqual([
      'out INVITE',
      'in 180 INVITE',
      'in 200 INVITE',
      'out ACK',
      'out BYE',
      'in 200 BYE',
    ]);
    expect(await settleSnapshots([alice.core, bob.core])).toEqual([ZERO, ZERO]);
  });

  it('answers an in-dialog BYE that matches no dialog with 481 (RFC 3261 12.2.2)', async () => {
    const alice = await start('alice');
    const bob = await start('bob');
    const stray = createRequest({
      method: 'BYE',
      requestUri: bob.uri,
      from: `<${alice.uri}>;tag=a1`,
      to: `<${bob.uri}>;tag=unknown`,
      callId: generateCallId(),
      cseq: 2,
    });
    const response = await alice.core.sendOutOfDialog(stray, bob.core.target);
    expect(response.status).toBe(481);
    expect(await settleSnapshots([alice.core, bob.core])).toEqual([ZERO, ZERO]);
  });

  it('answers an INVITE without Contact with 400 and keeps nothing (RFC 3261 8.1.1.8, 12.1.1)', async () => {
    const alice = await start('alice');
    const bob = await start('bob');
    const invite = createRequest({
      method: 'INVITE',
      requestUri: bob.uri,
      from: `<${alice.uri}>;tag=a1`,
      to: `<${bob.uri}>`,
      callId: generateCallId(),
      cseq: 1,
    });
    expect(invite.headers.get('Contact')).toBeUndefined();
    const response = await alice.core.sendOutOfDialog(invite, bob.core.target);
    expect([response.status, response.reason]).toEqual([400, 'Missing Contact']);
    expect(await settleSnapshots([alice.core, bob.core])).toEqual([ZERO, ZERO]);
  });

  it('discards an ACK outside any dialog and answers unknown methods 405 with Allow (RFC 3261 8.2.1)', async () => {
    const alice = await start('alice');
    const bob = await start('bob');
    const ack = createRequest({
      method: 'ACK',
      requestUri: bob.uri,
      from: `<${alice.uri}>;tag=a1`,
      to: `<${bob.uri}>;tag=b1`,
      callId: generateCallId(),
      cseq: 1,
    });
    await alice.core.layer.sendAck(ack, bob.core.target);
    const message = createRequest({
      method: 'MESSAGE',
      requestUri: bob.uri,
      from: `<${alice.uri}>;tag=a2`,
      to: `<${bob.uri}>`,
      callId: generateCallId(),
      cseq: 1,
    });
    const response = await alice.core.sendOutOfDialog(message, bob.core.target);
    expect(response.status).toBe(405);
    expect(response.headers.get('Allow')).toContain('INVITE');
    // The ACK arrived before the MESSAGE on the same socket and drew no response.
    expect(bob.received('ACK').length).toBeGreaterThanOrEqual(1);
    expect(alice.messages('in').filter((m) => m.kind === 'response')).toHaveLength(1);
    expect(await settleSnapshots([alice.core, bob.core])).toEqual([ZERO, ZERO]);
  });

  it('answers a request with a CSeq below the remote sequence number with 500 (RFC 3261 12.2.2)', async () => {
    const alice = await start('alice');
    const bob = await start('bob');
    const { dialog } = await alice.core.invite({
      requestUri: bob.uri,
      from: `<${alice.uri}>`,
      to: `<${bob.uri}>`,
    }).result;
    const first = await alice.core.request(must(dialog), 'INFO');
    expect(first.status).toBe(405);
    const info = must(dialog).createRequest('INFO');
    info.headers.set('CSeq', `${Number(info.headers.get('CSeq')?.split(' ')[0]) - 2} INFO`);
    const response = await alice.core.sendInDialog(must(dialog), info);
    expect(response.status).toBe(500);
    expect(getTag(getTo(response))).toBe(must(dialog).id.remoteTag);
    expect((await alice.core.bye(must(dialog))).status).toBe(200);
    expect(await settleSnapshots([alice.core, bob.core])).toEqual([ZERO, ZERO]);
  });

  it('ends an early dialog with CANCEL/487 and ACK (RFC 3261 9.1, 9.2)', async () => {
    const alice = await start('alice');
    const bob = await start('bob');
    bob.answerMode = 'ring-only';
    const call = alice.core.invite({
      requestUri: bob.uri,
      from: `<${alice.uri}>`,
      to: `<${bob.uri}>`,
    });
    const cancelled = await call.cancel();
    expect(cancelled?.status).toBe(200);
    const { response, dialog } = await call.result;
    expect(response.status).toBe(487);
    expect(dialog).toBeUndefined();
    await waitUntil(() => bob.received('ACK').length >= 1, 'the ACK for the 487');
    expect(bob.ringing[0]?.isCancelled).toBe(true);
    expect(await settleSnapshots([alice.core, bob.core])).toEqual([ZERO, ZERO]);
  });
});
