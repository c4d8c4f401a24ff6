import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appsHashcode } from '../../../src/adapters/eureka/hashcode.js';
import { RegistryMirror } from '../../../src/adapters/eureka/mirror.js';
import { parseApplications, type EurekaInstance } from '../../../src/adapters/eureka/wire.js';
import { recorded } from './recorded.js';

const parse = (name: string): ReturnType<typeof parseApplications> => parseApplications(recorded(name), name);

/** What a copy holds, comparable with a full answer: app/id status, sorted. */
function held(m: RegistryMirror): string[] {
  return m
    .appNames()
    .flatMap((app) => m.instancesOf(app).map((i) => `${app}/${i.instanceId} ${i.status}`))
    .sort();
}
function listed(instances: readonly EurekaInstance[]): string[] {
  return instances.map((i) => `${i.app}/${i.instanceId} ${i.status}`).sort();
}

describe('eureka apps__hashcode', () => {
  test('lists STATUS_count_ in alphabetical order of the status, skipping zero counts', () => {
    const counts = new Map([
      ['UP', 2],
      ['OUT_OF_SERVICE', 1],
      ['DOWN', 0],
      ['STARTING', 1],
    ]);
    assert.equal(appsHashcode(counts), 'OUT_OF_SERVICE_1_STARTING_1_UP_2_');
  });

  test('an empty registry gives the empty string', () => {
    assert.equal(appsHashcode(new Map()), '');
  });

  test("the copy's hashcode equals the server's for every recorded full answer", () => {
    for (const name of ['01-full', '02-full', '03-full']) {
      const full = parse(name);
      const m = new RegistryMirror(() => true);
      m.replace(full.instances);
      assert.equal(m.hashcode(), full.hashcode, name);
    }
  });
});

describe('eureka delta application (recorded answers)', () => {
  test('full 01 + delta 02 holds what full 02 lists, and its hashcode matches the delta', () => {
    const m = new RegistryMirror(() => true);
    m.replace(parse('01-full').instances);
    const delta = parse('02-delta');
    const touched = m.apply(delta.instances);
    assert.equal(m.hashcode(), delta.hashcode);
    assert.deepEqual(held(m), listed(parse('02-full').instances));
    assert.deepEqual([...touched].sort(), ['DEMO', 'PAY_SVC']);
  });

  test('delta 03 deletes by instanceId although the DELETED entry still says UP', () => {
    const m = new RegistryMirror(() => true);
    m.replace(parse('02-full').instances);
    const delta = parse('03-delta');
    m.apply(delta.instances);
    assert.equal(m.hashcode(), delta.hashcode);
    assert.deepEqual(held(m), listed(parse('03-full').instances));
    assert.deepEqual(
      m.instancesOf('DEMO').map((i) => i.instanceId),
      ['demo-2'],
    );
  });

  test('applying the same delta twice changes nothing (ADDED for a held instance replaces it)', () => {
    const m = new RegistryMirror(() => true);
    m.replace(parse('01-full').instances);
    assert.ok(m.apply(parse('02-delta').instances).size > 0, 'the first time it changes the copy');
    assert.deepEqual([...m.apply(parse('02-delta').instances)], [], 'the second time it reports no app');
    assert.equal(m.size, 3);
    assert.equal(m.hashcode(), 'OUT_OF_SERVICE_1_STARTING_1_UP_1_');
  });

  test('a copy that missed a deletion does not match the next delta’s hashcode', () => {
    const m = new RegistryMirror(() => true);
    m.replace(parse('02-full').instances);
    // demo-7 was deleted while the bridge was not looking, and its DELETED entry aged out of the queue
    const ghost = { ...parse('01-full').instances[0]!, instanceId: 'demo-7' };
    m.apply([ghost]);
    const delta = parse('03-delta');
    m.apply(delta.instances);
    assert.notEqual(m.hashcode(), delta.hashcode);
    assert.equal(m.hashcode(), 'UP_3_');
  });

  test('deleting an instance the copy does not hold is ignored', () => {
    const m = new RegistryMirror(() => true);
    m.replace(parse('01-full').instances);
    const gone = {
      ...parse('01-full').instances[0]!,
      instanceId: 'never-seen',
      actionType: 'DELETED' as const,
    };
    assert.deepEqual([...m.apply([gone])], [], 'and reports no app');
    assert.equal(m.size, 2);
    assert.equal(m.hashcode(), 'UP_2_');
  });

  test('an app whose last instance is deleted is no longer held', () => {
    const m = new RegistryMirror(() => true);
    m.replace(parse('03-full').instances);
    const del = parse('03-full').instances.map((i) => ({ ...i, actionType: 'DELETED' as const }));
    m.apply(del);
    assert.deepEqual(m.appNames(), []);
    assert.equal(m.hashcode(), '');
  });

  test('apps that are not served are counted for the hashcode but their details are not kept', () => {
    const m = new RegistryMirror((app) => app !== 'PAY_SVC');
    m.replace(parse('02-full').instances);
    assert.equal(m.hashcode(), 'OUT_OF_SERVICE_1_STARTING_1_UP_1_');
    assert.deepEqual(m.instancesOf('PAY_SVC'), []);
    assert.equal(m.instancesOf('DEMO').length, 2);
    m.apply(parse('03-delta').instances);
    assert.equal(m.hashcode(), 'UP_2_');
  });

  test('a full fetch replaces everything and reports the apps added, gone or changed', () => {
    const m = new RegistryMirror(() => true);
    m.replace(parse('02-full').instances);
    const touched = m.replace(parse('01-full').instances);
    assert.ok(touched.has('PAY_SVC'), 'an app gone is reported');
    assert.deepEqual(m.appNames(), ['DEMO']);
    assert.equal(m.hashcode(), 'UP_2_');
    assert.deepEqual([...m.replace(parse('02-full').instances)].sort(), [...touched].sort());
  });

  test('a full fetch that finds the copy as it was reports no app', () => {
    for (const name of ['01-full', '02-full', '03-full']) {
      const m = new RegistryMirror(() => true);
      m.replace(parse(name).instances);
      // fresh objects from a second parse, equal in content
      assert.deepEqual([...m.replace(parse(name).instances)], [], name);
    }
  });

  test('a full fetch reports an app when any field of one instance differs, metadata included', () => {
    const base = parse('02-full').instances;
    const target = base.find((i) => i.app === 'DEMO')!;
    const keys = Object.keys(target).filter((k) => k !== 'actionType');
    assert.ok(keys.includes('metadata') && keys.length >= 11, `fields: ${keys.join(', ')}`);
    for (const key of keys) {
      const was = (target as unknown as Record<string, unknown>)[key];
      let now: unknown;
      if (key === 'metadata') now = new Map([...(was as Map<string, string>), ['added', 'x']]);
      else if (typeof was === 'number') now = was + 1;
      else if (typeof was === 'string') now = `${was}x`;
      else now = 'x';
      const changed = { ...target, [key]: now };
      const m = new RegistryMirror(() => true);
      m.replace(base);
      const touched = m.replace(base.map((i) => (i === target ? changed : i)));
      // a changed app name moves the instance to another app: both are reported
      assert.ok(touched.has(key === 'app' ? changed.app : 'DEMO'), `a different ${key} is seen`);
      assert.ok(!touched.has('PAY_SVC'), `only the changed app is reported (${key})`);
    }
  });

  test('an instance added to or gone from an app is reported; an app not served is compared by status only', () => {
    const base = parse('02-full').instances;
    const m = new RegistryMirror((app) => app !== 'PAY_SVC');
    m.replace(base);
    const demo = base.find((i) => i.app === 'DEMO')!;
    assert.deepEqual([...m.replace([...base, { ...demo, instanceId: 'extra' }])], ['DEMO']);
    assert.deepEqual([...m.replace(base)], ['DEMO']);
    const pay = base.find((i) => i.app === 'PAY_SVC')!;
    const swap = (i: EurekaInstance): EurekaInstance => (i === pay ? { ...pay, ipAddr: '192.0.2.99' } : i);
    assert.deepEqual([...m.replace(base.map(swap))], [], 'details of an app not served are not kept');
    const down = (i: EurekaInstance): EurekaInstance => (i === pay ? { ...pay, status: 'DOWN' } : i);
    assert.deepEqual([...m.replace(base.map(down))], ['PAY_SVC'], 'its status counts for the hashcode');
  });
});
