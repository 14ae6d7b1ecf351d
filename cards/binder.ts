/**
 * A compiled binder for the subset of the Adaptive Card Templating language our templates use, with
 * adaptivecards-templating's exact results (test/cards/binder.test.ts expands every card both ways).
 *
 * Why: adaptivecards-templating evaluates every `${…}` through adaptive-expressions on each render
 * (a memory object, options and an evaluator per binding): 7–8 % of the bot's CPU per turn in the bench
 * profile, most of it for the claim card. Our templates only place finished values, so each binding
 * is a property path or a comparison with a string literal, and a template compiles to closures once.
 *
 * The subset: strings that are exactly `${a.b.c}` (the value keeps its type) or `${a == 'x'}`; objects
 * with `$data` (an array repeats the object per item, anything else becomes the scope) and `$when`
 * (kept only when it is `true`). Anything else — text around a binding, functions, `$index`, `$root` —
 * makes `compileTemplate` return null, and render.ts expands that template with adaptivecards-templating.
 *
 * Reference semantics kept: a path that finds nothing (`undefined`) gives back the binding's own text
 * (`"${a.b}"`), a path to `null` gives `null`; a `$data` that finds nothing scopes to that text; an
 * object expanded for no item is `null` (dropped from arrays), for several items an array (spliced into
 * a parent array); `$when` evaluates in the item's scope.
 */

type Scope = unknown;
type Bound = (scope: Scope) => unknown;

const PATH = /^\$\{([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\}$/;
const EQUALS = /^\$\{([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*) == '([^'\\$]*)'\}$/;
/** Keys adaptivecards-templating removes from the output (it owns them). */
const RESERVED = new Set(['$data', '$when', '$root', '$index', '$host', '$_acTemplateVersion']);

class Unsupported extends Error {}

/** Looks a path up the way adaptive-expressions' memory does for plain data: `undefined` when any step is missing. */
function lookup(segments: readonly string[], scope: Scope): unknown {
  let v: unknown = scope;
  for (const s of segments) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[s];
  }
  return v;
}

function pathOf(text: string): string[] {
  const segments = text.split('.');
  // Names Object.prototype carries (toString, constructor, …) would resolve differently: not in the subset.
  if (segments.some((s) => s in Object.prototype)) throw new Unsupported(text);
  return segments;
}

function compileString(s: string): Bound {
  if (!s.includes('${')) return () => s;
  const path = PATH.exec(s);
  if (path) {
    const segments = pathOf(path[1]!);
    return (scope) => {
      const v = lookup(segments, scope);
      return v === undefined ? s : v;
    };
  }
  const eq = EQUALS.exec(s);
  if (eq) {
    const segments = pathOf(eq[1]!);
    const literal = eq[2]!;
    return (scope) => lookup(segments, scope) === literal;
  }
  throw new Unsupported(s);
}

/** `$when` and `$data` are bindings of one path (or a comparison for `$when`). */
function compileBinding(v: unknown, key: string): Bound {
  if (typeof v !== 'string' || !(PATH.test(v) || (key === '$when' && EQUALS.test(v)))) throw new Unsupported(`${key}: ${String(v)}`);
  return compileString(v);
}

function compileObject(node: Record<string, unknown>): Bound {
  const keys = Object.keys(node);
  if (keys.some((k) => RESERVED.has(k) && k !== '$data' && k !== '$when')) throw new Unsupported(keys.join(','));
  const fields: Array<[string, Bound]> = keys.filter((k) => !RESERVED.has(k)).map((k) => [k, compileNode(node[k])]);
  const data = '$data' in node ? compileBinding(node.$data, '$data') : null;
  const when = '$when' in node ? compileBinding(node.$when, '$when') : null;
  const one = (scope: Scope): Record<string, unknown> | null => {
    if (when) {
      // Only a boolean true keeps the object. A path that finds nothing is false, never its own text.
      const w = when(scope);
      if (w !== true) return null;
    }
    const out: Record<string, unknown> = {};
    for (const [k, bound] of fields) {
      const v = bound(scope);
      if (v !== undefined) out[k] = v;
    }
    return out;
  };
  if (!data) return one;
  return (scope) => {
    const d = data(scope);
    if (!Array.isArray(d)) return one(d === undefined ? scope : d);
    const out: Array<Record<string, unknown>> = [];
    for (const item of d) {
      const o = one(item === undefined ? scope : item);
      if (o !== null) out.push(o);
    }
    return out.length === 0 ? null : out.length === 1 ? out[0] : out;
  };
}

function compileArray(node: unknown[]): Bound {
  const items = node.map(compileNode);
  return (scope) => {
    const out: unknown[] = [];
    for (const item of items) {
      const v = item(scope);
      if (v === null) continue;
      if (Array.isArray(v)) out.push(...(v as unknown[]));
      else out.push(v);
    }
    return out;
  };
}

function compileNode(node: unknown): Bound {
  if (typeof node === 'string') return compileString(node);
  if (Array.isArray(node)) return compileArray(node);
  if (node !== null && typeof node === 'object') return compileObject(node as Record<string, unknown>);
  return () => node;
}

export type CompiledTemplate = (data: object) => unknown;

/** The template as one function of its data, or null when it uses more than the subset above. */
export function compileTemplate(template: object): CompiledTemplate | null {
  try {
    const bound = compileNode(template);
    return (data) => bound(data);
  } catch (e) {
    if (e instanceof Unsupported) return null;
    throw e;
  }
}
