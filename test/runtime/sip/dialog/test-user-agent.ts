/**
 * A minimal user agent for the dialog tests, built only from the runtime's
 * transaction layer and dialog module on a real loopback transport
 * (optionally made lossy). It accepts INVITE (retransmitting the 200 until
 * the ACK, RFC 3261 13.3.1.4) and REFER, answers in-dialog requests as
 * RFC 3261 12.2.2 says (481, 500, else 200 or 202), and records what it saw.
 * The full user agent core for roles lives above these layers (runtime/core).
 */
import {
  createResponse,
  generateTag,
  getCallId,
  getFrom,
  getTag,
  getTo,
} from '../../../../runtime/sip/message/index.js';
import type { SipRequest, SipResponse } from '../../../../runtime/sip/message/index.js';
import {
  createSubscriberDialogFromNotify,
  createUacDialog,
  createUasDialog,
  DialogCSeqError,
  DialogError,
  DialogStore,
  nextHopUri,
  receiveNotify,
} from '../../../../runtime/sip/dialog/index.js';
import type { Dialog } from '../../../../runtime/sip/dialog/index.js';
import { systemClock } from '../../../../runtime/sip/timers/index.js';
import {
  InviteServerTransaction,
  SuccessRetransmitter,
  TransactionLayer,
} from '../../../../runtime/sip/transaction/index.js';
import type { ServerTransaction } from '../../../../runtime/sip/transaction/index.js';
import { targetOfUri } from '../../../../runtime/sip/transport/index.js';
import type { TransportTarget } from '../../../../runtime/sip/transport/index.js';
import { LossyTransport } from '../transaction/lossy-transport.js';
import type { DropRule } from '../transaction/lossy-transport.js';
import { must, newRequest, SipTestPeer, waitUntil } from '../transaction/sip-test-peer.js';

export class TestUserAgent {
  readonly dialogs = new DialogStore();
  readonly layer: TransactionLayer;
  readonly requests: SipRequest[] = [];
  readonly acks: SipRequest[] = [];
  /** When set, the 202 to a REFER is held back until this resolves. */
  hold202: Promise<void> | undefined;
  /** Called when a REFER was accepted and its dialog created, before the 202 goes out. */
  onRefer: ((dialog: Dialog, refer: SipRequest) => void) | undefined;
  private readonly pending2xx = new Map<string, SuccessRetransmitter>();
  /** REFERs sent and not yet answered, by Call-ID and From tag (a NOTIFY may come first, RFC 6665 4.1.2.4). */
  private readonly pendingRefers = new Map<string, SipRequest>();

  private constructor(
    readonly peer: SipTestPeer,
    drop?: DropRule,
  ) {
    this.layer = new TransactionLayer({
      transport: drop ? new LossyTransport(peer.transport, drop) : peer.transport,
      timers: { t1: 50, t2: 200, t4: 250 },
      delegate: {
        onRequest: (request, tx) => void this.receive(request, tx),
        onAck: (ack) => this.receiveAck(ack),
      },
    });
  }

  /** Starts a UA on 127.0.0.1; `drop` makes its outgoing path lossy. */
  static async start(drop?: DropRule): Promise<TestUserAgent> {
    return new TestUserAgent(await SipTestPeer.start(), drop);
  }

  get contact(): string {
    const t = this.peer.target();
    return `<sip:ua@${t.address}:${t.port}>`;
  }

  target(): TransportTarget {
    return this.peer.target();
  }

  /** What is still alive: dialogs, and 2xx responses waiting for their ACK. */
  counts(): { dialogs: number; awaitingAck: number } {
    return { dialogs: this.dialogs.counts().total, awaitingAck: this.pending2xx.size };
  }

  /** Sends a request and resolves with its final response. */
  send(request: SipRequest, target: TransportTarget): Promise<SipResponse> {
    return new Promise((resolve, reject) => {
      this.layer.sendRequest(request, target, {
        onResponse: (r) => {
          if (r.status >= 200) resolve(r);
        },
        onTimeout: reject,
        onTransportError: reject,
      });
    });
  }

  /** Sends a request built by `dialog` to its next hop (RFC 3261 8.1.2); a BYE ends the invite usage (15.1.1). */
  async sendInDialog(dialog: Dialog, request: SipRequest): Promise<SipResponse> {
    const response = await this.send(request, targetOfUri(nextHopUri(request)));
    dialog.receiveResponse(response);
    if (request.method === 'BYE') dialog.endInviteUsage();
    return response;
  }

  /** INVITE, 200, ACK (RFC 3261 13.2.2.4): resolves with the confirmed UAC dialog. */
  async call(peer: TestUserAgent): Promise<{ dialog: Dialog; invite: SipRequest }> {
    const invite = newRequest('INVITE', peer.target(), this.target());
    const response = await this.send(invite, peer.target());
    const dialog = this.dialogs.add(createUacDialog(invite, response));
    const ack = dialog.createAck(invite);
    await this.layer.sendAck(ack, targetOfUri(nextHopUri(ack)));
    return { dialog, invite };
  }

  /** REFER outside any dialog: resolves with the subscriber dialog (from the 202, or from an earlier NOTIFY). */
  async refer(peer: TestUserAgent, referTo: string): Promise<Dialog> {
    const refer = newRequest('REFER', peer.target(), this.target());
    refer.headers.append('Refer-To', referTo);
    const key = `${getCallId(refer)}|${must(getTag(getFrom(refer)))}`;
    this.pendingRefers.set(key, refer);
    try {
      const response = await this.send(refer, peer.target());
      return (
        this.dialogs.findForResponse(response) ?? this.dialogs.add(createUacDialog(refer, response))
      );
    } finally {
      this.pendingRefers.delete(key);
    }
  }

  async waitForRequests(method: string, count: number): Promise<SipRequest[]> {
    const matching = (): SipRequest[] => this.requests.filter((r) => r.method === method);
    await waitUntil(() => matching().length >= count, 3000, `${count} ${method}`);
    return matching();
  }

  async close(): Promise<void> {
    for (const retransmitter of this.pending2xx.values()) retransmitter.acknowledge();
    this.layer.dispose();
    await this.peer.close();
  }

  private async receive(request: SipRequest, tx: ServerTransaction): Promise<void> {
    this.requests.push(request);
    const localTag = getTag(getTo(request));
    if (localTag !== undefined) {
      const early =
        request.method === 'NOTIFY'
          ? this.pendingRefers.get(`${getCallId(request)}|${localTag}`)
          : undefined;
      const dialog =
        this.dialogs.findForRequest(request) ??
        (early ? this.dialogs.add(createSubscriberDialogFromNotify(early, request)) : undefined);
      this.receiveInDialog(request, tx, dialog);
      return;
    }
    const response = createResponse(request, request.method === 'REFER' ? 202 : 200, undefined, {
      toTag: generateTag(),
      contact: this.contact,
    });
    if (request.method === 'REFER') {
      const dialog = this.dialogs.add(createUasDialog(request, response));
      this.onRefer?.(dialog, request);
      if (this.hold202) await this.hold202;
    }
    if (request.method === 'INVITE' && tx instanceof InviteServerTransaction) {
      const dialog = this.dialogs.add(createUasDialog(request, response));
      const retransmitter = new SuccessRetransmitter(
        tx,
        response,
        systemClock,
        this.layer.timerBase,
        () => this.pending2xx.delete(dialog.key),
      );
      this.pending2xx.set(dialog.key, retransmitter);
      retransmitter.start();
      return;
    }
    tx.respond(response);
  }

  private receiveInDialog(
    request: SipRequest,
    tx: ServerTransaction,
    dialog: Dialog | undefined,
  ): void {
    if (!dialog) {
      // RFC 3261 12.2.2: no such dialog: 481.
      tx.respond(createResponse(request, 481));
      return;
    }
    try {
      if (request.method === 'NOTIFY') receiveNotify(dialog, request);
      else dialog.receiveRequest(request);
    } catch (error) {
      if (error instanceof DialogCSeqError) tx.respond(createResponse(request, error.status));
      else if (error instanceof DialogError) tx.respond(createResponse(request, 481));
      else throw error;
      return;
    }
    tx.respond(
      createResponse(request, request.method === 'REFER' ? 202 : 200, undefined, {
        contact: this.contact,
      }),
    );
    if (request.method === 'BYE') dialog.endInviteUsage();
  }

  private receiveAck(ack: SipRequest): void {
    this.acks.push(ack);
    const dialog = this.dialogs.findForRequest(ack);
    if (!dialog) return;
    dialog.receiveRequest(ack);
    this.pending2xx.get(dialog.key)?.acknowledge();
  }
}
