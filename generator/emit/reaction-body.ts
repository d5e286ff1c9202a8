/**
 * Reactions as statements: each event of a reaction becomes a call on the
 * runtime (answer the trigger, send a BYE on the other leg or to each
 * participant, check the answer, take an action), wrapped in the guards the
 * role decides and the loops it runs, and preceded by a comment citing its
 * step. What the compiler does not map is returned as unsupported, never
 * emitted as a placeholder.
 */
import type { LocalEvent, LocalGuard, Reaction } from '../projection/local-types.js';
import { describeEvent } from '../projection/merge-roles.js';
import { block, comment, line, type Stmt } from './code-block.js';
import { guardCode } from './guard-code.js';

/** How the role's code is built on the runtime. */
export type CoreKind = 'ua' | 'b2bua' | 'proxy' | 's-cscf';

/** A compiled reaction body, or why it could not be compiled. */
export type Compiled =
  | { readonly ok: true; readonly stmts: readonly Stmt[] }
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

function headersArg(e: LocalEvent): string {
  if (e.literalHeaders.length === 0) return '';
  const list = e.literalHeaders.map(([n, v]) => `['${n}', '${v.replace(/'/g, "\\'")}']`);
  return `{ headers: [${list.join(', ')}] }`;
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
  const items: { scope: Scope; stmts: Stmt[] }[] = [];
  let pending: string | undefined;
  let n = 0;
  for (const e of r.events) {
    const stmts: Stmt[] = [comment(cite(e))];
    const opts = headersArg(e);
    const withOpts = (head: string): string => (opts ? `${head}, ${opts})` : `${head})`);
    if (e.kind === 'send' && e.isResponse) {
      if (mode !== 'triggered' || e.answers !== r.first.step)
        return { ok: false, reason: `${cite(e)}: answers a request other than the trigger` };
      stmts.push(line(`if (incoming.pending) incoming.respond(${Number(e.label)});`));
    } else if (e.kind === 'send' && e.label === 'INVITE' && mode === 'entry' && kind === 'ua') {
      const v = `r${++n}`;
      pending = `${v}.response`;
      stmts.push(
        line(`const ${v} = await this.invite(options, ${opts || 'undefined'});`),
        line(`outcome.dialog = ${v}.dialog;`),
      );
    } else if (e.kind === 'send' && e.label === 'BYE') {
      const v = `r${++n}`;
      pending = v;
      const side = towards(e);
      if (kind === 's-cscf' && side !== undefined) {
        stmts.push(line(`const ${v} = await this.sendReleaseBye(record, '${side}');`));
      } else if (kind === 'b2bua' && mode === 'triggered') {
        stmts.push(line(`const ${v} = await this.releaseOtherLeg(${withOpts('other')};`));
        pending = `${v}`;
      } else if (kind === 'ua' && e.loops.length > 0) {
        stmts.push(line(`const ${v} = await this.core.bye(${withOpts('item.dialog')};`));
      } else if (kind === 'ua' && mode === 'entry') {
        stmts.push(line(`const ${v} = await this.core.bye(${withOpts('this.dialogOf(options)')};`));
      } else return { ok: false, reason: `${cite(e)}: BYE not mapped for a ${kind} ${mode}` };
    } else if (e.kind === 'receive' && e.isResponse && Number(e.label) < 200) {
      stmts.push(
        comment(
          'A provisional response: passed up by the transaction, not awaited (RFC 3261 17.1.1).',
        ),
      );
    } else if (e.kind === 'receive' && e.isResponse) {
      if (pending === undefined) return { ok: false, reason: `${cite(e)}: no request to answer` };
      const check = `expectStatus(${pending}, ${Number(e.label)}, '${e.flow}', '${e.step}');`;
      stmts.push(line(kind === 'b2bua' ? `if (${pending}) ${check}` : check));
      if (mode === 'entry') stmts.push(line(`outcome.responses.push(${pending});`));
      pending = undefined;
    } else if (e.kind === 'action' && e.action !== undefined) {
      stmts.push(line(`this.act('${e.action}', '${e.flow}', '${e.step}');`));
      if (kind === 's-cscf' && e.action === 'release-dialog-state')
        stmts.push(line('this.forget(record);'));
    } else if (e.kind === 'send' && e.label === 'ACK') {
      stmts.push(comment('RFC 3261 13.2.2.4: the user agent core sends the ACK for the 2xx.'));
    } else return { ok: false, reason: `${cite(e)}: not mapped to the runtime yet` };
    items.push({ scope: scopeOf(e, r.first), stmts });
  }
  const stmts = nest(items, mode === 'triggered' ? 'incoming' : 'undefined');
  if (kind !== 'ua' && JSON.stringify(stmts).includes('this.each(')) {
    return {
      ok: false,
      reason: `${cite(r.first)}: a loop over legs is not mapped for a ${kind} yet`,
    };
  }
  // Answering a BYE ends its dialog (RFC 3261 15.1.2): the paired leg is found first.
  if (JSON.stringify(stmts).includes('this.releaseOtherLeg(other')) {
    stmts.unshift(line('const other = this.otherLeg(incoming);'));
  }
  return { ok: true, stmts };
}
