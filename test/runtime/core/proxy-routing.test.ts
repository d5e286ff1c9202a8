import { describe, expect, it } from 'vitest';
import {
  ownRouteUri,
  ownUri,
  prepareForward,
  preprocessRoute,
} from '../../../runtime/core/index.js';
import { createRequest, generateCallId } from '../../../runtime/sip/message/index.js';
import type { SipRequest } from '../../../runtime/sip/message/index.js';

const SELF = { address: '127.0.0.1', port: 5070 };

function request(requestUri: string, route: string[], method = 'BYE'): SipRequest {
  return createRequest({
    method,
    requestUri,
    from: '<sip:alice@127.0.0.1>;tag=a',
    to: method === 'BYE' ? '<sip:bob@127.0.0.1>;tag=b' : '<sip:bob@127.0.0.1>',
    callId: generateCallId(),
    cseq: 2,
    maxForwards: 10,
    route,
  });
}

describe('proxy request rewriting (RFC 3261 16.4, 16.6)', () => {
  it('removes its own loose route and forwards to the next Route (16.4, 16.6 step 7)', () => {
    const req = request('sip:bob@127.0.0.1:5090', [
      '<sip:127.0.0.1:5070;lr>',
      '<sip:127.0.0.1:5080;lr>',
    ]);
    preprocessRoute(req, SELF);
    expect(req.headers.getAll('Route')).toEqual(['<sip:127.0.0.1:5080;lr>']);
    const { request: out, target } = prepareForward(req, SELF, req.requestUri, {
      recordRoute: true,
    });
    expect(target).toEqual({ transport: 'udp', address: '127.0.0.1', port: 5080 });
    expect(out.headers.get('Max-Forwards')).toBe('9');
    // In-dialog requests are not record-routed again.
    expect(out.headers.get('Record-Route')).toBeUndefined();
  });

  it('restores the Request-URI from the last Route when a strict router sent it here (16.4)', () => {
    const req = request('sip:127.0.0.1:5070', [
      '<sip:127.0.0.1:5080;lr>',
      '<sip:bob@127.0.0.1:5090>',
    ]);
    preprocessRoute(req, SELF);
    expect(req.requestUri).toBe('sip:bob@127.0.0.1:5090');
    expect(req.headers.getAll('Route')).toEqual(['<sip:127.0.0.1:5080;lr>']);
  });

  it('rewrites for a strict next hop: Request-URI to the end of Route, first Route to the Request-URI (16.6 step 6)', () => {
    const req = request('sip:bob@127.0.0.1:5090', ['<sip:127.0.0.1:5080>']);
    const { request: out, target } = prepareForward(req, SELF, req.requestUri, {
      recordRoute: true,
    });
    expect(out.requestUri).toBe('sip:127.0.0.1:5080');
    expect(out.headers.getAll('Route')).toEqual(['<sip:bob@127.0.0.1:5090>']);
    expect(target.port).toBe(5080);
  });

  it('record-routes a dialog-creating request and pushes the outbound proxy as a loose Route (16.6 steps 4, 7)', () => {
    const req = request('sip:bob@127.0.0.1:5090', [], 'INVITE');
    const { request: out, target } = prepareForward(req, SELF, req.requestUri, {
      recordRoute: true,
      outboundProxy: 'sip:127.0.0.1:5099',
    });
    expect(out.headers.getAll('Record-Route')).toEqual(['<sip:127.0.0.1:5070;lr>']);
    expect(out.headers.getAll('Route')).toEqual(['<sip:127.0.0.1:5099;lr>']);
    expect(target.port).toBe(5099);
    // The original request is left as it was.
    expect(req.headers.get('Record-Route')).toBeUndefined();
  });
});

describe('a proxy reached over TCP (RFC 3261 18, RFC 3263 4.1)', () => {
  it('names TCP in its Record-Route and forwards to a TCP next hop over TCP', () => {
    const req = request('sip:bob@127.0.0.1:5090;transport=tcp', [], 'INVITE');
    const { request: out, target } = prepareForward(req, SELF, req.requestUri, {
      recordRoute: true,
      transport: 'tcp',
    });
    expect(out.headers.get('Record-Route')).toBe('<sip:127.0.0.1:5070;transport=tcp;lr>');
    expect(target).toEqual({ transport: 'tcp', address: '127.0.0.1', port: 5090 });
  });

  it('keeps a UDP Record-Route without a transport parameter', () => {
    expect(ownRouteUri(SELF)).toBe('sip:127.0.0.1:5070;lr');
    expect(ownUri({ address: '::1', port: 5070 }, 'tcp')).toBe('sip:[::1]:5070;transport=tcp');
  });
});
