import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
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
    s.apply([entry('c'), entry('a'), entry('b')], []);
    assert.deepEqual(s.keys(), ['ns/a', 'ns/b', 'ns/c']);
  });

  test('the per-resource version is a content hash, not a counter or a time', () => {
    const v1 = encodeResource(entry('a')).version;
    const v2 = encodeResource(entry('a')).version;
    assert.equal(v1, v2);
    assert.match(v1, /^[0-9a-f]{20}$/);
    assert.notEqual(encodeResource(entry('a', '10.0.0.2')).version, v1);
  });
});
