/**
 * Reactions as statements: each event of a reaction becomes a call on the
 * runtime (answer the trigger, send a BYE on the other leg or to each
 * participant, check the answer, take an action), wrapped in the guards the
 * role decides and the loops it runs, and preceded by a comment citing its
 * step. What the compiler does not map is returned as unsupported, never
 * emitted as a placeholder.
 */
import type { LocalEvent, LocalGuard, Reaction, SentValue } from '../projection/local-types.js';
import { describeEvent } from '../projection/merge-roles.js';
import { block, comment, line, type Stmt } from './code-block.js';
import { guardCode, guardCondition } from './guard-code.js';
import { roleNames } from './role-catalog.js';

/** How the role's code is built on the runtime. */
export type CoreKind = 'ua' | 'b2bua' | 'proxy' | 's-cscf';

/** A compiled reaction body, or why it could not be compiled. */
export type Compiled =
  | {
      readonly ok: true;
      readonly stmts: readonly Stmt[];
      /**
       * Guards over events the runtime performs by itself (the 487 to a
       * cancelled INVITE, RFC 3261 9.2): it does so exactly when they hold, so
       * a case where one is false cannot be run by the generated roles.
       */
      readonly runtimeGuards: readonly string[];
    }
  | { readonly ok: false; readonly reason: string };

/** `flow step N (file:line): send BYE -> sip-core`. */
export function cite(e: LocalEvent): string {
  return `${e.flow} step ${e.step} (${e.at}): ${describeEvent(e)}`;
}

/** Variables whose value belongs to one element of a loop (a participant's session kind). */
const PER_ITEM = /^session\.kind\b/;

interface Scope {
  readonly outer: readonly string[];
  readonly loop: string | undefined;
  readonly inner: readonly string[];
}

function scopeOf(e: LocalEvent, trigger: LocalEvent): Scope {
  const around = trigger.loops.length;
  // Guards that hold over the trigger are dispatch conditions, checked before the body runs.
  const held = (g: LocalGuard): boolean =>
    trigger.guards.some((t) => t.fragment === g.fragment && t.operand === g.operand);
  const own = e.guards.filter((g) => g.local && !held(g)).map((g) => g.guard);
  // Loops around the trigger run the whole reaction once per element: not this role's loop.
  const loops = e.loops.slice(around);
  return {
    outer: own.filter((g) => !PER_ITEM.test(g)),
    loop: loops[loops.length - 1],
    inner: own.filter((g) => PER_ITEM.test(g)),
  };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Groups consecutive statements under their guards and loop. */
function nest(items: readonly { scope: Scope; stmts: readonly Stmt[] }[], context: string): Stmt[] {
  const out: Stmt[] = [];
  let i = 0;
  while (i < items.length) {
    const first = items[i] as { scope: Scope; stmts: readonly Stmt[] };
    let j = i;
    const group: Stmt[] = [];
    while (j < items.length) {
      const it = items[j] as { scope: Scope; stmts: readonly Stmt[] };
      if (!sameList(it.scope.outer, first.scope.outer) || it.scope.loop !== first.scope.loop) break;
      group.push(...inner(it));
      j++;
    }
    let s: Stmt[] = mergeInner(group);
    if (first.scope.loop !== undefined) {
      const perItem = items.slice(i, j).some((it) => it.scope.inner.length > 0);
      s = [
        block(`for (const item of this.each('${first.scope.loop}', ${context}))`, [
          ...(perItem ? [line('const g: Facts = { ...f, ...item.facts };')] : []),
          ...s,
        ]),
      ];
    }
    if (first.scope.outer.length > 0) {
      s = [block(`if (${first.scope.outer.map((g) => guardCode(g)).join(' && ')})`, s)];
    }
    out.push(...s);
    i = j;
  }
  return out;
}

function inner(it: { scope: Scope; stmts: readonly Stmt[] }): Stmt[] {
  if (it.scope.inner.length === 0) return [...it.stmts];
  const cond = it.scope.inner.map((g) => guardCode(g).replace(/\bf\[/g, 'g[')).join(' && ');
  return [block(`if (${cond})`, it.stmts)];
}

/** Joins adjacent `if` blocks with the same head. */
function mergeInner(stmts: readonly Stmt[]): Stmt[] {
  const out: Stmt[] = [];
  for (const s of stmts) {
    const prev = out[out.length - 1];
    if (s.kind === 'block' && prev?.kind === 'block' && prev.head === s.head) {
      out[out.length - 1] = block(prev.head, [...prev.body, ...s.body]);
    } else out.push(s);
  }
  return out;
}

function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Whether the role can write a value: a literal, or variables the reaction's actions yielded. */
function writable(v: SentValue, yielded: ReadonlySet<string>): boolean {
  if (v.kind === 'literal') return true;
  if (v.kind === 'var') return yielded.has(v.name);
  return v.variables.every((x) => yielded.has(x));
}

function valueCode(v: SentValue): string {
  if (v.kind === 'literal') return quote(v.text);
  if (v.kind === 'var') return `vars[${quote(v.name)}]`;
  return `fillTemplate(${quote(v.text)}, vars)`;
}

/**
 * The options argument that carries the header fields a step has its sender write: literals
 * as they are, and, with a value an action yielded (`is: var.uid`) or a `when:` guard, through
 * `stepHeaders`, which writes a field when its guard holds over the role's facts and names the
 * step when its value was never yielded. A field whose value comes from elsewhere (a
 * precondition's binding, the dialog) is the runtime's to write.
 */
function headersArg(e: LocalEvent, yielded: ReadonlySet<string>): string {
  const fields = e.sentHeaders.filter((h) => writable(h.value, yielded));
  if (fields.length === 0) return '';
  if (fields.every((h) => h.value.kind === 'literal' && h.when === undefined)) {
    const list = fields.map((h) => `[${quote(h.name)}, ${valueCode(h.value)}]`);
    return `{ headers: [${list.join(', ')}] }`;
  }
  const list = fields.map((h) =>
    h.when === undefined
      ? `[${quote(h.name)}, ${valueCode(h.value)}]`
      : `[${quote(h.name)}, ${valueCode(h.value)}, ${guardCondition(h.when)}]`,
  );
  return `{ headers: stepHeaders('${e.flow}', '${e.step}', [${list.join(', ')}]) }`;
}

/** Where the compiled statements run: a handler of a received request, or an entry point. */
export type BodyMode = 'triggered' | 'entry';

function towards(e: LocalEvent): 'called' | 'calling' | undefined {
  if (e.requestUriIs?.startsWith('dialog.called.')) return 'called';
  if (e.requestUriIs?.startsWith('dialog.calling.')) return 'calling';
  return undefined;
}

/**
 * Compiles the events of a reaction. In a handler `incoming` is the
 * request; in an entry point `options` carries the target or the dialog.
 * Both read the role's facts as `f`.
 */
export function compileReaction(kind: CoreKind, r: Reaction, mode: BodyMode): Compiled {
  const runtimeGuards: string[] = [];
  let pending: string | undefined;
  /** An INVITE sent by this entry whose final response the reaction does not draw. */
  let early: string | undefined;
  /** The INVITE a CANCEL of this reaction cancelled: its final response is the 487. */
  let cancelled: string | undefined;
  let lastFinal: number | undefined;
  /** A REFER this entry sent: once its final response is checked, its outcome is awaited. */
  let referred: string | undefined;
  /** The dialog a 2xx of a cancelled INVITE confirmed (it crossed the CANCEL, RFC 3261 9.1). */
  let crossed: string | undefined;
  /** Final responses checked so far, for the operands of an alt the peer decides. */
  const answered: { event: LocalEvent }[] = [];
  /** Variables the actions compiled so far yield (`yields:`), held in `vars`. */
  const yielded = new Set<string>();
  /** Indications given to a local peer so far, by step: their answers' values are in `vars`. */
  const indicated = new Set<string>();
  let n = 0;
  const compileEvents = (
    events: readonly LocalEvent[],
    items: { scope: Scope; stmts: Stmt[] }[],
  ): string | undefined => {
    for (const [index, e] of events.entries()) {
      const stmts: Stmt[] = [comment(cite(e))];
      const opts = headersArg(e, yielded);
      const withOpts = (head: string): string => (opts ? `${head}, ${opts})` : `${head})`);
      let scope = scopeOf(e, r.first);
      const indication = e.label.startsWith('indication ')
        ? e.label.slice('indication '.length)
        : undefined;
      if (
        indication !== undefined &&
        e.kind === 'send' &&
        !e.isResponse &&
        e.peerRole !== undefined
      ) {
        // An indication to another participant of the flow: a local call to its role, no
        // network (docs/flow-format.md); the values its reaction yields come back in `vars`.
        const peer = `this.config.${roleNames(e.peerRole).peerField}`;
        const about = mode === 'triggered' ? ', incoming' : '';
        stmts.push(
          line(
            `Object.assign(vars, await this.indicate(${peer}, ${quote(indication)}, '${e.flow}', '${e.step}'${about}));`,
          ),
        );
        indicated.add(e.step);
      } else if (
        indication !== undefined &&
        e.kind === 'receive' &&
        e.answers !== undefined &&
        indicated.has(e.answers)
      ) {
        stmts.push(comment(`The answer to step ${e.answers}: the local call returned it.`));
      } else if (
        e.kind === 'send' &&
        e.isResponse &&
        e.label === '487' &&
        mode === 'triggered' &&
        r.first.label === 'INVITE' &&
        e.answers === r.first.step
      ) {
        // RFC 3261 9.2: the INVITE server transaction answers 487 itself when a CANCEL finds it
        // without a final response, which is what the guards around this step say.
        stmts.push(
          comment(
            'RFC 3261 9.2: sent by the INVITE server transaction when the CANCEL finds no final response.',
          ),
        );
        runtimeGuards.push(...scope.outer, ...scope.inner);
        scope = { outer: [], loop: scope.loop, inner: [] };
      } else if (
        e.kind === 'send' &&
        e.isResponse &&
        mode === 'entry' &&
        kind === 'ua' &&
        r.first.label.startsWith('indication ') &&
        e.answers !== undefined &&
        e.answers !== r.first.step
      ) {
        // RFC 3261 13.3.1.1: the user's answer to an INVITE the role left open after its
        // provisional response (OMA PoC 6.2.X.1: PoC User B accepts).
        stmts.push(line(`this.respondInvite(this.heldInvite(options), ${Number(e.label)});`));
      } else if (e.kind === 'send' && e.isResponse) {
        if (mode !== 'triggered' || e.answers !== r.first.step)
          return `${cite(e)}: answers a request other than the trigger`;
        // The answer's Content-Type is that of the body the runtime writes (RFC 3264 6).
        const fields = e.sentHeaders.filter((h) => h.name.toLowerCase() !== 'content-type');
        if (
          (r.first.label === 'INVITE' || r.first.label === 'NOTIFY') &&
          headersArg({ ...e, sentHeaders: fields }, yielded) !== ''
        )
          return `${cite(e)}: header fields in the answer to ${r.first.label} are not mapped yet`;
        if (kind === 'b2bua' && r.trigger.target === 'self' && r.first.label === 'INVITE') {
          // RFC 3261 13.3: the B2BUA answers as the INVITE's own end (a session of one leg).
          stmts.push(line(`this.acceptInvite(incoming, ${Number(e.label)}, media);`));
        } else if (kind === 'ua' && r.first.label === 'INVITE') {
          // RFC 3264 6, 8.2: an answer to an SDP offer carries the SDP answer.
          stmts.push(line(`this.respondInvite(incoming, ${Number(e.label)});`));
        } else if (kind === 'ua' && r.first.label === 'NOTIFY' && Number(e.label) === 200) {
          // RFC 6665 4.1.3: the NOTIFY is applied to its subscription usage before the 200.
          stmts.push(line('this.answerNotify(incoming);'));
        } else
          stmts.push(
            line(`if (incoming.pending) ${withOpts(`incoming.respond(${Number(e.label)}`)};`),
          );
      } else if (
        e.kind === 'send' &&
        e.label === 'INVITE' &&
        mode === 'triggered' &&
        kind === 'b2bua' &&
        events
          .slice(0, index)
          .some((x) => x.kind === 'action' && x.action === 'remove-media-streams')
      ) {
        // RFC 3264 8.2 (OMA CPM 8.2.2.3 6.a): the re-INVITE on the paired leg whose offer removes
        // the media streams of the request's leg.
        const v = `r${++n}`;
        stmts.push(line(`const ${v} = await this.removeLegStreams(incoming, other);`));
        pending = v;
      } else if (
        e.kind === 'send' &&
        e.label === 'INVITE' &&
        mode === 'entry' &&
        (kind === 'ua' || kind === 'b2bua')
      ) {
        const v = `r${++n}`;
        if (finalDrawn(events, index)) {
          pending = `${v}.response`;
          // A B2BUA that starts a session as its own end (OMA CPM 8.3.2.3: the other CPM entity).
          const call =
            kind === 'ua'
              ? `this.invite(options, ${opts || 'undefined'})`
              : `this.startInvite(options, ${opts || 'undefined'}).result`;
          stmts.push(line(`const ${v} = await ${call};`), line(`outcome.dialog = ${v}.dialog;`));
        } else {
          // RFC 3261 9.1: the INVITE stays pending, for a CANCEL the flow sends later.
          early = v;
          const awaited = events
            .slice(index + 1)
            .some((x) => x.kind === 'receive' && x.isResponse && Number(x.label) > 100);
          const call = `this.startInvite(options, ${opts || 'undefined'});`;
          stmts.push(line(awaited ? `const ${v} = ${call}` : call));
        }
      } else if (e.kind === 'send' && e.label === 'REFER' && mode === 'entry' && kind === 'ua') {
        // RFC 4538: a REFER about the dialog the entry acts on, outside any dialog.
        const v = `r${++n}`;
        stmts.push(
          line(
            `const ${v} = await this.refer(options, '${e.referMethod ?? 'INVITE'}', ${opts || 'undefined'});`,
          ),
        );
        pending = `${v}.response`;
        referred = v;
      } else if (
        e.kind === 'send' &&
        e.label === 'CANCEL' &&
        mode === 'entry' &&
        kind !== 'proxy'
      ) {
        const invite = `c${++n}`;
        const v = `r${++n}`;
        stmts.push(
          line(`const ${invite} = this.pendingInvite(options);`),
          line(`const ${v} = await cancelSent(${invite}, '${e.flow}', '${e.step}');`),
        );
        pending = v;
        cancelled = invite;
      } else if (e.kind === 'send' && e.label === 'BYE') {
        const v = `r${++n}`;
        pending = v;
        const side = towards(e);
        if (kind === 's-cscf' && side !== undefined) {
          stmts.push(line(`const ${v} = await this.sendReleaseBye(record, '${side}');`));
        } else if (kind === 'b2bua' && mode === 'triggered' && scope.loop !== undefined) {
          // A BYE on each leg of the loop, in turn (OMA CPM 8.2.2.3 4.a: each IWF).
          stmts.push(line(`const ${v} = await this.releaseOtherLeg(${withOpts('item.leg')};`));
        } else if (kind === 'b2bua' && mode === 'triggered') {
          stmts.push(line(`const ${v} = await this.releaseOtherLeg(${withOpts('other')};`));
          pending = `${v}`;
        } else if (kind === 'ua' && e.loops.length > 0) {
          stmts.push(line(`const ${v} = await this.core.bye(${withOpts('item.dialog')};`));
        } else if (kind === 'ua' && mode === 'entry') {
          stmts.push(
            line(`const ${v} = await this.core.bye(${withOpts('this.dialogOf(options)')};`),
          );
        } else if (kind === 'b2bua' && mode === 'entry' && crossed !== undefined) {
          // RFC 3261 15: the session a 2xx set up after the CANCEL that should have stopped it is
          // ended with BYE (OMA PoC 6.2.X.1: PoC Server B, the 2xx crossing its CANCEL).
          stmts.push(
            line(
              `const ${v} = await this.core.bye(${withOpts(`${crossed} ?? onlyDialog(this.core.dialogs, options, this.constructor.name)`)};`,
            ),
          );
        } else if (kind === 'b2bua' && mode === 'entry') {
          // RFC 3261 15.1.1: the B2BUA ends a session it is the end of (one leg, OMA CPM 8.2.2.3).
          stmts.push(
            line(
              `const ${v} = await this.core.bye(${withOpts('onlyDialog(this.core.dialogs, options, this.constructor.name)')};`,
            ),
          );
        } else return `${cite(e)}: BYE not mapped for a ${kind} ${mode}`;
      } else if (e.kind === 'receive' && e.isResponse && Number(e.label) < 200) {
        if (early !== undefined && Number(e.label) > 100 && !laterProvisional(events, index)) {
          // RFC 3261 9.1: a CANCEL may follow only once a provisional response has arrived.
          stmts.push(
            line(`await provisionalOf(${early}, ${Number(e.label)}, '${e.flow}', '${e.step}');`),
          );
        } else {
          stmts.push(
            comment(
              'A provisional response: passed up by the transaction, not awaited (RFC 3261 17.1.1).',
            ),
          );
        }
      } else if (e.kind === 'receive' && e.isResponse) {
        lastFinal = Number(e.label);
        const alt =
          pending !== undefined || cancelled !== undefined
            ? peerOperands(events, index, r.first)
            : undefined;
        if (typeof alt === 'string') return alt;
        if (alt !== undefined) {
          // The peer's choice (an alt it decides) shows in the final response that arrives: each
          // operand is a case of its status; any other status fails the check of the first.
          const v = `f${++n}`;
          stmts.splice(
            0,
            stmts.length,
            comment(
              `${alt.fragment}, chosen by ${alt.decidedBy}: the final response says which operand runs.`,
            ),
          );
          const source = pending ?? `(await ${cancelled as string}.result).response`;
          const dialog = cancelled !== undefined ? `(await ${cancelled}.result).dialog` : undefined;
          pending = undefined;
          cancelled = undefined;
          const cases: Stmt[] = [];
          for (const [i, operand] of alt.operands.entries()) {
            const head = operand[0] as LocalEvent;
            const branch: { scope: Scope; stmts: Stmt[] }[] = [];
            const status = Number(head.label);
            const opening: Stmt[] = [comment(`${alt.guards[i] ?? ''}:`), comment(cite(head))];
            if (mode === 'entry') {
              opening.push(line(`outcome.responses.push(${v});`));
              if (dialog !== undefined && status >= 200 && status < 300) {
                opening.push(line(`outcome.dialog = ${dialog};`));
                crossed = 'outcome.dialog';
              }
            }
            branch.push({ scope: scopeOf(head, r.first), stmts: opening });
            answered.push({ event: head });
            lastFinal = status;
            const failed = compileEvents(operand.slice(1), branch);
            crossed = undefined;
            if (failed !== undefined) return failed;
            cases.push(
              block(`case ${status}:`, [
                ...nest(branch, mode === 'triggered' ? 'incoming' : 'undefined'),
                line('break;'),
              ]),
            );
          }
          const first = alt.operands[0]?.[0] as LocalEvent;
          cases.push(
            line('default:'),
            line(`expectStatus(${v}, ${Number(first.label)}, '${first.flow}', '${first.step}');`),
          );
          stmts.push(line(`const ${v} = ${source};`), block(`switch (${v}.status)`, cases));
          items.push({ scope, stmts });
          return compileEvents(alt.rest, items);
        }
        if (pending === undefined && cancelled !== undefined) {
          // RFC 3261 9.1: the cancelled INVITE gets its own final response (487 when the CANCEL won).
          stmts.push(
            line(
              `expectStatus((await ${cancelled}.result).response, ${Number(e.label)}, '${e.flow}', '${e.step}');`,
            ),
          );
          cancelled = undefined;
          answered.push({ event: e });
        } else if (pending === undefined) {
          // An operand the peer chose (an alt it decides): the answer of another operand was
          // checked already; the same status needs no second check.
          const other = answered.find((a) => exclusive(a.event, e));
          if (other === undefined) return `${cite(e)}: no request to answer`;
          if (Number(other.event.label) !== Number(e.label))
            return `${cite(e)}: answers that differ by the operand the peer chooses (${other.event.label} at step ${other.event.step}) are not compiled yet`;
          stmts.push(
            comment(
              `The answer of step ${other.event.step} in the operand the peer chose: checked there.`,
            ),
          );
        } else {
          answered.push({ event: e });
          const check = `expectStatus(${pending}, ${Number(e.label)}, '${e.flow}', '${e.step}');`;
          stmts.push(
            line(kind === 'b2bua' && mode === 'triggered' ? `if (${pending}) ${check}` : check),
          );
          if (mode === 'entry') stmts.push(line(`outcome.responses.push(${pending});`));
          if (referred !== undefined && pending === `${referred}.response`) {
            if (Number(e.label) < 300)
              stmts.push(
                comment(
                  "RFC 3515 2.4.5: the referred request's outcome comes in the NOTIFY that ends the REFER's subscription.",
                ),
                line(`await ${referred}.outcome;`),
              );
            referred = undefined;
          }
          pending = undefined;
        }
      } else if (e.kind === 'action' && e.action !== undefined) {
        if (e.yields !== undefined) {
          // The value the action yields, for the steps that write it (`is: var.X`).
          // After a local call, the value its answer carries (OMA CPM 8.2.2.3 4.c.ii.1: the UID).
          const answered = indicated.size > 0 ? `, vars[${quote(e.yields)}]` : '';
          stmts.push(
            line(
              `vars[${quote(e.yields)}] = this.act('${e.action}', '${e.flow}', '${e.step}', ${quote(e.yields)}${answered});`,
            ),
          );
          yielded.add(e.yields);
        } else stmts.push(line(`this.act('${e.action}', '${e.flow}', '${e.step}');`));
        if (kind === 's-cscf' && e.action === 'release-dialog-state')
          stmts.push(line('this.forget(record);'));
      } else if (e.kind === 'send' && e.label === 'ACK') {
        stmts.push(
          comment(
            lastFinal !== undefined && lastFinal >= 300
              ? 'RFC 3261 17.1.1.3: the INVITE client transaction sends the ACK for a non-2xx final response.'
              : 'RFC 3261 13.2.2.4: the user agent core sends the ACK for the 2xx.',
          ),
        );
      } else if (
        e.kind === 'send' &&
        (e.label === 'MBCP Connect' || e.label === 'MBCP Disconnect') &&
        mode === 'triggered' &&
        kind === 'b2bua'
      ) {
        // OMA PoC user plane: on the session's MBCP media, awaiting the peer's Acknowledgement.
        const about = r.first.label === 'INVITE' ? ', incoming.request' : '';
        stmts.push(
          line(
            `await this.sendMbcp('${e.label.slice('MBCP '.length)}', media, '${e.flow}', '${e.step}'${about});`,
          ),
        );
      } else return `${cite(e)}: not mapped to the runtime yet`;
      items.push({ scope, stmts });
    }
    return undefined;
  };
  const items: { scope: Scope; stmts: Stmt[] }[] = [];
  const failure = compileEvents(r.events, items);
  if (failure !== undefined) return { ok: false, reason: failure };
  const stmts = nest(items, mode === 'triggered' ? 'incoming' : 'undefined');
  if (kind !== 'ua' && kind !== 'b2bua' && JSON.stringify(stmts).includes('this.each(')) {
    return {
      ok: false,
      reason: `${cite(r.first)}: a loop over legs is not mapped for a ${kind} yet`,
    };
  }
  // Answering a BYE ends its dialog (RFC 3261 15.1.2): the paired leg is found first.
  if (
    /this\.(releaseOtherLeg|removeLegStreams)\((incoming, )?other\b/.test(JSON.stringify(stmts))
  ) {
    stmts.unshift(line('const other = this.otherLeg(incoming);'));
  }
  if (/\bvars[[,]/.test(JSON.stringify(stmts))) {
    stmts.unshift(
      comment('Values the flow actions of this reaction yield (`yields:`), by variable.'),
      line('const vars: Record<string, string | undefined> = {};'),
    );
  }
  // Likewise the session's MBCP peer (OMA PoC user plane), before an answer ends the dialog.
  if (/\bmedia[,)]/.test(JSON.stringify(stmts))) {
    stmts.unshift(line('const media = this.mbcpPeerOf(incoming);'));
  }
  return { ok: true, stmts, runtimeGuards: [...new Set(runtimeGuards)] };
}

/** Whether two events sit in different operands of one alt (only one of them runs). */
function exclusive(a: LocalEvent, b: LocalEvent): boolean {
  return a.guards.some((g) =>
    b.guards.some((h) => h.fragment === g.fragment && h.operand !== g.operand),
  );
}

/** Whether a final response is received after the INVITE at `index`, before another request is sent. */
function finalDrawn(events: readonly LocalEvent[], index: number): boolean {
  for (const e of events.slice(index + 1)) {
    if (e.kind === 'send' && !e.isResponse && e.label !== 'ACK') return false;
    if (e.kind === 'receive' && e.isResponse && Number(e.label) >= 200) return true;
  }
  return false;
}

/** Whether another provisional response is received after the one at `index`. */
function laterProvisional(events: readonly LocalEvent[], index: number): boolean {
  return events
    .slice(index + 1)
    .some(
      (e) => e.kind === 'receive' && e.isResponse && Number(e.label) > 100 && Number(e.label) < 200,
    );
}

/**
 * The operands of an alt the peer decides, when the final response at `index`
 * opens one of them and another operand opens with a different final status:
 * each operand's events in order, and the events after the alt. A string says
 * why the operands cannot be told apart by the status.
 */
function peerOperands(
  events: readonly LocalEvent[],
  index: number,
  trigger: LocalEvent,
):
  | {
      readonly fragment: string;
      readonly decidedBy: string;
      /** The guard of each operand, in the order of `operands`. */
      readonly guards: readonly string[];
      readonly operands: readonly (readonly LocalEvent[])[];
      readonly rest: readonly LocalEvent[];
    }
  | string
  | undefined {
  const head = events[index] as LocalEvent;
  const held = (g: LocalGuard): boolean =>
    trigger.guards.some((t) => t.fragment === g.fragment && t.operand === g.operand);
  for (const g of head.guards) {
    if (g.local || held(g)) continue;
    const on = (e: LocalEvent): LocalGuard | undefined =>
      e.guards.find((h) => h.fragment === g.fragment);
    const later = events.slice(index);
    const last = later.findLastIndex((e) => on(e) !== undefined);
    const operands = new Map<number, LocalEvent[]>();
    for (const e of later.slice(0, last + 1)) {
      const h = on(e);
      if (h === undefined) continue;
      const list = operands.get(h.operand) ?? [];
      list.push(e);
      operands.set(h.operand, list);
    }
    if (operands.size < 2) continue;
    const between = later.slice(0, last + 1).find((e) => on(e) === undefined);
    if (between !== undefined)
      return `${cite(between)}: runs between the operands of ${g.fragment}, chosen by ${g.decidedBy}`;
    const heads = [...operands.values()].map((list) => list[0] as LocalEvent);
    const statuses = new Set(heads.map((e) => e.label));
    // The same status in every operand: checked once, where it first arrives.
    if (statuses.size < 2) return undefined;
    for (const e of heads) {
      if (e.kind !== 'receive' || !e.isResponse || Number(e.label) < 200)
        return `${cite(e)}: an operand ${g.decidedBy} chooses does not open with a final response`;
    }
    if (statuses.size < heads.length)
      return `${cite(head)}: two operands ${g.decidedBy} chooses open with the same status`;
    const guards = [...operands.values()].map((list) => on(list[0] as LocalEvent)?.guard ?? '');
    return {
      fragment: g.fragment,
      decidedBy: g.decidedBy,
      guards,
      operands: [...operands.values()],
      rest: later.slice(last + 1),
    };
  }
  return undefined;
}

/**
 * What a B2BUA does once a REFER method=INVITE its core runs has opened the
 * server leg of a session of one leg (`B2buaCore.joined`, OMA PoC: joining a
 * PoC Session over the Pre-established Session): the MBCP messages the
 * REFER's reaction sends, on the MBCP media of that session, each after a
 * comment citing its step. Empty when the reaction sends none.
 */
export function joinedLines(r: Reaction): { readonly cite: string; readonly code: string }[] {
  if (r.first.label !== 'REFER') return [];
  return r.events.flatMap((e) =>
    e.kind === 'send' && (e.label === 'MBCP Connect' || e.label === 'MBCP Disconnect')
      ? [
          {
            cite: `// ${cite(e)}`,
            code: `await this.sendMbcp('${e.label.slice('MBCP '.length)}', this.mbcpPeerOfSession(session), '${e.flow}', '${e.step}');`,
          },
        ]
      : [],
  );
}
