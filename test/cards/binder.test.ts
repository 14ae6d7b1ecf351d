import fs from 'node:fs';
import path from 'node:path';
import * as ACData from 'adaptivecards-templating';
import { compileTemplate } from '../../cards/binder';
import { allCards } from './samples';

/** What adaptivecards-templating itself makes of a template: the reference the binder must equal. */
const reference = (template: object, data: object): unknown => new ACData.Template(template).expand({ $root: data });

describe('the compiled card binder', () => {
  it('compiles every template of the product (none falls back to the slower path)', () => {
    const dir = path.join(__dirname, '..', '..', 'cards', 'templates');
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(5);
    const notCompiled = files.filter((f) => compileTemplate(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as object) === null);
    expect(notCompiled).toEqual([]);
  });

  it('renders every card of the product exactly as adaptivecards-templating does, in English and Korean', () => {
    for (const locale of ['en-US', 'ko-KR']) {
      const compiled = allCards(locale);
      let viaTemplating: ReturnType<typeof allCards> = [];
      jest.isolateModules(() => {
        jest.doMock('../../cards/binder', () => ({ compileTemplate: () => null }));
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        viaTemplating = (require('./samples') as { allCards: typeof allCards }).allCards(locale);
      });
      expect(viaTemplating.map(([n]) => n)).toEqual(compiled.map(([n]) => n));
      expect(compiled.length).toBeGreaterThan(30);
      for (const [i, [name, card]] of compiled.entries()) expect({ name, card }).toEqual({ name, card: viaTemplating[i]![1] });
    }
  });

  // The corners of the templating language's semantics the cards rely on, checked against the library itself.
  const template = {
    text: '${x}',
    nested: '${y.z}',
    nullValue: '${n}',
    nullInside: '${o.p}',
    equals: "${k == 't'}",
    kept: { $when: '${flag}', v: 1 },
    dropped: { $when: '${one}', v: 1 },
    repeated: [{ $data: '${arr}', q: '${q}' }, 'fixed'],
    missingScope: { $data: '${missing}', r: '${r}' },
    nullScope: { $data: '${nul}', r: '${r}' },
    objectScope: { $data: '${obj}', a: '${a}', $when: '${on}' },
    number: '${num}',
    object: '${obj}',
    empty: [{ $data: '${empty}', q: 1 }],
    strings: [{ $data: '${strs}', q: '${q}' }],
    zero: '${zero}',
    plain: 'no binding here',
    constants: [1, true, null, { a: [2] }],
  };
  const cases: Array<[string, object]> = [
    [
      'values of every kind',
      {
        x: 'X',
        n: null,
        o: { p: null },
        k: 't',
        flag: true,
        arr: [{ q: 1 }, { q: null }, {}, { q: 'three' }],
        num: 0,
        obj: { a: [1], on: true },
        empty: [],
        nul: null,
        r: 'R',
        strs: ['a', 'b'],
        zero: 0,
        one: 1,
      },
    ],
    ['nothing bound', { k: null, flag: 'true' }],
    ['one item, other types', { arr: [{ q: { deep: true } }], flag: false, k: 'u', obj: { a: 'A', on: 'yes' }, x: ['list'] }],
  ];
  it.each(cases)('binds %s exactly as adaptivecards-templating does', (_name, data) => {
    expect(compileTemplate(template)!(data)).toEqual(reference(template, data));
  });

  it('leaves anything beyond its subset to adaptivecards-templating', () => {
    for (const t of [
      { text: 'Hello ${name}' },
      { text: '${count + 1}' },
      { text: '${$root.x}' },
      { text: '${$index}' },
      { $when: true, a: 1 },
    ])
      expect(compileTemplate(t)).toBeNull();
  });
});
