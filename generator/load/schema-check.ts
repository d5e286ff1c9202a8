/**
 * Checks a flow document against the published JSON Schema with ajv and turns
 * ajv's errors into one precise finding per problem. Unions are narrowed to
 * the branch the author meant: a step by its discriminating key (`message`,
 * `alt`, ...), other unions by the JSON type of the value.
 */
import type { ErrorObject, Options, ValidateFunction } from 'ajv';
import { flowJsonSchema } from '../model/json-schema.js';
import { STEP_KEYS } from '../model/flow-schema.js';
import { cachedValidator } from './validator-cache.js';

/** One schema problem at a path of the document. */
export interface SchemaProblem {
  readonly path: readonly (string | number)[];
  /** Point at the key of the last path segment rather than its value. */
  readonly atKey: boolean;
  readonly message: string;
}

let validator: ValidateFunction | undefined;

function compiled(): ValidateFunction {
  if (!validator) {
    // verbose: errors carry `schema` and `parentSchema`, which the messages need (allowed keys, enum values).
    const options: Options = { allErrors: true, strict: false, verbose: true };
    validator = cachedValidator(flowJsonSchema(), options);
  }
  return validator;
}

/** Validates `data` (the document as plain JS) and returns its problems. */
export function checkSchema(data: unknown): SchemaProblem[] {
  const validate = compiled();
  if (validate(data)) return [];
  const errors = narrow(validate.errors ?? [], data);
  const seen = new Set<string>();
  const problems: SchemaProblem[] = [];
  for (const e of errors) {
    const p = describe(e, data);
    const k = `${p.path.join('/')}|${p.message}`;
    if (seen.has(k)) continue;
    seen.add(k);
    problems.push(p);
  }
  return problems;
}

function pointerPath(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function valueAt(data: unknown, path: readonly (string | number)[]): unknown {
  let v: unknown = data;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/**
 * Keeps, for every failed anyOf, only the errors of the branch the value
 * was meant for, and drops the anyOf error itself when a branch was chosen.
 */
function narrow(errors: readonly ErrorObject[], data: unknown): ErrorObject[] {
  const anyOfs = errors.filter((e) => e.keyword === 'anyOf');
  // Process deepest unions first so nested unions are narrowed before outer ones.
  const depth = (e: ErrorObject): number => pointerPath(e.instancePath).length;
  anyOfs.sort((a, b) => depth(b) - depth(a) || b.schemaPath.length - a.schemaPath.length);
  // Errors of a nested Step share the schema path prefix "#/anyOf" of every
  // enclosing step (ajv compiles Step as its own function): an error belongs
  // to the innermost union whose instance and schema paths both contain it.
  const owner = (e: ErrorObject): ErrorObject | undefined => {
    let best: ErrorObject | undefined;
    for (const u of anyOfs) {
      if (u === e || !e.schemaPath.startsWith(`${u.schemaPath}/`)) continue;
      if (e.instancePath !== u.instancePath && !e.instancePath.startsWith(`${u.instancePath}/`))
        continue;
      if (
        !best ||
        depth(u) > depth(best) ||
        (depth(u) === depth(best) && u.schemaPath.length > best.schemaPath.length)
      )
        best = u;
    }
    return best;
  };
  let current = [...errors];
  for (const union of anyOfs) {
    if (!current.includes(union)) continue;
    const prefix = union.schemaPath; // ".../anyOf"
    const branchOf = (e: ErrorObject): number | undefined => {
      if (owner(e) !== union) return undefined;
      const m = /^(\d+)/.exec(e.schemaPath.slice(prefix.length + 1));
      return m ? Number(m[1]) : undefined;
    };
    const branches = new Map<number, ErrorObject[]>();
    for (const e of current) {
      const b = branchOf(e);
      if (b === undefined) continue;
      const list = branches.get(b) ?? [];
      list.push(e);
      branches.set(b, list);
    }
    const value = valueAt(data, pointerPath(union.instancePath));
    const chosen = chooseBranch(union, branches, value);
    const inUnion = new Set([...branches.values()].flat());
    if (chosen === undefined) {
      // No branch fits: keep only the union error, described as a whole.
      current = current.filter((e) => !inUnion.has(e));
    } else {
      const keep = new Set(branches.get(chosen) ?? []);
      current = current.filter((e) => e !== union && (!inUnion.has(e) || keep.has(e)));
    }
  }
  return current;
}

function isStepUnion(union: ErrorObject): boolean {
  // ajv compiles the recursive Step definition as its own function, so its
  // errors have schema paths relative to it ("#/anyOf"): recognise the union
  // by its branches (verbose errors carry the schema) rather than by path.
  const branches = union.schema as { title?: unknown }[] | undefined;
  return (
    union.schemaPath.endsWith('$defs/Step/anyOf') ||
    (Array.isArray(branches) && branches.some((b) => b.title === 'message step'))
  );
}

function chooseBranch(
  union: ErrorObject,
  branches: Map<number, ErrorObject[]>,
  value: unknown,
): number | undefined {
  if (isStepUnion(union)) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    const present = STEP_KEYS.filter((k) => k in value);
    if (present.length !== 1) return undefined;
    return STEP_KEYS.indexOf(present[0] as (typeof STEP_KEYS)[number]);
  }
  // A union of constants (an enumeration): report it as one error.
  const all = [...branches.values()].flat();
  if (all.length > 0 && all.every((e) => e.keyword === 'const')) return undefined;
  // Otherwise the branch whose type matches the value and that has the fewest errors.
  const t = jsonType(value);
  let best: number | undefined;
  let bestCount = Infinity;
  for (const [i, errs] of branches) {
    const typeMismatch = errs.some(
      (e) => e.keyword === 'type' && e.instancePath === union.instancePath,
    );
    if (typeMismatch) continue;
    if (errs.length < bestCount) {
      best = i;
      bestCount = errs.length;
    }
  }
  if (best === undefined && t === 'object') return undefined;
  return best;
}

function allowedKeysAt(e: ErrorObject): string[] {
  const schema = e.parentSchema as { properties?: Record<string, unknown> } | undefined;
  return schema?.properties ? Object.keys(schema.properties) : [];
}

function describe(e: ErrorObject, data: unknown): SchemaProblem {
  const path = pointerPath(e.instancePath);
  const value = valueAt(data, path);
  const where = path.length === 0 ? 'the flow' : `"${String(path[path.length - 1])}"`;
  switch (e.keyword) {
    case 'additionalProperties': {
      const extra = String((e.params as { additionalProperty: string }).additionalProperty);
      const allowed = allowedKeysAt(e);
      const hint = suggest(extra, allowed);
      return {
        path: [...path, extra],
        atKey: true,
        message: `unknown key "${extra}"${hint ? `; did you mean "${hint}"?` : ''}${allowed.length ? ` (allowed: ${allowed.join(', ')})` : ''}`,
      };
    }
    case 'required': {
      const missing = String((e.params as { missingProperty: string }).missingProperty);
      return { path, atKey: path.length > 0, message: `${where} is missing "${missing}"` };
    }
    case 'type':
      return {
        path,
        atKey: false,
        message: `${where} must be ${article(String((e.params as { type: string }).type))}, not ${article(jsonType(value))}`,
      };
    case 'pattern':
      return {
        path,
        atKey: false,
        message: `${JSON.stringify(value)} is not a valid ${describePattern(path)} (must match ${String((e.params as { pattern: string }).pattern)})`,
      };
    case 'minItems':
      return {
        path,
        atKey: false,
        message: `${where} needs at least ${String((e.params as { limit: number }).limit)} item(s)`,
      };
    case 'minProperties':
      return { path, atKey: false, message: `${where} must not be empty` };
    case 'anyOf': {
      if (isStepUnion(e)) {
        const present =
          value !== null && typeof value === 'object' ? STEP_KEYS.filter((k) => k in value) : [];
        return {
          path,
          atKey: false,
          message:
            present.length > 1
              ? `a step has exactly one of ${STEP_KEYS.join(', ')}; this one has ${present.join(' and ')}`
              : `a step needs one of ${STEP_KEYS.join(', ')}`,
        };
      }
      const consts = enumValues(e);
      if (consts.length > 0) {
        const hint = typeof value === 'string' ? suggest(value, consts) : undefined;
        return {
          path,
          atKey: false,
          message: `${JSON.stringify(value)} is not one of ${consts.map((c) => `"${c}"`).join(', ')}${hint ? `; did you mean "${hint}"?` : ''}`,
        };
      }
      return { path, atKey: false, message: `${where} has the wrong shape` };
    }
    default:
      return { path, atKey: false, message: `${where} ${e.message ?? 'is invalid'}` };
  }
}

function enumValues(e: ErrorObject): string[] {
  const schema = e.schema as { const?: unknown }[] | undefined;
  if (!Array.isArray(schema)) return [];
  const out: string[] = [];
  for (const s of schema) {
    if (s && typeof s.const === 'string') out.push(s.const);
    else return [];
  }
  return out;
}

function describePattern(path: readonly (string | number)[]): string {
  const last = String(path[path.length - 1] ?? '');
  if (last === 'id' && path.length === 1) return 'flow id';
  if (last === 'id') return 'step id';
  if (last === 'sip') return 'SIP method or status';
  if (last === 'establishedBy' || last === 'flow') return 'flow id';
  if (path[path.length - 2] === 'headers') return 'header name';
  return 'identifier';
}

function article(t: string): string {
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}

/** The closest candidate by edit distance, when it is close enough to be a typo. */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best !== undefined && bestD <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] ?? 0;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j] ?? 0;
      prev[j] = Math.min(up + 1, (prev[j - 1] ?? 0) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length] ?? 0;
}
