/**
 * Linting flows: every per-flow rule, plus the rules that compare a flow with
 * the other flows of its document (identities, figure titles) and of the
 * whole set (role behaviour).
 */
import { compareFindings } from '../findings/finding.js';
import type { Flow } from '../model/flow-model.js';
import { loadFlowSet } from '../project/flow-set.js';
import { LintContext, type LintFinding } from './lint-context.js';
import { behavioursOf, checkBehaviourConflicts, type Behaviour } from './rules-cross-flow.js';
import {
  checkRequestHeaders,
  requestShapesOf,
  type RequestShape,
} from './rules-request-headers.js';
import {
  checkConditionalValues,
  checkDerivedParty,
  checkEmptyItems,
  checkResponseParty,
} from './rules-procedure.js';
import {
  checkFigureRefs,
  checkLabelSpelling,
  checkRanges,
  checkResidueAndStatus,
  checkSentences,
  type FigureTitles,
} from './rules-text.js';
import {
  checkGruus,
  checkIdentities,
  checkUris,
  gruuSightings,
  identitySightings,
  type GruuSighting,
  type IdentitySighting,
} from './rules-values.js';

/** What a flow is compared with: the other flows of the set. */
export interface LintPeers {
  /** Figure titles by figure number, per source document ("" for flows without one). */
  readonly figureTitles: (document: string | undefined) => FigureTitles;
  /** Identity sightings of the other flows of a document. */
  readonly identities: (document: string | undefined) => readonly IdentitySighting[];
  /** GRUU instances seen in the flows of a document. */
  readonly gruus: (document: string | undefined) => readonly GruuSighting[];
  readonly behaviours: readonly Behaviour[];
  /** The requests every flow starts, with their headers. */
  readonly requests: readonly RequestShape[];
}

/** Builds the comparison data of a set of flows. */
export function lintPeers(flows: readonly Flow[]): LintPeers {
  const byDoc = new Map<string, Flow[]>();
  for (const f of flows) {
    const d = f.source?.document ?? '';
    byDoc.set(d, [...(byDoc.get(d) ?? []), f]);
  }
  const titles = new Map<string, Map<string, string>>();
  const sightings = new Map<string, IdentitySighting[]>();
  const gruus = new Map<string, GruuSighting[]>();
  for (const [doc, fs] of byDoc) {
    const t = new Map<string, string>();
    for (const f of fs)
      if (f.source?.figure !== undefined) t.set(f.source.figure, f.source.title ?? f.title);
    titles.set(doc, t);
    sightings.set(
      doc,
      fs.flatMap((f) => identitySightings(new LintContext(f))),
    );
    gruus.set(
      doc,
      fs.flatMap((f) => gruuSightings(new LintContext(f))),
    );
  }
  return {
    figureTitles: (d) => titles.get(d ?? '') ?? new Map(),
    identities: (d) => (d === undefined ? [] : (sightings.get(d) ?? [])),
    gruus: (d) => (d === undefined ? [] : (gruus.get(d) ?? [])),
    behaviours: behavioursOf(flows),
    requests: requestShapesOf(flows),
  };
}

/** Runs every lint rule on one flow against its peers. */
export function lintFlow(flow: Flow, peers: LintPeers): LintFinding[] {
  const ctx = new LintContext(flow);
  const doc = flow.source?.document;
  checkSentences(ctx);
  checkLabelSpelling(ctx);
  checkResidueAndStatus(ctx);
  checkUris(ctx);
  checkIdentities(ctx, peers.identities(doc));
  checkGruus(ctx, peers.gruus(doc));
  checkRanges(ctx);
  checkFigureRefs(ctx, peers.figureTitles(doc));
  checkDerivedParty(ctx);
  checkConditionalValues(ctx);
  checkResponseParty(ctx);
  checkEmptyItems(ctx);
  checkBehaviourConflicts(ctx, peers.behaviours);
  checkRequestHeaders(ctx, peers.requests);
  return ctx.findings.sort(compareFindings);
}

/** Loads flow files and folders with their flows/ neighbours and lints the named ones. */
export async function lintPaths(
  paths: readonly string[],
): Promise<{ files: number; findings: LintFinding[] }> {
  const set = await loadFlowSet(paths);
  const peers = lintPeers([...set.index.values()]);
  const findings: LintFinding[] = [...set.findings];
  for (const l of set.requested) {
    findings.push(...l.findings.filter((f) => f.severity === 'error'));
    if (l.flow) findings.push(...lintFlow(l.flow, peers));
  }
  return { files: set.requested.length, findings: findings.sort(compareFindings) };
}
