/**
 * The conformance side of `flowspec diff`: the engine fed with observed
 * messages, finished instance reports kept in a temporary file as they
 * come, and the report's pieces in the requested format. The same whether
 * the engine runs in the command's own thread or in a worker thread beside
 * the capture reader (diff-threads.ts).
 */
import type { AddressSpec } from '../conformance/address-map.js';
import { ConformanceChecker } from '../conformance/engine.js';
import { expandFlow, type ExpectedFlow } from '../conformance/expected.js';
import {
  instanceJsonText,
  reportChunks,
  reportJsonAround,
  type DiffFormat,
} from '../conformance/format.js';
import type { Facts } from '../conformance/facts.js';
import type { ObservedMessage } from '../conformance/observed.js';
import type { FactReport, InstanceReport } from '../conformance/report.js';
import { InstanceSpill, InstanceSpillError } from '../conformance/instance-spill.js';
import type { DiffRequest } from './diff-request.js';
import { UsageError } from './usage-error.js';

/** Options of the diff command. */
export interface DiffOptions {
  readonly map?: string;
  readonly format: DiffFormat;
  readonly out?: string;
  /** Seconds of capture time after which an unfinished instance is given up. */
  readonly idle?: string;
  /** Unfinished instances kept open at most (sessions in flight at one time). */
  readonly inFlight?: string;
  /** List every passing instance (default: the first 1000; failing ones are always listed). */
  readonly allInstances?: boolean;
  /** `--fact name=value` arguments, as given: facts of the case, over the map's `policies:`. */
  readonly fact?: readonly string[];
}

/** What a check needs besides the flow: how the command was asked. */
export interface DiffCheckOptions {
  readonly map?: ReadonlyMap<string, readonly AddressSpec[]>;
  readonly idleSeconds?: number;
  readonly maxInFlight?: number;
  readonly allInstances?: boolean;
  /** The case's facts (the map's `policies:`, `--fact` winning), and how the report lists them. */
  readonly facts: Facts;
  readonly factsReport: Readonly<Record<string, FactReport>>;
  readonly format: DiffFormat;
  readonly capture: string;
  /** Text for a terminal (colours, the ladder's width). */
  readonly tty: boolean;
}

/**
 * The expected flow of a request checked by `prepareRequest` (diff-request.ts): the flow
 * expanded, its refs resolved among the flows the request carries.
 */
export function expandRequest(request: DiffRequest): ExpectedFlow {
  return expandFlow(request.flow, (id) => request.flows.get(id));
}

/** The verdict and the report's pieces, produced as they are iterated. */
export interface DiffOutcome {
  readonly verdict: 'pass' | 'fail';
  readonly chunks: Iterable<string | Uint8Array>;
}

/** One check of a capture against a flow: messages in, report out. */
export class DiffCheck {
  private readonly spill: InstanceSpill;
  private readonly checker: ConformanceChecker;

  constructor(
    expected: ExpectedFlow,
    private readonly opts: DiffCheckOptions,
  ) {
    // Instance reports go to a temporary file as their instances finish: memory stays bounded
    // whatever the capture's size, and the report is written from it piece by piece.
    try {
      this.spill = new InstanceSpill();
    } catch (e) {
      if (e instanceof InstanceSpillError)
        throw new UsageError(`${e.message}; set TMPDIR to a writable directory`);
      throw e;
    }
    const spill = this.spill;
    this.checker = new ConformanceChecker(expected, {
      ...(opts.idleSeconds !== undefined ? { idleSeconds: opts.idleSeconds } : {}),
      ...(opts.maxInFlight !== undefined ? { maxInFlight: opts.maxInFlight } : {}),
      ...(opts.map ? { map: opts.map } : {}),
      // Failing instances are always listed; passing ones up to 1000 unless --all-instances.
      ...(opts.allInstances ? {} : { maxPassingListed: 1000 }),
      facts: opts.facts,
      capture: opts.capture,
      // JSON reports are stored as they will be written; the other formats number their
      // instances, so those are stored as data and formatted once their order is known.
      onInstance: (r) =>
        spill.add(r.firstFrame, opts.format === 'json' ? instanceJsonText(r) : JSON.stringify(r)),
    });
  }

  /** Feeds one observed message (in wire order). */
  push(o: ObservedMessage): void {
    try {
      this.checker.push(o);
    } catch (e) {
      throw spillUsage(e);
    }
  }

  /** Finishes every instance; the report's pieces read the stored instance reports back. */
  finish(): DiffOutcome {
    try {
      const report = { ...this.checker.finish(), facts: this.opts.factsReport };
      const chunks =
        this.opts.format === 'json'
          ? reportJsonAround(report, this.spill.ordered())
          : reportChunks(
              this.opts.format,
              report,
              parsedReports(this.spill.ordered()),
              this.opts.tty,
            );
      return { verdict: report.verdict, chunks: guarded(chunks) };
    } catch (e) {
      throw spillUsage(e);
    }
  }

  /** Removes the temporary file. */
  dispose(): void {
    this.spill.dispose();
  }
}

/** The temporary file could not be written or read back (disk full, removed meanwhile): exit 2. */
function spillUsage(e: unknown): unknown {
  return e instanceof InstanceSpillError ? new UsageError(e.message) : e;
}

/** The pieces, with a failure to read the stored reports back turned into a usage error. */
function* guarded(chunks: Iterable<string | Uint8Array>): Generator<string | Uint8Array> {
  try {
    yield* chunks;
  } catch (e) {
    throw spillUsage(e);
  }
}

const utf8 = new TextDecoder();

/** Instance reports stored as JSON, parsed back one at a time. */
function* parsedReports(stored: Iterable<Uint8Array>): Generator<InstanceReport> {
  for (const bytes of stored) yield JSON.parse(utf8.decode(bytes)) as InstanceReport;
}
