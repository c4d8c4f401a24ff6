import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseRegistryFile, RegistryFileReader } from '../../../src/adapters/file/format.js';

describe('parseRegistryFile', () => {
  test('reads services with defaults (healthy true, labels empty)', () => {
    const { services, problems } = parseRegistryFile(
      'services:\n  - name: a\n    instances:\n      - address: 10.0.0.1\n        port: 80\n',
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(services, [
      { id: '/a', name: 'a', instances: [{ address: '10.0.0.1', port: 80, labels: {}, healthy: true }] },
    ]);
  });

  test('a bad instance is skipped and reported, its siblings are kept', () => {
    const { services, problems } = parseRegistryFile(
      'services:\n  - name: a\n    instances:\n      - { address: 10.0.0.1, port: 80 }\n      - { address: 10.0.0.2, port: "x" }\n',
    );
    assert.equal(services[0]!.instances.length, 1);
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /services\[0\]\.instances\[1\]: port/);
  });

  test('a service listed twice keeps the first and reports the second', () => {
    const { services, problems } = parseRegistryFile(
      'services:\n  - name: a\n  - name: a\n  - name: a\n    namespace: x\n',
    );
    assert.equal(services.length, 2);
    assert.match(problems[0]!, /listed twice/);
  });

  test('numeric and boolean label values become strings', () => {
    const { services } = parseRegistryFile(
      'services:\n  - name: a\n    instances:\n      - { address: 10.0.0.1, port: 80, labels: { v: 2, canary: true } }\n',
    );
    assert.deepEqual(services[0]!.instances[0]!.labels, { v: '2', canary: 'true' });
  });

  test('a document that is not a services mapping throws', () => {
    assert.throws(() => parseRegistryFile('services: 5\n'), /services/);
    assert.throws(() => parseRegistryFile('services: [\n'));
  });

  test('a missing or misspelt services key, or an empty file, throws instead of meaning "no services"', () => {
    for (const text of ['service:\n  - name: a\n', '', '# only a comment\n', 'foo: 1\n']) {
      assert.throws(() => parseRegistryFile(text), /services: \[\]/, JSON.stringify(text));
    }
    assert.deepEqual(parseRegistryFile('services: []\n').services, []);
  });
});

describe('parseRegistryFile keeps values as written', () => {
  test('an unquoted numeric or boolean label value is served as written (1.10 stays 1.10, not 1.1)', () => {
    const { services, problems } = parseRegistryFile(
      [
        'services:',
        '  - name: a',
        '    instances:',
        '      - address: 10.0.0.1',
        '        port: 80',
        '        labels: { version: 1.10, build: 010, hex: 0x1F, big: 1e3, flag: True, release: 2.0 }',
      ].join('\n'),
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(services[0]!.instances[0]!.labels, {
      version: '1.10',
      build: '010',
      hex: '0x1F',
      big: '1e3',
      flag: 'True',
      release: '2.0',
    });
  });

  test('numbers and booleans of typed fields are still read as such', () => {
    const { services, problems } = parseRegistryFile(
      'services:\n  - name: a\n    instances:\n      - { address: h, port: 0x50, weight: 3, healthy: False }\n',
    );
    assert.deepEqual(problems, []);
    const i = services[0]!.instances[0]!;
    assert.equal(i.port, 80);
    assert.equal(i.weight, 3);
    assert.equal(i.healthy, false);
  });
});

describe('parseRegistryFile reads the block layout piece by piece', () => {
  const docs: Record<string, string> = {
    'list at indent 0, comments and blank lines between items': [
      '# header',
      'services:',
      '- name: a',
      '  instances:',
      '  - address: 10.0.0.1',
      '    port: 80',
      '',
      '# between',
      '- name: b # trailing comment',
      '  protocol: http',
      'other: 1',
    ].join('\n'),
    'a block scalar and a multi-line plain scalar': [
      'services:',
      '  - name: a',
      '    host: >-',
      '      a.example',
      '  - name: b',
      '    instances:',
      '      - address: 10.0.0.2',
      '        port: 81',
      '        labels:',
      '          note: one',
      '            two',
    ].join('\n'),
    'an anchor used in another item (pieces cannot be read alone)': [
      'services:',
      '  - name: a',
      '    instances: &insts',
      '      - { address: 10.0.0.1, port: 80 }',
      '  - name: b',
      '    instances: *insts',
    ].join('\n'),
  };
  for (const [what, text] of Object.entries(docs)) {
    test(`the same services as the whole document: ${what}`, () => {
      const whole = parseRegistryFile(`%YAML 1.2\n---\n${text}`);
      const pieces = parseRegistryFile(text);
      assert.deepEqual(pieces.services, whole.services);
      assert.ok(pieces.services.length >= 2);
    });
  }

  test('a syntax error names its line in the file', () => {
    const text = 'services:\n  - name: a\n  - name: b\n    instances: [\n  - name: c\n';
    assert.throws(() => parseRegistryFile(text), /line \d+/);
  });

  test('a skipped service or instance names the line of its service', () => {
    const { problems } = parseRegistryFile(
      'services:\n  - name: a\n  - name: b\n    instances:\n      - { address: x, port: 0 }\n  - host: no-name\n',
    );
    assert.deepEqual(
      problems.map((p) => p.replace(/: .*\(/, ': (')),
      ['services[1].instances[0]: (line 3)', 'services[2]: (line 6)'],
    );
  });
});

describe('RegistryFileReader', () => {
  const file = (versions: string[]): string =>
    'services:\n' +
    versions
      .map(
        (v, i) =>
          `  - name: s${i}\n    instances:\n      - { address: 10.0.0.${i}, port: 80, labels: { v: ${v} } }`,
      )
      .join('\n') +
    '\n';

  test('an unchanged service is the same object on the next read; a changed one is new', () => {
    const reader = new RegistryFileReader();
    const first = reader.read(file(['1', '1', '1']));
    const second = reader.read(file(['1', '2', '1']));
    assert.equal(second.services[0], first.services[0]);
    assert.notEqual(second.services[1], first.services[1]);
    assert.equal(second.services[2], first.services[2]);
    assert.equal(second.services[1]!.instances[0]!.labels['v'], '2');
  });

  test('services added, removed, moved or listed twice between reads: the same result as a fresh read, unchanged services the same objects', () => {
    const doc = (list: readonly string[]): string =>
      'services:\n' +
      list
        .map((s) => {
          const [name, v] = s.split('=');
          return `  - name: ${name}\n    instances:\n      - { address: 10.0.0.1, port: 80, labels: { v: "${v}" } }`;
        })
        .join('\n') +
      '\n';
    const reads = [
      ['a=1', 'b=1', 'c=1', 'd=1', 'e=1'],
      ['x=1', 'a=1', 'b=1', 'c=2', 'd=1', 'e=1'], // one added in front, one changed
      ['a=1', 'b=1', 'd=1', 'e=1'], // two removed
      ['e=1', 'd=1', 'b=1', 'a=1'], // reversed
      ['e=1', 'e=1', 'd=1', 'b=1', 'y=1', 'a=1'], // listed twice, one added in the middle
      ['a=1', 'b=1', 'c=1', 'd=1', 'e=1'],
    ];
    const reader = new RegistryFileReader();
    let before = new Map<string, unknown>();
    for (const list of reads) {
      const got = reader.read(Buffer.from(doc(list)));
      assert.deepEqual(got, new RegistryFileReader().read(Buffer.from(doc(list))), list.join(' '));
      for (const svc of got.services) {
        const text = list.find((e) => e.startsWith(`${svc.name}=`))!;
        if (before.has(text)) assert.equal(svc, before.get(text), `${text} is the object of the last read`);
      }
      before = new Map(got.services.map((svc) => [list.find((e) => e.startsWith(`${svc.name}=`))!, svc]));
    }
  });

  test('a JSON file is read the same way, unchanged services reused', () => {
    const reader = new RegistryFileReader();
    const doc = (port: number): string =>
      JSON.stringify({
        services: [
          { name: 'a', instances: [{ address: '10.0.0.1', port: 80 }] },
          { name: 'b', instances: [{ address: '10.0.0.2', port }] },
        ],
      });
    const first = reader.read(doc(80));
    const second = reader.read(doc(81));
    assert.equal(second.services[0], first.services[0]);
    assert.equal(second.services[1]!.instances[0]!.port, 81);
  });
});

describe('RegistryFileReader from bytes', () => {
  const docs: Record<string, string> = {
    'the block layout':
      'services:\n  - name: a\n    instances:\n      - { address: 10.0.0.1, port: 80 }\n  - name: b\n',
    'non-ASCII text in labels and comments': [
      '# Grüße',
      'services:',
      '  - name: a # café',
      '    instances:',
      '      - address: 10.0.0.1',
      '        port: 80',
      '        labels: { team: "ünïcode", note: 日本 }',
      '  - name: b',
    ].join('\n'),
    'CRLF line ends': 'services:\r\n  - name: a\r\n    protocol: http\r\n  - name: b\r\n',
    'a byte order mark': '\uFEFFservices:\n  - name: a\n',
    JSON: '{"services":[{"name":"a","instances":[{"address":"10.0.0.1","port":80}]}]}',
    'JSON after white space': '\n  [1]',
    'a flow-style document': 'services: [{ name: a }, { name: b }]\n',
    'a bad instance and a duplicate':
      'services:\n  - name: a\n    instances:\n      - { address: 10.0.0.1, port: x }\n  - name: a\n',
  };
  for (const [what, text] of Object.entries(docs)) {
    test(`its UTF-8 bytes read the same as its text: ${what}`, () => {
      const read = (c: string | Buffer): unknown => {
        try {
          return new RegistryFileReader().read(c);
        } catch (err) {
          return { threw: (err as Error).message };
        }
      };
      assert.deepEqual(read(Buffer.from(text, 'utf8')), read(text));
    });
  }

  test('isLastRead: true for the bytes of the last good cut, kept through a failed read, unknown after a JSON read', () => {
    const reader = new RegistryFileReader();
    const good = Buffer.from('services:\n  - name: a\n  - name: b\n  - name: c\n');
    assert.equal(reader.isLastRead(good), undefined, 'nothing read yet');
    reader.read(good);
    assert.equal(reader.isLastRead(Buffer.from(good)), true);
    assert.equal(reader.isLastRead(Buffer.from('services:\n  - name: a\n')), false);
    assert.throws(() => reader.read(Buffer.from('services:\n  - name: [a\n')));
    assert.equal(reader.isLastRead(good), true, 'a failed read leaves the last good one');
    reader.read(Buffer.from('{"services":[{"name":"a"}]}'));
    assert.equal(reader.isLastRead(good), undefined);
  });

  test('unchanged services are the same objects across reads of bytes, a changed one is new', () => {
    const reader = new RegistryFileReader();
    const doc = (port: number): Buffer =>
      Buffer.from(
        `services:\n  - name: a\n  - name: b\n    instances:\n      - { address: 10.0.0.1, port: ${port} }\n`,
      );
    const first = reader.read(doc(80)).services;
    const second = reader.read(doc(81)).services;
    assert.equal(second[0], first[0]);
    assert.notEqual(second[1], first[1]);
    assert.equal(second[1]!.instances[0]!.port, 81);
  });
});
