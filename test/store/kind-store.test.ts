import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import protobuf from 'protobufjs';
import { decodeMcpResource } from '../../src/codec/decode.js';
import { encodeResource } from '../../src/codec/resource-codec.js';
import type { ServiceEntryResource } from '../../src/model/istio.js';
import { KindStore } from '../../src/store/kind-store.js';

const entry = (name: string, address = '10.0.0.1'): ServiceEntryResource => ({
  kind: 'ServiceEntry',
  namespace: 'ns',
  name,
  labels: { a: 'b' },
  annotations: {},
  spec: {
    hosts: [`${name}.ns`],
    ports: [{ number: 80, protocol: 'HTTP', name: 'http-80' }],
    location: 'MESH_INTERNAL',
    resolution: 'STATIC',
    endpoints: [{ address }],
  },
});

/**
 * Decodes what a SotW response carries from `sotwBody()`: the body is a run of
 * `resources` fields (2), each a google.protobuf.Any of an MCP Resource.
 */
function servedBody(s: KindStore): { key: string; version: string; resource: unknown }[] {
  const reader = protobuf.Reader.create(Buffer.concat(s.sotwBody().parts));
  const out: { key: string; version: string; resource: unknown }[] = [];
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    assert.equal(tag, (2 << 3) | 2, 'only length-delimited resources fields (2) in the body');
    const any = protobuf.Reader.create(reader.bytes());
    let typeUrl = '';
    let value: Uint8Array = new Uint8Array();
    while (any.pos < any.len) {
      const t = any.uint32();
      if (t === (1 << 3) + 2) typeUrl = any.string();
      else if (t === (2 << 3) + 2) value = any.bytes();
      else any.skipType(t & 7);
    }
    const d = decodeMcpResource({ type_url: typeUrl, value });
    if ('error' in d) assert.fail(d.error);
    out.push({ key: `${d.resource.namespace}/${d.resource.name}`, version: d.version, resource: d.resource });
  }
  return out;
}

describe('KindStore', () => {
  test('an unchanged resource is not reported as changed and keeps its version', () => {
    const s = new KindStore('ServiceEntry');
    assert.deepEqual(s.apply([entry('a')], []).changed, ['ns/a']);
    const v = s.version();
    assert.deepEqual(s.apply([entry('a')], []).changed, []);
    assert.equal(s.version(), v);
  });

  test('a changed resource gets a new version and changes the kind version', () => {
    const s = new KindStore('ServiceEntry');
    s.apply([entry('a'), entry('b')], []);
    const before = s.get('ns/b')!.version;
    const kindBefore = s.version();
    assert.deepEqual(s.apply([entry('a', '10.0.0.9')], []).changed, ['ns/a']);
    assert.equal(s.get('ns/b')!.version, before);
    assert.notEqual(s.version(), kindBefore);
  });

  test('removing a resource reports it once; removing an unknown one is a no-op', () => {
    const s = new KindStore('ServiceEntry');
    s.apply([entry('a')], []);
    assert.deepEqual(s.apply([], ['ns/a', 'ns/zz']).removed, ['ns/a']);
    assert.deepEqual(s.apply([], ['ns/a']).removed, []);
    assert.equal(s.size, 0);
  });

  test('two fresh stores fed the same resources in any order have identical bytes and versions', () => {
    const names = Array.from({ length: 50 }, (_, i) => `svc-${i}`);
    const s1 = new KindStore('ServiceEntry');
    const s2 = new KindStore('ServiceEntry');
    s1.apply(
      names.map((n) => entry(n)),
      [],
    );
    for (const n of [...names].reverse()) s2.apply([entry(n)], []);
    // and a detour: add then remove an extra resource
    s2.apply([entry('extra')], []);
    s2.apply([], ['ns/extra']);
    assert.equal(s1.version(), s2.version());
    assert.ok(Buffer.concat(s1.sotwBody().parts).equals(Buffer.concat(s2.sotwBody().parts)));
    for (const n of names) assert.equal(s1.get(`ns/${n}`)!.version, s2.get(`ns/${n}`)!.version);
  });

  test('the SotW body lists resources sorted by name', () => {
    const s = new KindStore('ServiceEntry');
    s.apply([entry('c', '10.0.0.3'), entry('a'), entry('b')], []);
    assert.deepEqual(s.keys(), ['ns/a', 'ns/b', 'ns/c']);
    const served = servedBody(s);
    assert.deepEqual(
      served.map((r) => r.key),
      ['ns/a', 'ns/b', 'ns/c'],
    );
    assert.deepEqual(served[2]!.resource, entry('c', '10.0.0.3'));
    for (const r of served) assert.equal(r.version, s.get(r.key)!.version);
  });

  test('the SotW body follows every change: updates, additions and removals', () => {
    const s = new KindStore('ServiceEntry');
    s.apply([entry('a'), entry('b')], []);
    assert.equal(servedBody(s).length, 2); // builds and caches the body
    s.apply([entry('a', '10.0.0.9'), entry('c')], ['ns/b']);
    const served = servedBody(s);
    assert.deepEqual(
      served.map((r) => r.key),
      ['ns/a', 'ns/c'],
    );
    assert.deepEqual(served[0]!.resource, entry('a', '10.0.0.9'));
    assert.deepEqual(served[1]!.resource, entry('c'));
    assert.equal(
      s.sotwBody().length,
      s.sotwBody().parts.reduce((n, p) => n + p.length, 0),
    );
  });

  test('after one change at 3,000 resources the body is right, only the slab holding the change is new, and each resource is held once, inside its slab', () => {
    const s = new KindStore('ServiceEntry');
    const names = Array.from({ length: 3000 }, (_, i) => `svc-${String(i).padStart(4, '0')}`);
    s.apply(
      names.map((n) => entry(n)),
      [],
    );
    const first = s.sotwBody().parts;
    assert.ok(first.length > 3, `${first.length} slabs`);
    s.apply([entry('svc-1500', '10.0.0.7')], []);
    const second = s.sotwBody().parts;
    assert.equal(second.filter((p) => !first.includes(p)).length, 1, 'one new slab');
    const served = servedBody(s);
    assert.equal(served.length, 3000);
    assert.deepEqual(served[1500]!.resource, entry('svc-1500', '10.0.0.7'));
    const slabMemory = new Set(second.map((p) => p.buffer));
    for (const key of s.keys()) {
      const e = s.get(key)!;
      assert.ok(slabMemory.has(e.sotwField.buffer), `${key}: its bytes are a view into a slab`);
      assert.equal(e.any.buffer, e.sotwField.buffer);
      assert.ok(e.sotwField.subarray(e.sotwField.length - e.any.length).equals(e.any));
    }
  });

  test('over any mix of changes, additions and removals between bodies, each body equals the sorted resources joined', () => {
    const s = new KindStore('ServiceEntry');
    const names = Array.from({ length: 3000 }, (_, i) => `svc-${String(i).padStart(4, '0')}`);
    const fieldOf = new Map<string, Buffer>(); // what a fresh store would hold for each key
    const put = (name: string, address: string): ServiceEntryResource => {
      const r = entry(name, address);
      fieldOf.set(`ns/${name}`, encodeResource(r).sotwField);
      return r;
    };
    s.apply(
      names.map((n) => put(n, '10.0.0.1')),
      [],
    );
    let seed = 7;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return Math.floor(seed / 65536) % n;
    };
    for (let round = 0; round < 60; round++) {
      // Even rounds only change resources the store holds; odd ones also add and remove.
      const changesOnly = round % 2 === 0;
      for (let op = 1 + next(4); op > 0; op--) {
        const name = names[next(names.length)]!;
        const key = `ns/${name}`;
        if (changesOnly && !fieldOf.has(key)) continue;
        if (!changesOnly && next(2) === 0 && fieldOf.has(key)) {
          fieldOf.delete(key);
          s.apply([], [key]);
        } else {
          s.apply([put(name, `10.0.${round}.${op}`)], []);
        }
      }
      const want = Buffer.concat([...fieldOf.keys()].sort().map((k) => fieldOf.get(k)!));
      assert.ok(Buffer.concat(s.sotwBody().parts).equals(want), `round ${round}`);
      assert.deepEqual(s.keys(), [...fieldOf.keys()].sort());
    }
  });

  test('the per-resource version is a content hash, not a counter or a time', () => {
    const v1 = encodeResource(entry('a')).version;
    const v2 = encodeResource(entry('a')).version;
    assert.equal(v1, v2);
    assert.match(v1, /^[0-9a-f]{20}$/);
    assert.notEqual(encodeResource(entry('a', '10.0.0.2')).version, v1);
  });
});
