/**
 * A B2BUA between two phones on loopback UDP: alice calls the B2BUA, which
 * opens the server leg to bob. Every party records its traffic.
 */
import { B2buaCore, ReleaseOrder, UserAgentCore } from '../../../../runtime/core/index.js';
import type { B2buaSession } from '../../../../runtime/core/index.js';
import type { Dialog } from '../../../../runtime/sip/dialog/index.js';
import type { TransportTraceEvent } from '../../../../runtime/sip/transport/index.js';
import { FAST_CLOCK, Phone, waitUntil } from './phone.js';

/** The parties of a B2BUA scenario. */
export interface B2buaScenario {
  readonly alice: Phone;
  readonly bob: Phone;
  readonly b2bua: B2buaCore;
  readonly trace: TransportTraceEvent[];
  close(): Promise<void>;
}

export async function startB2bua(order = ReleaseOrder.AnswerFirst): Promise<B2buaScenario> {
  const alice = await Phone.start('alice');
  const bob = await Phone.start('bob');
  const core = await UserAgentCore.listen({
    address: '127.0.0.1',
    user: 'b2bua',
    clock: FAST_CLOCK,
  });
  const trace: TransportTraceEvent[] = [];
  core.transport?.addTraceHook((event) => trace.push(event));
  const b2bua = new B2buaCore({
    core,
    route: () => ({ requestUri: bob.uri }),
    releaseOrder: order,
  });
  return {
    alice,
    bob,
    b2bua,
    trace,
    close: async () => {
      await Promise.all([alice.close(), bob.close(), core.close()]);
    },
  };
}

/** alice calls bob through the B2BUA; resolves when both legs are confirmed and ACKed. */
export async function establish(
  s: B2buaScenario,
): Promise<{ dialog: Dialog; session: B2buaSession }> {
  const target = s.b2bua.core.target;
  const { response, dialog } = await s.alice.core.invite({
    requestUri: `sip:bob@${target.address}:${target.port}`,
    from: `<${s.alice.uri}>`,
    to: `<sip:bob@${target.address}:${target.port}>`,
    contentType: 'application/sdp',
    body: s.alice.localSdp,
    target,
  }).result;
  if (response.status !== 200 || !dialog)
    throw new Error(`the call failed with ${response.status}`);
  await waitUntil(() => s.bob.received('ACK').length >= 1, 'the ACK on the server leg');
  const session = s.b2bua.sessions.values()[0];
  if (!session) throw new Error('the B2BUA holds no session');
  return { dialog, session };
}

/** Every message of a trace as `in BYE`, `out 200 BYE` ..., in order, retransmissions included. */
export function traceLines(trace: readonly TransportTraceEvent[]): string[] {
  return trace.flatMap((e) => {
    const m = e.message;
    if (!m) return [];
    return [
      m.kind === 'request'
        ? `${e.direction} ${m.method}`
        : `${e.direction} ${m.status} ${m.headers.get('CSeq')?.split(' ')[1] ?? ''}`,
    ];
  });
}

/** The lines of {@link traceLines} whose CSeq method is `method`, retransmissions folded. */
export function ladderOf(trace: readonly TransportTraceEvent[], method: string): string[] {
  const lines = trace
    .filter((e) => e.message?.headers.get('CSeq')?.endsWith(` ${method}`))
    .map((e) => traceLines([e])[0] ?? '');
  return [...new Set(lines)];
}
