/** Walks Adaptive Card JSON, the way a person scans a card: inputs by id, buttons by title, visible text. */
type Node = Record<string, unknown>;

function walk(v: unknown, visit: (n: Node) => void): void {
  if (Array.isArray(v)) v.forEach((x) => walk(x, visit));
  else if (v && typeof v === 'object') {
    visit(v as Node);
    Object.values(v as Node).forEach((x) => walk(x, visit));
  }
}

export function findInput(card: unknown, id: string): Node | undefined {
  let found: Node | undefined;
  walk(card, (n) => {
    if (!found && n.id === id && typeof n.type === 'string' && n.type.startsWith('Input.')) found = n;
  });
  return found;
}

export function choicesOf(card: unknown, id: string): Array<{ title: string; value: string }> {
  return (findInput(card, id)?.choices as Array<{ title: string; value: string }> | undefined) ?? [];
}

/** Every Action.Execute on the card (including those inside ShowCards), by title. */
export function actions(card: unknown): Array<{ title: string; verb: string; data: Record<string, unknown> }> {
  const out: Array<{ title: string; verb: string; data: Record<string, unknown> }> = [];
  walk(card, (n) => {
    if (n.type === 'Action.Execute')
      out.push({ title: String(n.title ?? ''), verb: String(n.verb), data: (n.data as Record<string, unknown>) ?? {} });
  });
  return out;
}

export function action(card: unknown, verb: string, match: (d: Record<string, unknown>) => boolean = () => true) {
  const a = actions(card).find((x) => x.verb === verb && match(x.data));
  if (!a)
    throw new Error(
      `no ${verb} action on card: ${actions(card)
        .map((x) => x.verb)
        .join(', ')}`,
    );
  return a;
}

/** All visible text of the card (TextBlocks, facts, labels, button titles), joined. */
export function textOf(card: unknown): string {
  const parts: string[] = [];
  walk(card, (n) => {
    for (const k of ['text', 'title', 'label', 'value', 'placeholder']) if (typeof n[k] === 'string') parts.push(n[k] as string);
  });
  return parts.join('\n');
}

/** The card in an invoke response body ({ statusCode, type, value }). */
export function invokeCard(body: unknown): unknown {
  const b = body as { statusCode?: number; type?: string; value?: unknown };
  if (b?.type !== 'application/vnd.microsoft.card.adaptive')
    throw new Error(`not a card invoke response: ${JSON.stringify(body).slice(0, 300)}`);
  return b.value;
}
