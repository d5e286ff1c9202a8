import type { SipMessage, SipRequest } from '../message/index.js';
import type { Clock, TimerHandle, TransactionTimerValues } from '../timers/index.js';
import { TransportError } from '../transport/index.js';
import type { MessageTransport, TransportTarget } from '../transport/index.js';
import { TransactionStateError } from './transaction-errors.js';
import type { TransactionKind } from './transaction-state.js';
import { TransactionState } from './transaction-state.js';

/** The letter timers of RFC 3261 17 and RFC 6026, plus the 200 ms 100-Trying timer of 17.2.1. */
export type TransactionTimerName =
  'A' | 'B' | 'D' | 'E' | 'F' | 'G' | 'H' | 'I' | 'J' | 'K' | 'L' | 'M' | 'Trying';

/** What every transaction needs from its environment. */
export interface TransactionContext {
  readonly transport: MessageTransport;
  readonly clock: Clock;
  /** Timers for the transaction's transport (zero wait timers on TCP). */
  readonly timers: TransactionTimerValues;
}

/** Listener for state changes, used by the layer (removal on Terminated), tests and traces. */
export type TransactionStateListener = (
  state: TransactionState,
  previous: TransactionState,
) => void;

/**
 * Common machinery of the four RFC 3261 17 state machines: state with
 * change notification, named timers on the injected clock, and sending
 * through the transport with failures routed to the state machine.
 */
export abstract class Transaction {
  /** Which state machine this is. */
  abstract readonly kind: TransactionKind;
  private current: TransactionState;
  private readonly listeners = new Set<TransactionStateListener>();
  private readonly running = new Map<TransactionTimerName, TimerHandle>();
  /** True when the transport is reliable: no retransmissions (RFC 3261 17.1.1.2, 17.1.2.2). */
  readonly reliable: boolean;

  protected constructor(
    /** The matching key (RFC 3261 17.1.3 / 17.2.3). */
    readonly id: string,
    /** The request that created the transaction. */
    readonly request: SipRequest,
    /** Client: where the request goes. Server: where it came from, where responses go. */
    readonly target: TransportTarget,
    protected readonly context: TransactionContext,
    initial: TransactionState,
  ) {
    this.current = initial;
    this.reliable = context.transport.isReliable(target.transport);
  }

  /** The current state. */
  get state(): TransactionState {
    return this.current;
  }

  /** Registers a state listener; returns a function that removes it. */
  onStateChange(listener: TransactionStateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Names of the timers currently running, for tests and diagnostics. */
  activeTimers(): TransactionTimerName[] {
    return [...this.running.keys()].sort();
  }

  /** Stops all timers and terminates without notifying the TU (used on shutdown). */
  dispose(): void {
    this.transition(TransactionState.Terminated);
  }

  protected transition(next: TransactionState): void {
    const previous = this.current;
    if (previous === next) return;
    this.current = next;
    if (next === TransactionState.Terminated) {
      for (const handle of this.running.values()) handle.cancel();
      this.running.clear();
    }
    for (const listener of [...this.listeners]) listener(next, previous);
  }

  protected startTimer(name: TransactionTimerName, delayMs: number, onFire: () => void): void {
    this.stopTimer(name);
    const handle = this.context.clock.setTimer(delayMs, () => {
      this.running.delete(name);
      onFire();
    });
    this.running.set(name, handle);
  }

  protected stopTimer(name: TransactionTimerName): void {
    this.running.get(name)?.cancel();
    this.running.delete(name);
  }

  /** Sends through the transport; an asynchronous failure is fed to {@link onTransportError}. */
  protected transmit(message: SipMessage): void {
    this.context.transport.send(message, this.target).catch((error: unknown) => {
      if (this.current === TransactionState.Terminated) return;
      // RFC 3261 17.1.4 / 17.2.4: any failure to hand the message over is a transport error.
      this.onTransportError(
        error instanceof TransportError
          ? error
          : new TransportError(
              `sending failed: ${String(error)}`,
              this.target.transport,
              this.target,
              {
                cause: error,
              },
            ),
      );
    });
  }

  protected stateError(action: string): TransactionStateError {
    return new TransactionStateError(
      `${this.kind} ${this.id}: cannot ${action} in state ${this.current}`,
      this.id,
      this.current,
    );
  }

  /** RFC 3261 17.1.4 / 17.2.4: the state machine's reaction to a transport failure. */
  protected abstract onTransportError(error: TransportError): void;
}
