/**
 * Turns a schema-valid flow document into the normalised model, attaching
 * to every node its place in the text. Problems that the schema cannot see
 * but that stop a node from being understood (an unparsable template, a
 * message step with two types) become findings here.
 */
import { isScalar, Scalar, type Document, type LineCounter } from 'yaml';
import type { Finding } from '../findings/finding.js';
import type {
  Flow,
  GuardedOperand,
  HeaderSpec,
  MessageType,
  Participant,
  Precondition,
  Problem,
  SourceLocation,
  SourceRef,
  Step,
  Value,
  ValueConstraint,
  Variable,
} from '../model/flow-model.js';
import type { FlowDocument, StepDocument, ValueDocument } from '../model/flow-schema.js';
import { parseDerivation } from '../model/derivation.js';
import { ExpressionError } from '../model/expression-lexer.js';
import { isTemplate, templateVariables } from '../model/template.js';
import type { MbcpMessageName } from '../model/vocabulary.js';
import { locate, nodeAt, type YamlPath } from './yaml-location.js';

/** Context of one normalisation. */
class Normalizer {
  readonly findings: Finding[] = [];

  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
    private readonly file: string,
  ) {}

  loc(path: YamlPath, key = false): SourceLocation {
    return locate(this.doc, this.lines, this.file, path, key);
  }

  report(rule: string, message: string, path: YamlPath, step?: string, offset = 0): void {
    const l = this.loc(path);
    this.findings.push({
      rule,
      severity: 'error',
      message,
      file: this.file,
      line: l.line,
      column: l.column + this.scalarOffset(path, offset, l.line === l.endLine),
      ...(step !== undefined ? { step } : {}),
    });
  }

  /**
   * Columns from the start of a one-line scalar to `offset` in its value: a
   * quoted scalar starts with its quote; a block scalar's value starts on a
   * later line, so the finding stays on the node.
   */
  private scalarOffset(path: YamlPath, offset: number, oneLine: boolean): number {
    const node = nodeAt(this.doc, path);
    if (offset === 0 || !oneLine || !isScalar(node)) return 0;
    if (node.type === Scalar.PLAIN) return offset;
    if (node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE) return offset + 1;
    return 0;
  }

  flow(d: FlowDocument): Flow {
    const participants = new Map<string, Participant>();
    for (const [id, p] of Object.entries(d.participants)) {
      participants.set(id, {
        id,
        role: p.role,
        label: p.label,
        multiple: p.multiple ?? false,
        loc: this.loc(['participants', id], true),
        ...opt('network', p.network),
        ...opt('mode', p.mode),
        ...opt('description', p.description),
      });
    }
    const variables = new Map<string, Variable>();
    for (const [name, v] of Object.entries(d.variables ?? {})) {
      variables.set(name, {
        name,
        type: v.type,
        loc: this.loc(['variables', name], true),
        ...opt('values', v.values),
        ...opt('from', v.from),
        ...opt('of', v.of),
        ...opt('example', v.example),
        ...opt('description', v.description),
      });
    }
    const given: Precondition[] = (d.given ?? []).map((g, i) => ({
      state: g.state,
      establishedBy: g.establishedBy,
      bind: g.bind ?? {},
      loc: this.loc(['given', i]),
      ...opt('text', g.text),
    }));
    const steps = this.steps(d.steps, ['steps']);
    // Preconditions: every state step that names the flow establishing it, at any depth.
    const states: Step[] = [];
    const collect = (list: readonly Step[]): void => {
      for (const x of list) {
        states.push(x);
        for (const c of childSteps(x)) collect(c);
      }
    };
    collect(steps);
    for (const s of states) {
      if (s.kind === 'state' && s.establishedBy) {
        given.push({
          state: s.state,
          establishedBy: s.establishedBy,
          bind: s.bind,
          step: s.id,
          loc: s.loc,
          ...opt('text', s.text),
        });
      }
    }
    const problems: Problem[] = (d.problems ?? []).map((p, i) => ({
      problem: p.problem,
      choice: p.choice,
      reason: p.reason,
      loc: this.loc(['problems', i]),
      ...opt('step', p.step === undefined ? undefined : String(p.step)),
    }));
    return {
      id: d.id,
      title: d.title,
      origin: d.origin ?? 'seed',
      file: this.file,
      participants,
      variables,
      given,
      steps: resolveRelays(steps),
      problems,
      loc: this.loc([]),
      ...opt('description', d.description),
      ...opt('source', d.source as SourceRef | undefined),
    };
  }

  steps(list: readonly StepDocument[], path: YamlPath): Step[] {
    return list.map((s, i) => this.step(s, [...path, i]));
  }

  step(s: StepDocument, path: YamlPath): Step {
    const raw = s as Record<string, unknown>;
    const hasId = raw['id'] !== undefined;
    const kind = stepKind(raw);
    const id = hasId ? String(raw['id']) : `${kind}@${path.join('.')}`;
    const base = {
      id,
      hasId,
      after: toList(raw['after']).map(String),
      loc: this.loc(path),
      ...opt('title', raw['title'] as string | undefined),
      ...opt('text', raw['text'] as string | undefined),
      ...opt('source', raw['source'] as SourceRef | undefined),
      ...opt('note', raw['note'] as string | undefined),
      ...opt('specStep', raw['specStep'] as string | undefined),
    };
    if ('message' in s) {
      const head = s.message;
      const headers: HeaderSpec[] = Object.entries(s.headers ?? {}).map(([name, v]) => {
        const hp = [...path, 'headers', name];
        const values = Array.isArray(v)
          ? v.map((x, j) => this.value(x, [...hp, j], id))
          : [this.value(v, hp, id)];
        return { name, values, loc: this.loc(hp, true) };
      });
      return {
        ...base,
        kind: 'message',
        message: this.messageType(head, [...path, 'message'], id),
        to: head.to ?? '',
        headers,
        headLoc: this.loc([...path, 'message']),
        ...opt('from', head.from),
        ...opt(
          'requestUri',
          s.requestUri === undefined
            ? undefined
            : this.value(s.requestUri, [...path, 'requestUri'], id),
        ),
        ...opt(
          'body',
          s.body === undefined ? undefined : this.value(s.body, [...path, 'body'], id),
        ),
        ...opt('answers', s.answers === undefined ? undefined : String(s.answers)),
        ...opt('relays', s.relays === undefined ? undefined : String(s.relays)),
        ...opt('dialog', s.dialog),
        ...opt('transport', s.transport),
      };
    }
    if ('action' in s) {
      return {
        ...base,
        kind: 'action',
        action: s.action,
        at: s.at,
        ...opt('yields', s.yields),
        ...opt('when', s.when),
      };
    }
    if ('state' in s) {
      return {
        ...base,
        kind: 'state',
        state: s.state,
        at: toList(s.at).map(String),
        bind: s.bind ?? {},
        ...opt('establishedBy', s.establishedBy),
      };
    }
    if ('alt' in s) {
      return {
        ...base,
        kind: 'alt',
        decidedBy: s.decidedBy,
        operands: s.alt.map((o, i) => this.operand(o, [...path, 'alt', i])),
        ...opt('label', s.label),
      };
    }
    if ('opt' in s) {
      return {
        ...base,
        kind: 'opt',
        decidedBy: s.decidedBy,
        operand: this.operand(s.opt, [...path, 'opt']),
      };
    }
    if ('par' in s) {
      return {
        ...base,
        kind: 'par',
        operands: s.par.map((o, i) => this.steps(o as StepDocument[], [...path, 'par', i])),
        ...opt('label', s.label),
      };
    }
    if ('loop' in s) {
      return {
        ...base,
        kind: 'loop',
        over: s.loop.over,
        steps: this.steps(s.loop.steps as StepDocument[], [...path, 'loop', 'steps']),
        ...opt('as', s.loop.as),
        ...opt('label', s.label),
      };
    }
    return { ...base, kind: 'ref', flow: s.ref.flow, bind: s.ref.bind ?? {} };
  }

  operand(
    o: { guard: string; label?: string; text?: string; steps: unknown[] },
    path: YamlPath,
  ): GuardedOperand {
    return {
      guard: o.guard,
      steps: this.steps(o.steps as StepDocument[], [...path, 'steps']),
      loc: this.loc(path),
      ...opt('label', o.label),
      ...opt('text', o.text),
    };
  }

  messageType(
    head: { sip?: string | number; mbcp?: string; indication?: string },
    path: YamlPath,
    step: string,
  ): MessageType | undefined {
    const given = (['sip', 'mbcp', 'indication'] as const).filter((k) => head[k] !== undefined);
    if (given.length > 1) {
      this.report(
        'message-type-ambiguous',
        `a message is one of sip, mbcp or indication; this one has ${given.join(' and ')}`,
        path,
        step,
      );
    }
    if (head.sip !== undefined) {
      const text = String(head.sip).trim();
      const m = /^([1-6][0-9][0-9])(?: (.*))?$/.exec(text);
      if (m) {
        return { protocol: 'sip', type: 'response', status: Number(m[1]), ...opt('reason', m[2]) };
      }
      return { protocol: 'sip', type: 'request', method: text };
    }
    if (head.mbcp !== undefined) return { protocol: 'mbcp', name: head.mbcp as MbcpMessageName };
    if (head.indication !== undefined) return { protocol: 'indication', name: head.indication };
    return undefined;
  }

  value(v: ValueDocument, path: YamlPath, step: string): Value {
    const loc = this.loc(path);
    if (typeof v === 'number') return { constraint: { kind: 'literal', text: String(v) }, loc };
    if (typeof v === 'string') return { constraint: this.textConstraint(v, path, step), loc };
    const keys = (['equals', 'template', 'pattern', 'contains', 'is', 'present'] as const).filter(
      (k) => v[k] !== undefined,
    );
    if (keys.length > 1) {
      this.report(
        'value-ambiguous',
        `a value has one constraint; this one has ${keys.join(' and ')}`,
        path,
        step,
      );
    }
    let constraint: ValueConstraint = { kind: 'example' };
    if (v.equals !== undefined) constraint = { kind: 'literal', text: v.equals };
    else if (v.template !== undefined)
      constraint = this.textConstraint(v.template, [...path, 'template'], step);
    else if (v.pattern !== undefined) {
      try {
        new RegExp(v.pattern);
        constraint = { kind: 'pattern', regex: v.pattern };
      } catch (e) {
        this.report(
          'pattern-invalid',
          `not a regular expression: ${(e as Error).message}`,
          [...path, 'pattern'],
          step,
        );
      }
    } else if (v.contains !== undefined) constraint = { kind: 'contains', text: v.contains };
    else if (v.is !== undefined) {
      try {
        constraint = { kind: 'derived', expression: v.is, derivation: parseDerivation(v.is) };
      } catch (e) {
        if (!(e instanceof ExpressionError)) throw e;
        this.report(
          'derivation-invalid',
          `derivation "${v.is}": ${e.message}`,
          [...path, 'is'],
          step,
          e.offset,
        );
      }
    } else if (v.present !== undefined) constraint = { kind: v.present ? 'present' : 'absent' };
    return {
      constraint,
      loc,
      ...opt('example', v.example),
      ...opt('bind', v.bind),
      ...opt('when', v.when),
      ...opt('note', v.note),
    };
  }

  textConstraint(text: string, path: YamlPath, step: string): ValueConstraint {
    if (!isTemplate(text)) return { kind: 'literal', text };
    try {
      return { kind: 'template', text, variables: templateVariables(text) };
    } catch (e) {
      if (!(e instanceof ExpressionError)) throw e;
      this.report('template-invalid', `template "${text}": ${e.message}`, path, step, e.offset);
      return { kind: 'literal', text };
    }
  }
}

function stepKind(raw: Record<string, unknown>): string {
  for (const k of ['message', 'action', 'state', 'alt', 'opt', 'par', 'loop', 'ref'])
    if (k in raw) return k;
  return 'step';
}

function toList<T>(v: T | readonly T[] | undefined): T[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? [...(v as T[])] : [v as T];
}

/** `{ key: value }` when value is defined, `{}` otherwise (exact optional properties). */
function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]?: V });
}

/** A relay without its own message type takes the type of what it relays (through chains). */
function resolveRelays(steps: Step[]): Step[] {
  const byId = new Map<string, Step>();
  const collect = (list: readonly Step[]): void => {
    for (const s of list) {
      if (s.hasId && !byId.has(s.id)) byId.set(s.id, s);
      for (const child of childSteps(s)) collect(child);
    }
  };
  collect(steps);
  const resolve = (s: Step, seen: Set<string>): MessageType | undefined => {
    if (s.kind !== 'message') return undefined;
    if (s.message || !s.relays || seen.has(s.id)) return s.message;
    seen.add(s.id);
    const target = byId.get(s.relays);
    return target ? resolve(target, seen) : undefined;
  };
  const map = (list: readonly Step[]): Step[] =>
    list.map((s) => {
      switch (s.kind) {
        case 'message': {
          if (s.message || !s.relays) return s;
          const message = resolve(s, new Set());
          return message ? { ...s, message } : s;
        }
        case 'alt':
          return { ...s, operands: s.operands.map((o) => ({ ...o, steps: map(o.steps) })) };
        case 'opt':
          return { ...s, operand: { ...s.operand, steps: map(s.operand.steps) } };
        case 'par':
          return { ...s, operands: s.operands.map(map) };
        case 'loop':
          return { ...s, steps: map(s.steps) };
        default:
          return s;
      }
    });
  return map(steps);
}

/** The step lists directly inside a step (operands of fragments). */
export function childSteps(s: Step): (readonly Step[])[] {
  switch (s.kind) {
    case 'alt':
      return s.operands.map((o) => o.steps);
    case 'opt':
      return [s.operand.steps];
    case 'par':
      return [...s.operands];
    case 'loop':
      return [s.steps];
    default:
      return [];
  }
}

/** Normalises a schema-valid document. */
export function normalizeFlow(
  data: FlowDocument,
  doc: Document,
  lines: LineCounter,
  file: string,
): { flow: Flow; findings: Finding[] } {
  const n = new Normalizer(doc, lines, file);
  const flow = n.flow(data);
  return { flow, findings: n.findings };
}
