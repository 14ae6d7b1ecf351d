import * as ACData from 'adaptivecards-templating';
import { compileTemplate, type CompiledTemplate } from './binder';
import type { AdaptiveCard, Json } from './types';

/**
 * Each template compiled once (cards/binder.ts: our templates' subset of the templating language, the
 * same results as adaptivecards-templating at a fraction of its cost per render); a template beyond
 * that subset is parsed once by adaptivecards-templating instead (`new Template()` parses every `${…}`
 * with adaptive-expressions' ANTLR parser; `expand()` then only evaluates). Keyed by the imported JSON
 * object itself, so each card keeps its template file as the single source and nothing can go stale.
 */
const prepared = new WeakMap<object, CompiledTemplate>();

function prepare(template: object): CompiledTemplate {
  const compiled = compileTemplate(template);
  if (compiled) return compiled;
  const t = new ACData.Template(template);
  // expand() is synchronous and keeps its state on the instance only while it runs, so sharing one is safe.
  return (data) => t.expand({ $root: data }) as unknown;
}

/**
 * Expands a JSON template with a prepared view model. Templates bind only finished strings and
 * flags; a property whose prepared value is `null` is dropped afterwards, which is how optional
 * properties (an input's `value`, a link) are left out without a second template variant.
 */
export function expand(template: object, data: object): AdaptiveCard {
  let t = prepared.get(template);
  if (!t) {
    t = prepare(template);
    prepared.set(template, t);
  }
  return prune(t(data) as Json) as unknown as AdaptiveCard;
}

/**
 * A template built from parts: every `{ "$include": name }` object is replaced by `parts[name]`, so
 * two cards can show the same fragment (a document row) from one JSON file. Runs once per template.
 */
export function composeTemplate(template: object, parts: Record<string, object>): object {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.$include === 'string') {
        const part = parts[o.$include];
        if (!part) throw new Error(`template part ${o.$include} is missing`);
        return walk(part);
      }
      return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, walk(x)]));
    }
    return v;
  };
  return walk(template) as object;
}

function prune(v: Json): Json {
  if (Array.isArray(v)) return v.map(prune);
  if (v && typeof v === 'object') {
    const o: { [k: string]: Json } = {};
    for (const [k, val] of Object.entries(v)) {
      if (val === null || val === undefined) continue;
      // An empty action list is noise; Teams renders nothing for it anyway.
      if (k === 'actions' && Array.isArray(val) && val.length === 0) continue;
      o[k] = prune(val);
    }
    return o;
  }
  return v;
}

/** Size of the card as sent (UTF-8 JSON); Teams limits a message to about 28 KB of card for updates. */
export function cardBytes(card: AdaptiveCard): number {
  return Buffer.byteLength(JSON.stringify(card), 'utf8');
}
