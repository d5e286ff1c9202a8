/**
 * `diffCapture` of the editor's backend: the capture's SIP and MBCP messages
 * streamed into the conformance engine (as `flowspec diff` feeds it), and
 * its report turned into the API's wire shape. Uses only the public exports
 * of generator/conformance and generator/capture.
 */
import type { CaptureDiff, CaptureInstanceDiff } from '../../api/index.js';
import { CaptureError, ingestCapture, type CaptureInput } from '../capture/index.js';
import {
  AddressMapError,
  ConformanceChecker,
  expandFlow,
  parseMapFile,
  type ConformanceReport,
  observedFromIngest,
} from '../conformance/index.js';
import type { Flow } from '../model/flow-model.js';

/** A capture or map the diff cannot use; the message says why and where. */
export class CaptureDiffError extends Error {
  constructor(
    readonly capture: string,
    readonly reason: string,
  ) {
    super(`${capture}: ${reason}`);
    this.name = 'CaptureDiffError';
  }
}

/** A capture path of the project that names no file. */
export class CaptureNotFoundError extends Error {
  constructor(readonly path: string) {
    super(`${path}: no such capture file`);
    this.name = 'CaptureNotFoundError';
  }
}

/** Reader problems listed in the answer (the rest are counted in the report only). */
const MAX_WARNINGS = 20;

/** What to diff: the flow (valid), how refs resolve, the capture and an optional map. */
export interface CaptureDiffInput {
  readonly flow: Flow;
  readonly resolve: (id: string) => Flow | undefined;
  readonly capture: CaptureInput;
  /** Name shown in the report: the project path or the uploaded file's name. */
  readonly name: string;
  /** Text of a `--map` file. */
  readonly map?: string;
}

function toWire(report: ConformanceReport, name: string): Omit<CaptureDiff, 'warnings'> {
  const instances: CaptureInstanceDiff[] = report.instances.map((i) => ({
    verdict: i.verdict,
    firstFrame: i.firstFrame,
    steps: i.steps.map((s) => ({
      id: s.id,
      status: s.status,
      summary: s.summary,
      frame: s.frame,
      time: s.time,
      diffs: s.diffs.map((d) => ({ field: d.field, expected: d.expected, actual: d.actual })),
      violates: s.violates,
    })),
    unexpected: i.unexpected.map((u) => ({ frame: u.frame, summary: u.summary })),
  }));
  const mapping: Record<string, { addresses: readonly string[]; source: string }> = {};
  for (const [id, m] of Object.entries(report.mapping))
    mapping[id] = { addresses: m.addresses, source: m.source };
  return {
    flowId: report.flow,
    capture: name,
    verdict: report.verdict,
    instances,
    unrelated: report.unrelated,
    mapping,
    messages: 0,
  };
}

/** Checks a capture against a flow; throws {@link CaptureDiffError} on unusable input. */
export async function diffCaptureAgainstFlow(input: CaptureDiffInput): Promise<CaptureDiff> {
  let map;
  try {
    map = input.map === undefined ? undefined : parseMapFile(input.map, 'map', input.flow);
  } catch (e) {
    if (e instanceof AddressMapError) throw new CaptureDiffError('map', e.message);
    throw e;
  }
  // A topology used as the map also gives the case's facts (its `policies:`), as for the CLI.
  const checker = new ConformanceChecker(expandFlow(input.flow, input.resolve), {
    ...(map ? { map: map.addresses } : {}),
    ...(map && map.facts.size > 0 ? { facts: map.facts } : {}),
    capture: input.name,
  });
  const ingest = ingestCapture(input.capture);
  let messages = 0;
  try {
    for await (const e of ingest) {
      const o = observedFromIngest(e);
      if (!o) continue;
      checker.push(o);
      messages++;
    }
  } catch (e) {
    // A capture that is not one (or not readable) is the caller's input, not a server fault.
    if (e instanceof CaptureError) throw new CaptureDiffError(input.name, e.message);
    throw e;
  }
  if (ingest.counts.captureErrors > 0 && ingest.stats.packets === 0) {
    const f = ingest.findings.find((x) => x.kind === 'capture-error');
    throw new CaptureDiffError(input.name, f?.reason ?? 'not a pcap or pcapng capture');
  }
  const warnings = ingest.findings
    .slice(0, MAX_WARNINGS)
    .map((f) => `frame ${f.frame ?? '?'}: ${f.kind}: ${f.reason}`);
  return { ...toWire(checker.finish(), input.name), messages, warnings };
}
