/**
 * RFC 3261 12 dialogs built from messages: route sets on both sides, loose
 * and strict routing, remote target refresh, GRUU targets, CSeq ordering,
 * the 2xx ACK, and the dialog store.
 */
import { describe, expect, it } from 'vitest';
import {
  createRequest,
  createResponse,
  getCSeq,
  getRoutes,
} from '../../../../runtime/sip/message/index.js';
import type { SipRequest } from '../../../../runtime/sip/message/index.js';
import {
  createUacDialog,
  createUasDialog,
  DialogCSeqError,
  DialogError,
  DialogRole,
  DialogState,
  DialogStore,
} from '../../../../runtime/sip/dialog/index.js';

const GRUU_CONTACT =
  '<sip:bob@192.0.2.4;gr=urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>;+sip.instance="<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>"';

function initialInvite(recordRoutes: string[] = []): SipRequest {
  return createRequest({
    method: 'INVITE',
    requestUri: 'sip:bob@biloxi.example.com',
    via: ['SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKdlg1'],
    from: '"Alice" <sip:alice@atlanta.example.com>;tag=alice1',
    to: '<sip:bob@biloxi.example.com>',
    callId: 'dialog-test-1@atlanta.example.com',
    cseq: 314159,
    contact: '<sip:alice@127.0.0.1:5070>',
    headers: recordRoutes.map((rr): [string, string] => ['Record-Route', rr]),
  });
}

function ok(
  invite: SipRequest,
  contact = '<sip:bob@127.0.0.1:5080>',
): ReturnType<typeof createResponse> {
  const response = createResponse(invite, 200, undefined, { toTag: 'bob1', contact });
  // RFC 3261 12.1.1: the UAS copies Record-Route into the 2xx.
  for (const rr of invite.headers.getAll('Record-Route'))
    response.headers.append('Record-Route', rr);
  return response;
}

describe('dialog creation (RFC 3261 12.1)', () => {
  it('builds UAC and UAS dialogs whose route sets mirror each other', () => {
    const invite = initialInvite(['<sip:p2.example.com;lr>', '<sip:p1.example.com;lr>']);
    const response = ok(invite);
    const uas = createUasDialog(invite, response);
    const uac = createUacDialog(invite, response);
    expect(uas.role).toBe(DialogRole.Uas);
    expect(uac.state).toBe(DialogState.Confirmed);
    expect(uac.id).toEqual({
      callId: 'dialog-test-1@atlanta.example.com',
      localTag: 'alice1',
      remoteTag: 'bob1',
    });
    expect(uas.id).toEqual({
      callId: 'dialog-test-1@atlanta.example.com',
      localTag: 'bob1',
      remoteTag: 'alice1',
    });
    // RFC 3261 12.1.1: UAS route set = Record-Route in order; 12.1.2: UAC = reversed.
    expect(uas.routeSet).toEqual(['<sip:p2.example.com;lr>', '<sip:p1.example.com;lr>']);
    expect(uac.routeSet).toEqual(['<sip:p1.example.com;lr>', '<sip:p2.example.com;lr>']);
    expect(uac.localSeq).toBe(314159);
    expect(uac.remoteSeq).toBeUndefined();
    expect(uas.remoteSeq).toBe(314159);
    expect(uas.localSeq).toBeUndefined();
    expect(uac.remoteTarget).toBe('sip:bob@127.0.0.1:5080');
    expect(uas.remoteTarget).toBe('sip:alice@127.0.0.1:5070');
  });

  it('creates an early dialog from a 1xx with a To tag and confirms it on the 2xx', () => {
    const invite = initialInvite();
    const ringing = createResponse(invite, 180, undefined, {
      toTag: 'bob1',
      contact: '<sip:bob@127.0.0.1:5080>',
    });
    const dialog = createUacDialog(invite, ringing);
    expect(dialog.state).toBe(DialogState.Early);
    dialog.receiveResponse(ok(invite, '<sip:bob@127.0.0.1:5099>'));
    expect(dialog.state).toBe(DialogState.Confirmed);
    // RFC 3261 12.2.1.2: the 2xx to the (target refresh) INVITE gives the remote target.
    expect(dialog.remoteTarget).toBe('sip:bob@127.0.0.1:5099');
  });

  it('refuses responses and requests that make no dialog', () => {
    const invite = initialInvite();
    expect(() =>
      createUacDialog(invite, createResponse(invite, 486, undefined, { toTag: 'x' })),
    ).toThrow(DialogError);
    const options = createRequest({ ...baseOptions('OPTIONS') });
    expect(() =>
      createUasDialog(options, createResponse(options, 200, undefined, { toTag: 'x' })),
    ).toThrow(DialogError);
    const noContact = createResponse(invite, 200, undefined, { toTag: 'x' });
    expect(() => createUacDialog(invite, noContact)).toThrow(/Contact/);
  });
});

describe('in-dialog requests (RFC 3261 12.2)', () => {
  it('builds a BYE with the next CSeq, the remote target and the route set (loose routing)', () => {
    const invite = initialInvite(['<sip:p2.example.com;lr>', '<sip:p1.example.com;lr>']);
    const uac = createUacDialog(invite, ok(invite));
    const bye = uac.createRequest('BYE');
    expect(bye.requestUri).toBe('sip:bob@127.0.0.1:5080');
    expect(getCSeq(bye)).toEqual({ seq: 314160, method: 'BYE' });
    expect(getRoutes(bye).map((r) => r.uri.raw)).toEqual([
      'sip:p1.example.com;lr',
      'sip:p2.example.com;lr',
    ]);
    expect(bye.headers.get('From')).toBe('"Alice" <sip:alice@atlanta.example.com>;tag=alice1');
    expect(bye.headers.get('To')).toBe('<sip:bob@biloxi.example.com>;tag=bob1');
    expect(bye.headers.get('Call-ID')).toBe('dialog-test-1@atlanta.example.com');
    expect(bye.headers.has('Contact')).toBe(false);
    expect(uac.localSeq).toBe(314160);
  });

  it('uses strict routing when the first route has no lr parameter', () => {
    const invite = initialInvite(['<sip:p2.example.com;lr>', '<sip:p1.example.com>']);
    const uac = createUacDialog(invite, ok(invite));
    const bye = uac.createRequest('BYE');
    // RFC 3261 12.2.1.1: Request-URI = first route; Route = the rest plus the remote target.
    expect(bye.requestUri).toBe('sip:p1.example.com');
    expect(getRoutes(bye).map((r) => r.uri.raw)).toEqual([
      'sip:p2.example.com;lr',
      'sip:bob@127.0.0.1:5080',
    ]);
  });

  it('acknowledges a 2xx with the INVITE CSeq number and puts Contact in target refreshes', () => {
    const invite = initialInvite();
    const uac = createUacDialog(invite, ok(invite));
    const ack = uac.createAck(invite);
    expect(getCSeq(ack)).toEqual({ seq: 314159, method: 'ACK' });
    expect(uac.localSeq).toBe(314159);
    const reInvite = uac.createRequest('INVITE', {
      contentType: 'application/sdp',
      body: 'v=0\r\n',
    });
    expect(getCSeq(reInvite).seq).toBe(314160);
    expect(reInvite.headers.get('Contact')).toBe('<sip:alice@127.0.0.1:5070>');
    expect(Buffer.from(reInvite.body).toString()).toBe('v=0\r\n');
  });

  it('UAS picks an initial local CSeq below 2^31 for its first request', () => {
    const invite = initialInvite();
    const uas = createUasDialog(invite, ok(invite));
    const bye = uas.createRequest('BYE');
    const seq = getCSeq(bye).seq;
    expect(seq).toBeGreaterThanOrEqual(1);
    expect(seq).toBeLessThan(2 ** 31);
    expect(bye.requestUri).toBe('sip:alice@127.0.0.1:5070');
    expect(bye.headers.get('From')).toBe('<sip:bob@biloxi.example.com>;tag=bob1');
  });

  it('rejects out-of-order CSeq with 500 and refreshes the target on re-INVITE', () => {
    const invite = initialInvite();
    const uas = createUasDialog(invite, ok(invite));
    const uac = createUacDialog(invite, ok(invite));
    const reInvite = uac.createRequest('INVITE');
    reInvite.headers.set('Contact', '<sip:alice@127.0.0.1:6000>');
    uas.receiveRequest(reInvite);
    expect(uas.remoteSeq).toBe(314160);
    expect(uas.remoteTarget).toBe('sip:alice@127.0.0.1:6000');
    uas.receiveRequest(uac.createAck(reInvite)); // ACK keeps the INVITE's number: no error, no change
    expect(uas.remoteSeq).toBe(314160);
    const stale = uac.createRequest('INFO');
    stale.headers.set('CSeq', '314000 INFO');
    const error = (() => {
      try {
        uas.receiveRequest(stale);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(DialogCSeqError);
    expect((error as DialogCSeqError).status).toBe(500);
  });

  it('keeps a GRUU remote target with its gr parameter and the instance id', () => {
    const invite = initialInvite();
    const uac = createUacDialog(invite, ok(invite, GRUU_CONTACT));
    expect(uac.remoteTarget).toBe(
      'sip:bob@192.0.2.4;gr=urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6',
    );
    expect(uac.remoteContact.isGruu).toBe(true);
    expect(uac.remoteContact.gr).toBe('urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6');
    expect(uac.remoteContact.instance).toBe('urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6');
    expect(uac.createRequest('BYE').requestUri).toBe(uac.remoteTarget);
  });

  it('terminates: no more requests, and CANCEL or ACK cannot take a new CSeq', () => {
    const invite = initialInvite();
    const uac = createUacDialog(invite, ok(invite));
    expect(() => uac.createRequest('CANCEL')).toThrow(DialogError);
    uac.endInviteUsage();
    expect(uac.state).toBe(DialogState.Terminated);
    expect(() => uac.createRequest('BYE')).toThrow(DialogError);
  });
});

describe('DialogStore', () => {
  it('matches requests and responses by Call-ID and tags and forgets terminated dialogs', () => {
    const store = new DialogStore();
    const invite = initialInvite();
    const response = ok(invite);
    const uas = store.add(createUasDialog(invite, response));
    const uac = createUacDialog(invite, response);
    expect(() => store.add(createUasDialog(invite, response))).toThrow(DialogError);
    expect(store.counts()).toEqual({ early: 0, confirmed: 1, total: 1 });
    const bye = uac.createRequest('BYE');
    expect(store.findForRequest(bye)).toBe(uas);
    expect(store.findForRequest(invite)).toBeUndefined();
    bye.headers.prepend('Via', 'SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKbye');
    const byeOk = createResponse(bye, 200);
    const uacStore = new DialogStore();
    uacStore.add(uac);
    expect(uacStore.findForResponse(byeOk)).toBe(uac);
    uas.endInviteUsage();
    expect(store.counts().total).toBe(0);
    expect(store.findForRequest(bye)).toBeUndefined();
  });
});

function baseOptions(method: string): Parameters<typeof createRequest>[0] {
  return {
    method,
    requestUri: 'sip:bob@biloxi.example.com',
    via: ['SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKopt'],
    from: '<sip:alice@atlanta.example.com>;tag=a',
    to: '<sip:bob@biloxi.example.com>',
    callId: 'opt@test',
    cseq: 1,
    contact: '<sip:alice@127.0.0.1:5070>',
  };
}
