/**
 * The fast YAML reader against js-yaml: whenever it reads a document, it
 * gives what loadYaml gives (same values, PlainScalars by value and text,
 * same key order); anything outside its subset it refuses. A differential
 * property test over documents from a grammar that mixes the subset with
 * what it must refuse, 10,000 cases per run (PROPERTY_RUNS overrides;
 * PROPERTY_SEED replays a failure).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { splitServices } from '../../../src/adapters/file/split.js';
import { fastLoadYaml } from '../../../src/adapters/file/yaml-fast.js';
import { loadYaml, PlainScalar } from '../../../src/adapters/file/yaml-load.js';
import { blockLayoutDoc } from '../../support/block-layout-doc.js';

const RUNS = Number(process.env['PROPERTY_RUNS'] ?? 10_000);
const SEED = process.env['PROPERTY_SEED'] === undefined ? undefined : Number(process.env['PROPERTY_SEED']);

/** A value as a tree that deepStrictEqual compares in key order, with PlainScalars by value and text. */
function shape(v: unknown): unknown {
  if (v instanceof PlainScalar) return { plain: v.value, source: v.source };
  if (Array.isArray(v)) return { list: v.map(shape) };
  if (typeof v === 'object' && v !== null) {
    return {
      proto: Object.getPrototypeOf(v) as unknown,
      entries: Object.entries(v).map(([k, x]) => [k, shape(x)]),
    };
  }
  return v;
}

/** Asserts that the fast reader, when it reads `text`, gives exactly what loadYaml gives; true when it did. */
function sameAsJsYaml(text: string): boolean {
  const fast = fastLoadYaml(text);
  if (fast === undefined) return false;
  let slow: unknown;
  try {
    slow = loadYaml(text);
  } catch (err) {
    assert.fail(`the fast reader read a document js-yaml rejects (${String(err)}): ${JSON.stringify(text)}`);
  }
  assert.deepStrictEqual(shape(fast), shape(slow), JSON.stringify(text));
  assert.deepStrictEqual(fast, slow, JSON.stringify(text));
  return true;
}

// ---- the grammar -------------------------------------------------------------

const PLAIN_WORDS = ['svc-1', 'http', 'v0', 'z1', 'region-1/zone-0', '10.0.1.1', 'a_b', 'x.y', 'abc', 'A'];
const PLAIN_PHRASES = ['hello world', 'a b c', 'a - b', 'x  y'];
/** Plain scalars whose meaning depends on the schema (numbers, booleans, nulls, or strings that look like them). */
const SCHEMA_SCALARS = [
  ...['1.10', '010', '0x1F', '0o7', '+1', '-0', '1e3', '1E3', '1e+3', '.inf', '-.inf', '+.inf', '.Inf'],
  ...['.NaN', '.nan', '.NAN', '~', 'null', 'Null', 'NULL', 'nULL', 'true', 'True', 'TRUE', 'tRUE', 'false'],
  ...['yes', 'on', 'off', 'no', 'y', '1_000', '0', '-1', '+.5', '1.', '.5', '0b1', '1e', '0.0', '00', '-0.0'],
  ...[
    '+0',
    '0o',
    '0x',
    '8080',
    '9007199254740993',
    '1e400',
    '-1e400',
    '.e1',
    '+',
    '~x',
    'a~',
    '/x',
    '-a',
    '--',
  ],
  ...['.', '..', '...', '---', '-.5', '0x_1', '-0x1', '+0o7', '0O7', '0X1F', '1e-3', '.1e1', '-.', '+.'],
];
/** Scalar text outside the subset (or only just inside it): quotes, indicators, colons, `#`, empty, spaces. */
const ODD_SCALARS = [
  ...['12:30', '1,000', 'a#b', 'a #b', '', '"q"', "'q'", '- a', '-', '?', '? a', ':', 'a:b', 'a: b', '&a'],
  ...['*a', '!x', '!!str 1', '|', '>', '%x', '@x', '`x', 'a,b', '[a]', '{a}', '[]', '{}', 'x\ty', 'x ', ' x'],
  ...['é', 'a\\b', 'a=b', 'a!', 'a&b', 'a*b', 'a?', 'a|b', 'a>b', 'a\u2028b', '\ufeffa', 'a\u0000b'],
  ...['x\t', '\tx', 'x\u00a0', '\u00a0x'],
];
const COMMON_KEYS = ['name', 'port', 'labels', 'instances', 'address', 'version', 'zone', 'a', 'b', 'c'];
const ODD_KEYS = [
  ...['__proto__', 'constructor', 'toString', 'hasOwnProperty', '1', '0x1', '1.5', 'true', 'True', 'yes'],
  ...['on', 'null', 'Null', '~', 'a b', 'a:b', '"k"', "'k'", '-k', '.k', '_k', 'k#', 'k ', '? k', ''],
  ...['a-b', 'x.y', 'k/l', 'K', 'é', 'k\t', '<<', 'x'.repeat(1030), 'x'.repeat(1024)],
];

type Node =
  | { kind: 'scalar'; text: string }
  | { kind: 'flow'; text: string }
  | { kind: 'map'; entries: [string, Node][]; step: number; gap: number; indentless: boolean }
  | { kind: 'seq'; items: Node[]; step: number; gap: number; nested: 'compact' | 'below' };
type Collection = Extract<Node, { kind: 'map' | 'seq' }>;

/**
 * Documents of one of two grammars: the `tidy` one stays (nearly) inside the
 * subset, with every schema-dependent scalar and every layout (indent steps,
 * gaps, lists at their key's indent); the other adds odd keys and scalars,
 * duplicate keys, lists in lists, odd flow collections, and one or two
 * hand edits per document (comments, tabs, indentation, markers, quotes...).
 */
function documents(tidy: boolean): fc.Arbitrary<string> {
  const scalar = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...PLAIN_WORDS) },
    { weight: 4, arbitrary: fc.constantFrom(...SCHEMA_SCALARS) },
    { weight: tidy ? 0 : 1, arbitrary: fc.constantFrom(...PLAIN_PHRASES) },
    { weight: tidy ? 0 : 1, arbitrary: fc.constantFrom(...ODD_SCALARS) },
  );
  const key = fc.oneof(
    { weight: 10, arbitrary: fc.constantFrom(...COMMON_KEYS) },
    { weight: tidy ? 0 : 1, arbitrary: fc.constantFrom(...ODD_KEYS) },
  );
  const some = <T>(tidyChoices: readonly T[], oddChoices: readonly T[]): fc.Arbitrary<T> =>
    fc.constantFrom(...tidyChoices, ...(tidy ? [] : oddChoices));

  /** One-line flow collections: `{ k: v, k: v }`, `{}` and `[]`; odd ones in the odd grammar. */
  const flow = fc
    .oneof(
      {
        weight: 6,
        arbitrary: fc
          .record({
            entries: fc.uniqueArray(fc.tuple(key, scalar), {
              minLength: 1,
              maxLength: 3,
              selector: ([k]) => k,
            }),
            pad: some(['', ' ', '  '], []),
            sep: some([', ', ',', ' , ', ',  '], [',,']),
            colon: some([': ', ':  '], [':', ' : ']),
            end: some([''], [',', ', ']),
          })
          .map(
            ({ entries, pad, sep, colon, end }) =>
              `{${pad}${entries.map(([k, v]) => `${k}${colon}${v}`).join(sep)}${end}${pad}}`,
          ),
      },
      { weight: 2, arbitrary: fc.constantFrom('{}', '[]') },
      {
        weight: tidy ? 0 : 2,
        arbitrary: fc.constantFrom(
          '[a]',
          '[a, b]',
          '[ ]',
          '{ }',
          '{a: [b]}',
          '{a: {b: c}}',
          '{a: b c}',
          '{a: b, a: c}',
        ),
      },
    )
    .map((text): Node => ({ kind: 'flow', text }));

  const { node } = fc.letrec<{ node: Node; item: Node }>((tie) => {
    const plain = scalar.map((text): Node => ({ kind: 'scalar', text }));
    const map = fc
      .record({
        kind: fc.constant('map' as const),
        entries: fc.uniqueArray(fc.tuple(key, tie('node')), {
          minLength: 1,
          maxLength: 4,
          selector: ([k]) => k,
        }),
        duplicate: some([false], [false, false, false, true]),
        step: fc.constantFrom(2, 2, 2, 1, 3, 4),
        gap: fc.constantFrom(1, 1, 1, 1, 2),
        indentless: fc.boolean(),
      })
      .map(({ duplicate, entries, ...rest }): Node => ({
        ...rest,
        entries: duplicate ? [...entries, entries[0]!] : entries,
      }));
    const seq = fc.record({
      kind: fc.constant('seq' as const),
      items: fc.array(tie('item'), { minLength: 1, maxLength: 4 }),
      step: fc.constantFrom(2, 2, 2, 1, 3, 4),
      gap: fc.constantFrom(1, 1, 1, 1, 2),
      nested: fc.constantFrom('compact' as const, 'below' as const),
    });
    return {
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        { weight: 4, arbitrary: plain },
        { weight: 2, arbitrary: flow },
        { weight: 3, arbitrary: map },
        { weight: 3, arbitrary: seq },
      ),
      // a list right in a list (`- - a`, or `-` with the list below) is outside the subset
      item: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        { weight: 4, arbitrary: plain },
        { weight: 2, arbitrary: flow },
        { weight: 4, arbitrary: map },
        { weight: tidy ? 0 : 1, arbitrary: seq },
      ),
    };
  });

  return fc
    .record({
      root: node.filter((n): n is Collection => n.kind === 'map' || n.kind === 'seq'),
      indent: fc.constantFrom(0, 0, 2),
      edits: fc.array(fc.tuple(fc.nat(), fc.nat({ max: EDITS.length - 1 })), {
        minLength: tidy ? 0 : 1,
        maxLength: tidy ? 0 : 2,
      }),
      finalNewline: fc.boolean(),
    })
    .map(({ root, indent, edits, finalNewline }) => {
      let lines = root.kind === 'map' ? mapLines(root, indent) : seqLines(root, indent);
      for (const [at, e] of edits) {
        const i = at % lines.length;
        lines = [...lines.slice(0, i), ...EDITS[e]!(lines[i]!), ...lines.slice(i + 1)];
        if (lines.length === 0) lines = [''];
      }
      return lines.join('\n') + (finalNewline ? '\n' : '');
    });
}

const pad = (n: number): string => ' '.repeat(n);

/** The lines of a block mapping whose keys are at column `col`. */
function mapLines(n: Extract<Node, { kind: 'map' }>, col: number): string[] {
  const out: string[] = [];
  for (const [k, v] of n.entries) {
    if (v.kind === 'scalar' || v.kind === 'flow') out.push(`${pad(col)}${k}:${pad(n.gap)}${v.text}`);
    else {
      out.push(`${pad(col)}${k}:`);
      if (v.kind === 'map') out.push(...mapLines(v, col + n.step));
      else out.push(...seqLines(v, n.indentless ? col : col + n.step));
    }
  }
  return out;
}

/** The lines of a block sequence whose dashes are at column `col`. */
function seqLines(n: Extract<Node, { kind: 'seq' }>, col: number): string[] {
  const out: string[] = [];
  const dash = `${pad(col)}-${pad(n.gap)}`;
  for (const v of n.items) {
    if (v.kind === 'scalar' || v.kind === 'flow') out.push(`${dash}${v.text}`);
    else if (v.kind === 'seq' && n.nested === 'below') out.push(`${pad(col)}-`, ...seqLines(v, col + n.step));
    else {
      // the first line of the nested collection on the dash's line
      const inner = col + 1 + n.gap;
      const lines = v.kind === 'map' ? mapLines(v, inner) : seqLines(v, inner);
      out.push(dash + lines[0]!.slice(inner), ...lines.slice(1));
    }
  }
  return out;
}

/** Hand edits of one line: what a hand-written file may hold that the subset does not, or odd indentation. */
const EDITS = [
  (l: string) => [l, '# a comment'],
  (l: string) => [`${l} # note`],
  (l: string) => [l, ''],
  (l: string) => [l, '   '],
  (l: string) => [`${l} `],
  (l: string) => [`\t${l}`],
  (l: string) => [`${l}\r`],
  (l: string) => [` ${l}`],
  (l: string) => [l.replace(/^ /, '')],
  (l: string) => [l, l],
  (_l: string) => [],
  (l: string) => ['---', l],
  (l: string) => [l, '...'],
  (l: string) => [l.replace(/: /, ': &x ')],
  (l: string) => [l.replace(/: /, ': !!str ')],
  (l: string) => [l.replace(/: (.*)$/, ': "$1"')],
  (l: string) => [l.replace(/: (.*)$/, ': |\n  $1')],
  (l: string) => [l, `${l.replace(/\S.*$/, '')}  continued`],
  (l: string) => [l.replace(/- /, '? ')],
  (l: string) => [`${l}:`],
  (l: string) => [l.replace(/^( *)/, '$1$1')],
];

/** Documents, half of each grammar. */
const doc = fc.oneof(documents(true), documents(false));

// ---- the tests ---------------------------------------------------------------

describe('fastLoadYaml', () => {
  test('whatever it reads, it reads as js-yaml does; it reads a good share of the grammar and refuses the rest', () => {
    let read = 0;
    let refused = 0;
    let readWithPlainScalar = 0;
    let readWithNull = 0;
    let readWithFlowMapping = 0;
    fc.assert(
      fc.property(doc, (text) => {
        if (!sameAsJsYaml(text)) {
          refused++;
          return;
        }
        read++;
        const json = JSON.stringify(fastLoadYaml(text));
        if (/\{[^}]/.test(text)) readWithFlowMapping++;
        if (json.includes('"source"')) readWithPlainScalar++;
        if (json.includes('null')) readWithNull++;
      }),
      { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) },
    );
    const total = read + refused;
    // Both paths are exercised: the comparisons above are not vacuous.
    assert.ok(read >= total * 0.25, `read ${read} of ${total}`);
    assert.ok(refused >= total * 0.25, `refused ${refused} of ${total}`);
    assert.ok(readWithPlainScalar >= total * 0.05, `read with a number or boolean: ${readWithPlainScalar}`);
    assert.ok(readWithNull >= total * 0.01, `read with a null: ${readWithNull}`);
    assert.ok(readWithFlowMapping >= total * 0.05, `read with a flow mapping: ${readWithFlowMapping}`);
  });

  test('the bench layout is read by the fast reader, whole and piece by piece', () => {
    const text = blockLayoutDoc(30);
    assert.ok(sameAsJsYaml(text), 'the whole bench document was refused');
    const split = splitServices(text);
    assert.ok(split !== undefined);
    assert.equal(split.chunks.length, 30);
    for (const chunk of split.chunks) assert.ok(sameAsJsYaml(chunk.text), `refused: ${chunk.text}`);
  });

  test('plain scalars resolve as the schema resolves them: numbers and booleans keep their text', () => {
    const read = fastLoadYaml(
      '- a: 1.10\n  b: 010\n  c: true\n  d: ~\n  e: yes\n  f: { g: 0x1F, h: .inf }\n',
    );
    assert.deepStrictEqual(read, [
      {
        a: new PlainScalar(1.1, '1.10'),
        b: new PlainScalar(10, '010'),
        c: new PlainScalar(true, 'true'),
        d: null,
        e: 'yes',
        f: { g: new PlainScalar(31, '0x1F'), h: new PlainScalar(Infinity, '.inf') },
      },
    ]);
  });

  test('it refuses what is outside its subset, where js-yaml decides (or reports the error)', () => {
    const outside = [
      'a: 1 # comment\n',
      'a: "1"\n',
      'a: &x 1\nb: *x\n',
      'a: !!str 1\n',
      'a: |\n  text\n',
      'a:\n\tb: 1\n',
      'a: 1\r\n',
      'a: one\n  two\n',
      '? a\n: 1\n',
      'a: 1\na: 2\n',
      '__proto__: 1\n',
      '1: a\n',
      'true: a\n',
      '~: a\n',
      'a:\n',
      'a: [1, 2]\n',
      'a: 12:30\n',
      'a: b#c\n',
      '---\na: 1\n',
      'a: 1\n...\n',
      'a:\n   b: 1\n  c: 2\n',
      'a: 1 \n',
      '',
      'just a scalar\n',
    ];
    for (const text of outside) assert.equal(fastLoadYaml(text), undefined, JSON.stringify(text));
  });

  test('nesting deeper than its bound is refused, not read', () => {
    let text = '';
    for (let d = 0; d < 40; d++) text += `${' '.repeat(2 * d)}k:\n`;
    text += `${' '.repeat(80)}k: v\n`;
    assert.equal(fastLoadYaml(text), undefined);
    assert.ok(sameAsJsYaml('a:\n  b:\n    c:\n      - d: e\n'));
  });
});
