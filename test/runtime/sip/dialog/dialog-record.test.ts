/**
 * The stored dialog state of TS 24.229 5.4.5.1.2 (S-CSCF release of an
 * existing session) and the BYE requests built only from it.
 */
import { describe, expect, it } from 'vitest';
import {
  createRequest,
  createResponse,
  getCSeq,
  getReasons,
  getRoutes,
} from '../../../../runtime/sip/message/index.js';
import type { SipRequest, SipResponse } from '../../../../runtime/sip/message/index.js';
import {
  createReleaseBye,
  createUacDialog,
  DialogError,
  DialogRecorder,
  dialogRecordOf,
} from '../../../../runtime/sip/dialog/index.js';

const SCSCF_RR = '<sip:scscf1.home1.net;lr>';
const PCSCF_CALLING_RR = '<sip:pcscf1.visited1.net;lr>';
const PCSCF_CALLED_RR = '<sip:pcscf2.visited2.net;lr>';
const CALLING_GRUU =
  '<sip:user1_public1@home1.net;gr=urn:uuid:0c9f1b6a-2f0a-4d4d-9f1e-1b2c3d4e5f60>;+sip.instance="<urn:uuid:0c9f1b6a-2f0a-4d4d-9f1e-1b2c3d4e5f60>"';

/** The initial INVITE as the called side sees it: Record-Route entries of P-CSCF (calling), S-CSCF, P-CSCF (called). */
function invite(): SipRequest {
  return createRequest({
    method: 'INVITE',
    requestUri: 'sip:user2@[5555::eee:fff:aaa:bbb]:8805',
    via: [
      'SIP/2.0/UDP pcscf2.visited2.net;branch=z9hG4bK1',
      'SIP/2.0/UDP [5555::aaa:bbb:ccc:ddd]:1357;branch=z9hG4bK0',
    ],
    from: '<sip:user1_public1@home1.net>;tag=171828',
    to: '<tel:+1-212-555-2222>',
    callId: 'cb03a0s09a2sdfglkj490333',
    cseq: 127,
    contact: CALLING_GRUU,
    headers: [['Record-Route', `${PCSCF_CALLED_RR}, ${SCSCF_RR}, ${PCSCF_CALLING_RR}`]],
  });
}

function ok200(request: SipRequest): SipResponse {
  const response = createResponse(request, 200, undefined, {
    toTag: '314159',
    contact: '<sip:[5555::eee:fff:aaa:bbb]:8805>',
  });
  for (const rr of request.headers.getAll('Record-Route'))
    response.headers.append('Record-Route', rr);
  return response;
}

describe('DialogRecorder (TS 24.229 5.4.5.1.2)', () => {
  it('stores Contacts, To from the 200 OK, From and Call-ID from the INVITE, CSeq per direction and Route towards each party', () => {
    const initial = invite();
    const recorder = new DialogRecorder(initial, {
      isOwnRoute: (rr) => rr.includes('scscf1.home1.net'),
    });
    expect(() => recorder.snapshot()).toThrow(DialogError);
    recorder.recordResponse(ok200(initial));
    const record = recorder.snapshot();
    expect(record.callId).toBe('cb03a0s09a2sdfglkj490333');
    expect(record.from).toBe('<sip:user1_public1@home1.net>;tag=171828');
    expect(record.to).toBe('<tel:+1-212-555-2222>;tag=314159');
    expect(record.called.contactUri).toBe('sip:[5555::eee:fff:aaa:bbb]:8805');
    expect(record.calling.contact).toBe(CALLING_GRUU);
    expect(record.calling.gruu).toBe('urn:uuid:0c9f1b6a-2f0a-4d4d-9f1e-1b2c3d4e5f60');
    expect(record.calling.instance).toBe('urn:uuid:0c9f1b6a-2f0a-4d4d-9f1e-1b2c3d4e5f60');
    expect(record.called.routeTowards).toEqual([PCSCF_CALLED_RR]);
    expect(record.calling.routeTowards).toEqual([PCSCF_CALLING_RR]);
    // "none stored" for the called -> calling direction until the called party sends a request.
    expect(record.cseq).toEqual({ callingToCalled: 127, calledToCalling: undefined });
  });

  it('follows in-dialog requests of both parties', () => {
    const initial = invite();
    const recorder = new DialogRecorder(initial, { isOwnRoute: (rr) => rr.includes('scscf1') });
    recorder.recordResponse(ok200(initial));
    const fromCalled = createRequest({
      method: 'UPDATE',
      requestUri: 'sip:user1_public1@home1.net',
      from: '<tel:+1-212-555-2222>;tag=314159',
      to: '<sip:user1_public1@home1.net>;tag=171828',
      callId: 'cb03a0s09a2sdfglkj490333',
      cseq: 7001,
      contact: '<sip:[5555::eee:fff:aaa:bbb]:9999>',
    });
    recorder.recordRequest(fromCalled);
    const fromCalling = createRequest({
      method: 'INFO',
      requestUri: 'sip:[5555::eee:fff:aaa:bbb]:9999',
      from: '<sip:user1_public1@home1.net>;tag=171828',
      to: '<tel:+1-212-555-2222>;tag=314159',
      callId: 'cb03a0s09a2sdfglkj490333',
      cseq: 128,
    });
    recorder.recordRequest(fromCalling);
    const record = recorder.snapshot();
    expect(record.cseq).toEqual({ callingToCalled: 128, calledToCalling: 7001 });
    expect(record.called.contactUri).toBe('sip:[5555::eee:fff:aaa:bbb]:9999');
  });
});

describe('createReleaseBye', () => {
  const initial = invite();
  const recorder = new DialogRecorder(initial, { isOwnRoute: (rr) => rr.includes('scscf1') });
  recorder.recordResponse(ok200(initial));
  const record = recorder.snapshot();

  it('item 1: BYE to the called user from the stored state', () => {
    const bye = createReleaseBye(record, 'called', {
      reason: 'SIP;cause=503;text="Service Unavailable"',
    });
    expect(bye.requestUri).toBe('sip:[5555::eee:fff:aaa:bbb]:8805');
    expect(bye.headers.get('To')).toBe(record.to);
    expect(bye.headers.get('From')).toBe(record.from);
    expect(bye.headers.get('Call-ID')).toBe(record.callId);
    expect(getCSeq(bye)).toEqual({ seq: 128, method: 'BYE' });
    expect(getRoutes(bye).map((r) => r.uri.raw)).toEqual(['sip:pcscf2.visited2.net;lr']);
    expect(getReasons(bye)[0]?.params.get('cause')).toBe('503');
  });

  it('item 2: BYE to the calling user, To/From swapped, GRUU resolved, random CSeq when none stored', () => {
    const bound = 'sip:user1@[5555::aaa:bbb:ccc:ddd]:1357';
    const bye = createReleaseBye(record, 'calling', {
      reason: 'SIP;cause=503',
      resolveGruu: (uri, instance) =>
        uri.includes(';gr=') && instance !== undefined ? bound : undefined,
    });
    expect(bye.requestUri).toBe(bound);
    expect(bye.headers.get('To')).toBe(record.from);
    expect(bye.headers.get('From')).toBe(record.to);
    const seq = getCSeq(bye).seq;
    expect(seq).toBeGreaterThanOrEqual(1);
    expect(seq).toBeLessThan(2 ** 31);
    expect(getRoutes(bye).map((r) => r.uri.raw)).toEqual(['sip:pcscf1.visited1.net;lr']);
  });
});

describe('dialogRecordOf', () => {
  it('derives the record from a UAC dialog', () => {
    const initial = invite();
    const dialog = createUacDialog(initial, ok200(initial));
    dialog.createRequest('INFO');
    const record = dialogRecordOf(dialog);
    expect(record.from).toBe('<sip:user1_public1@home1.net>;tag=171828');
    expect(record.to).toBe('<tel:+1-212-555-2222>;tag=314159');
    expect(record.cseq).toEqual({ callingToCalled: 128, calledToCalling: undefined });
    expect(record.called.routeTowards).toEqual([PCSCF_CALLING_RR, SCSCF_RR, PCSCF_CALLED_RR]);
    expect(record.calling.gruu).toBe('urn:uuid:0c9f1b6a-2f0a-4d4d-9f1e-1b2c3d4e5f60');
    const bye = createReleaseBye(record, 'called', { reason: 'SIP;cause=200' });
    expect(getCSeq(bye).seq).toBe(129);
  });
});
