import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import schema from './adaptive-card-1.5.schema.json';
import chartsSchema from './adaptive-card-charts.schema.json';
import { VERBS, cardBytes, type AdaptiveCard } from '../../cards';

/**
 * Checks a rendered card the way Teams would care: the 1.5 subset schema and Teams' chart elements
 * (strict: unknown element or action types and unknown properties fail), a text fallback on every chart, nothing left unexpanded by the templating engine,
 * a known verb on every Action.Execute, unique input ids, and well under the 28 KB card budget.
 */
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
// Teams' chart elements (Chart.HorizontalBar.Stacked, Chart.Gauge) live in their own schema, referenced by $id.
ajv.addSchema(chartsSchema);
const validateSchema = ajv.compile(schema);
const KNOWN_VERBS = new Set<string>(Object.values(VERBS));

type Node = unknown;
function walk(n: Node, visit: (o: Record<string, unknown>) => void): void {
  if (Array.isArray(n)) n.forEach((x) => walk(x, visit));
  else if (n && typeof n === 'object') {
    visit(n as Record<string, unknown>);
    Object.values(n as Record<string, unknown>).forEach((x) => walk(x, visit));
  }
}

export function problems(card: AdaptiveCard): string[] {
  const out: string[] = [];
  if (!validateSchema(card))
    out.push(...(validateSchema.errors ?? []).map((e) => `schema ${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`));
  const json = JSON.stringify(card);
  if (json.includes('${')) out.push('unexpanded ${...} left in the card');
  if (/"\$(when|data|index|root)"/.test(json)) out.push('template keyword left in the card');
  const ids = new Set<string>();
  walk(card, (o) => {
    if (o.type === 'Action.Execute' && !KNOWN_VERBS.has(String(o.verb))) out.push(`unknown verb ${String(o.verb)}`);
    // A client without charts must lose nothing: every chart falls back to an element (its figures as text).
    if (typeof o.type === 'string' && o.type.startsWith('Chart.') && (!o.fallback || typeof o.fallback !== 'object'))
      out.push(`${o.type} without a text fallback`);
    if (typeof o.type === 'string' && o.type.startsWith('Input.')) {
      const id = String(o.id);
      if (ids.has(id)) out.push(`duplicate input id ${id}`);
      ids.add(id);
    }
  });
  if (cardBytes(card) >= 28 * 1024) out.push(`card is ${cardBytes(card)} bytes`);
  return out;
}

/** Every user-visible text of a card, for content assertions. */
export function texts(card: AdaptiveCard): string[] {
  const out: string[] = [];
  walk(card, (o) => {
    for (const k of ['text', 'title', 'label', 'value', 'placeholder', 'errorMessage'])
      if (typeof o[k] === 'string') out.push(o[k] as string);
  });
  return out;
}

export function actions(card: AdaptiveCard): Array<{ type: string; title?: string; verb?: string; data?: Record<string, unknown> }> {
  const out: Array<{ type: string; title?: string; verb?: string; data?: Record<string, unknown> }> = [];
  walk(card, (o) => {
    if (typeof o.type === 'string' && o.type.startsWith('Action.')) out.push(o as { type: string });
  });
  return out;
}

export function findInput(card: AdaptiveCard, id: string): Record<string, unknown> | undefined {
  let found: Record<string, unknown> | undefined;
  walk(card, (o) => {
    if (typeof o.type === 'string' && o.type.startsWith('Input.') && o.id === id) found = o;
  });
  return found;
}
