/**
 * Loading the text the editor sends on each keystroke. A keystroke changes
 * one step of a flow of a thousand, yet parsing the whole YAML is most of an
 * analysis; so when the change lies inside one top-level item of `steps:`,
 * only that item's text is parsed again and spliced into the previous
 * document (the nodes after it shifted), and the model is built from the
 * spliced data. Any other change, and any text that is not clean YAML,
 * takes the full {@link loadFlowText}, so findings are those of a full load.
 */
import {
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  visit,
  type Document,
  type Node,
  type YAMLSeq,
} from 'yaml';
import { loadFlowText, type LoadedFlow } from '../load/load-flow.js';
import { normalizeFlow } from '../load/normalize.js';
import { checkSchema } from '../load/schema-check.js';
import type { FlowDocument } from '../model/flow-schema.js';

/** What the previous load left to splice into. */
interface Splice {
  readonly file: string;
  readonly text: string;
  readonly loaded: LoadedFlow;
  /** The document as plain data (what the schema check and the model read). */
  readonly data: Record<string, unknown>;
  readonly seq: YAMLSeq;
  /** Offset of each step item's line, and of its content (after `- `). */
  readonly lineStarts: readonly number[];
  readonly contentStarts: readonly number[];
}

/** Loads flow text, reusing the previous load when only one step changed. */
export interface IncrementalLoader {
  /**
   * The loaded flow of `text`. The returned document belongs to the loader:
   * it is valid until the next call (a later splice shifts its nodes).
   */
  load(text: string, file: string): LoadedFlow;
  /** How the last call loaded: `cached` (same text), `spliced` or `full`. */
  readonly last: 'cached' | 'spliced' | 'full';
}

function shift(node: Node, by: number): void {
  visit(node, {
    Node(_key, n) {
      const r = n.range;
      if (r) n.range = [r[0] + by, r[1] + by, r[2] + by];
    },
  });
}

function lineStartsOf(text: string): LineCounter {
  const lc = new LineCounter();
  lc.addNewLine(0);
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lc.addNewLine(i + 1);
  return lc;
}

/** True when the document uses anchors or aliases (a splice could break their links). */
function usesAnchors(doc: Document): boolean {
  let found = false;
  visit(doc, {
    Alias() {
      found = true;
      return visit.BREAK;
    },
    Node(_key, n) {
      if (n.anchor) {
        found = true;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/** The splice state of a clean full load; undefined when its shape does not allow one. */
function spliceState(loaded: LoadedFlow, text: string): Splice | undefined {
  const doc = loaded.document;
  if (!loaded.flow || doc.errors.length > 0 || doc.warnings.length > 0) return undefined;
  if (!isMap(doc.contents) || usesAnchors(doc)) return undefined;
  const pair = doc.contents.items.find(
    (p) => isPair(p) && isScalar(p.key) && p.key.value === 'steps',
  );
  const seq = pair?.value;
  if (!isSeq(seq) || seq.flow) return undefined;
  const lineStarts: number[] = [];
  const contentStarts: number[] = [];
  for (const item of seq.items) {
    if (!isNode(item) || !item.range) return undefined;
    const at = item.range[0];
    const line = text.lastIndexOf('\n', at - 1) + 1;
    // Each item must be written `<indent>- <content>` with the content on the marker's line.
    if (!/^ *- +$/.test(text.slice(line, at))) return undefined;
    lineStarts.push(line);
    contentStarts.push(at);
  }
  const data = doc.toJS({ maxAliasCount: 100 }) as unknown;
  if (typeof data !== 'object' || data === null) return undefined;
  return {
    file: loaded.file,
    text,
    loaded,
    data: data as Record<string, unknown>,
    seq,
    lineStarts,
    contentStarts,
  };
}

/** Loads `text` by re-parsing one step of `prev`; undefined when the change is not inside one. */
function splice(prev: Splice, text: string): Splice | undefined {
  const old = prev.text;
  const max = Math.min(old.length, text.length);
  let p = 0;
  while (p < max && old.charCodeAt(p) === text.charCodeAt(p)) p++;
  let s = 0;
  while (s < max - p && old.charCodeAt(old.length - 1 - s) === text.charCodeAt(text.length - 1 - s))
    s++;
  const oldEnd = old.length - s;
  const delta = text.length - old.length;
  // The item whose content holds the change; the last item has no next line to bound it.
  let i = -1;
  for (let k = 0; k + 1 < prev.lineStarts.length; k++) {
    if ((prev.contentStarts[k] ?? Infinity) <= p && oldEnd < (prev.lineStarts[k + 1] ?? 0)) {
      i = k;
      break;
    }
  }
  if (i < 0) return undefined;
  const start = prev.lineStarts[i] ?? 0;
  const end = (prev.lineStarts[i + 1] ?? 0) + delta;
  const chunk = parseDocument(text.slice(start, end), { uniqueKeys: true });
  if (chunk.errors.length > 0 || chunk.warnings.length > 0 || usesAnchors(chunk)) return undefined;
  const items = isSeq(chunk.contents) ? chunk.contents.items : [];
  const item = items[0];
  if (items.length !== 1 || !isNode(item) || !item.range) return undefined;
  const js = (chunk.toJS({ maxAliasCount: 100 }) as unknown[])[0];

  // Shift the previous document: the steps after this one and the keys after `steps:` move
  // by delta; the sequence, the root map and the document around the change grow.
  const doc = prev.loaded.document;
  const grow = (n: { range?: [number, number, number] | null } | null | undefined): void => {
    const r = n?.range;
    if (n && r) n.range = [r[0], r[1] + delta, r[2] + delta];
  };
  for (let k = i + 1; k < prev.seq.items.length; k++) {
    const later = prev.seq.items[k];
    if (isNode(later)) shift(later, delta);
  }
  grow(prev.seq);
  const root = doc.contents;
  if (isMap(root)) {
    grow(root);
    for (const pair of root.items.slice(root.items.findIndex((p) => p.value === prev.seq) + 1)) {
      if (isNode(pair.key)) shift(pair.key, delta);
      if (isNode(pair.value)) shift(pair.value, delta);
    }
  }
  if (doc.range) doc.range = [doc.range[0], doc.range[1] + delta, doc.range[2] + delta];
  shift(item, start);
  prev.seq.items[i] = item;

  const steps = prev.data['steps'] as unknown[];
  const data = { ...prev.data, steps: steps.map((x, k) => (k === i ? js : x)) };
  if (checkSchema(data).length > 0) return undefined;
  const lineCounter = lineStartsOf(text);
  const { flow, findings } = normalizeFlow(
    data as unknown as FlowDocument,
    doc,
    lineCounter,
    prev.file,
  );
  const loaded: LoadedFlow = { file: prev.file, text, document: doc, lineCounter, flow, findings };
  const move = (x: number, k: number): number => (k > i ? x + delta : x);
  const contentStarts = prev.contentStarts.map(move);
  contentStarts[i] = item.range[0];
  return {
    file: prev.file,
    text,
    loaded,
    data,
    seq: prev.seq,
    lineStarts: prev.lineStarts.map(move),
    contentStarts,
  };
}

/** A loader for one editor: keeps the last load to splice the next one into. */
export function createIncrementalLoader(): IncrementalLoader {
  let prev: Splice | undefined;
  let lastText: { file: string; text: string; loaded: LoadedFlow } | undefined;
  const loader = {
    last: 'full' as IncrementalLoader['last'],
    load(text: string, file: string): LoadedFlow {
      if (lastText && lastText.file === file && lastText.text === text) {
        loader.last = 'cached';
        return lastText.loaded;
      }
      const spliced = prev && prev.file === file ? splice(prev, text) : undefined;
      let loaded: LoadedFlow;
      if (spliced) {
        prev = spliced;
        loaded = spliced.loaded;
        loader.last = 'spliced';
      } else {
        // A failed splice may have shifted the previous document: it is not reused.
        loaded = loadFlowText(text, file);
        prev = spliceState(loaded, text);
        loader.last = 'full';
      }
      lastText = { file, text, loaded };
      return loaded;
    },
  };
  return loader;
}
