import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { convertService, type ConvertContext } from '../../src/convert/service-entry.js';
import type { IstioResource, ServiceEntryResource } from '../../src/model/istio.js';
import type { RegistryInstance, RegistryService } from '../../src/model/registry.js';
import { istioProblems } from '../support/istio-validate.js';

const ctx: ConvertContext = {
  registryName: 'reg',
  registryType: 'file',
  namespace: 'ext',
  mode: 'serviceentry',
};
const weCtx: ConvertContext = { ...ctx, mode: 'workloadentry' };
const inst = (address: string, port: number, more: Partial<RegistryInstance> = {}): RegistryInstance => ({
  address,
  port,
  labels: {},
  healthy: true,
  ...more,
});
const svc = (instances: RegistryInstance[], more: Partial<RegistryService> = {}): RegistryService => ({
  id: 'web',
  name: 'web',
  instances,
  ...more,
});

function assertAccepted(resources: IstioResource[]): void {
  for (const r of resources) assert.deepEqual(istioProblems(r), [], `${r.kind} ${r.name}`);
}
function onlySe(resources: IstioResource[]): ServiceEntryResource {
  assert.equal(resources.length, 1);
  assert.equal(resources[0]!.kind, 'ServiceEntry');
  return resources[0] as ServiceEntryResource;
}
const codes = (w: { code: string }[]): string[] => w.map((x) => x.code);

describe('convertService: prototype-named registry values are data', () => {
  for (const protocol of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
    test(`protocol "${protocol}" is an unknown protocol served as TCP with a warning, never a throw`, () => {
      for (const c of [ctx, weCtx]) {
        const r = convertService(svc([inst('10.0.0.1', 80, { protocol })]), c);
        assert.ok(codes(r.warnings).includes('PROTOCOL_UNKNOWN'));
        const se = r.resources.find((x) => x.kind === 'ServiceEntry') as ServiceEntryResource;
        assert.deepEqual(se.spec.ports, [{ number: 80, protocol: 'TCP', name: 'tcp-80' }]);
        assertAccepted(r.resources);
      }
    });
  }

  test('service protocol "constructor" (the default for its instances) does not throw either', () => {
    const r = convertService(svc([inst('10.0.0.1', 80)], { protocol: 'constructor' }), ctx);
    assert.equal(onlySe(r.resources).spec.ports[0]!.protocol, 'TCP');
  });

  test('labels "constructor" and "toString" are kept; "__proto__" is dropped with a warning, not lost silently', () => {
    const labels = JSON.parse('{"__proto__":"x","constructor":"c","toString":"t"}') as Record<string, string>;
    const r = convertService(svc([inst('10.0.0.1', 80, { labels })]), ctx);
    const ep = onlySe(r.resources).spec.endpoints![0]!;
    assert.deepEqual(ep.labels, { constructor: 'c', toString: 't' });
    assert.ok(
      r.warnings.some((w) => w.code === 'LABEL_DROPPED' && w.message.includes('__proto__')),
      JSON.stringify(r.warnings),
    );
    assertAccepted(r.resources);
  });
});

describe('convertService: hosts istiod would refuse are not served', () => {
  for (const host of ['.', '..', '...', 'svc.123', '10.0.0.1']) {
    test(`host ${JSON.stringify(host)} is rejected with HOST_INVALID, never served`, () => {
      const r = convertService(svc([inst('10.0.0.1', 80)], { host }), ctx);
      assert.deepEqual(r.resources, []);
      assert.ok(codes(r.warnings).includes('HOST_INVALID'), JSON.stringify(r.warnings));
    });
  }

  test('a namespace that is all digits would make an all-numeric top-level label: rejected with HOST_INVALID', () => {
    const r = convertService(svc([inst('10.0.0.1', 80)], { namespace: '123' }), ctx);
    assert.deepEqual(r.resources, []);
    assert.ok(codes(r.warnings).includes('HOST_INVALID'));
  });

  test('a host with a trailing dot or upper case is still served (sanitised, with a warning)', () => {
    const r = convertService(svc([inst('10.0.0.1', 80)], { host: 'Web.Example.COM.' }), ctx);
    assert.deepEqual(onlySe(r.resources).spec.hosts, ['web.example.com']);
    assertAccepted(r.resources);
  });
});

describe('convertService: endpoint addresses istiod accepts', () => {
  const bad: [string, string][] = [
    ['fe80::1%eth0', 'zone-scoped'],
    ['999.1.1.1', 'not a valid IPv4'],
    ['1.2.3', 'not a valid IPv4'],
    ['10.0.0.01', 'not a valid IPv4'],
    ['256.256.256.256', 'not a valid IPv4'],
    ['db.123', 'neither an IP nor a host name'],
  ];
  for (const [address, why] of bad) {
    test(`${address} is skipped with a warning (${why}); the service's other instance is still served`, () => {
      for (const c of [ctx, weCtx]) {
        const r = convertService(svc([inst(address, 80), inst('10.0.0.2', 80)]), c);
        const warned = r.warnings.find((w) => w.code === 'INSTANCE_INVALID');
        assert.ok(warned?.message.includes(why), JSON.stringify(r.warnings));
        const addresses =
          c.mode === 'serviceentry'
            ? onlySe(r.resources).spec.endpoints!.map((e) => e.address)
            : r.resources.filter((x) => x.kind === 'WorkloadEntry').map((x) => x.spec.address);
        assert.deepEqual(addresses, ['10.0.0.2']);
        const se = r.resources.find((x) => x.kind === 'ServiceEntry') as ServiceEntryResource;
        assert.equal(se.spec.resolution, 'STATIC');
        assertAccepted(r.resources);
      }
    });
  }

  test('a host name endpoint switches its service to DNS resolution, which istiod accepts with IPs beside it', () => {
    for (const c of [ctx, weCtx]) {
      const r = convertService(svc([inst('DB.Example.com.', 80), inst('10.0.0.2', 80)]), c);
      const se = r.resources.find((x) => x.kind === 'ServiceEntry') as ServiceEntryResource;
      assert.equal(se.spec.resolution, 'DNS');
      assertAccepted(r.resources);
    }
    const se = onlySe(
      convertService(svc([inst('DB.Example.com.', 80), inst('10.0.0.2', 80)]), ctx).resources,
    );
    assert.deepEqual(
      se.spec.endpoints!.map((e) => e.address),
      ['10.0.0.2', 'db.example.com'],
    );
  });

  test('a plain IPv6 address is served STATIC and accepted', () => {
    const r = convertService(svc([inst('fe80::1', 80), inst('2001:db8::5', 80)]), ctx);
    assert.equal(onlySe(r.resources).spec.resolution, 'STATIC');
    assertAccepted(r.resources);
  });
});

describe('convertService: the same instances in any order give the same output', () => {
  test('two instances on one address and port with different labels: the choice does not follow input order', () => {
    const a = inst('10.0.0.1', 80, { labels: { v: 'a' }, protocol: 'http' });
    const b = inst('10.0.0.1', 80, { labels: { v: 'b' }, protocol: 'grpc' });
    for (const c of [ctx, weCtx]) {
      assert.deepEqual(convertService(svc([a, b]), c), convertService(svc([b, a]), c));
    }
  });

  test('a weight below 1 is left unset (Istio weights are whole numbers, 0 meaning unset)', () => {
    const r = convertService(svc([inst('10.0.0.1', 80, { weight: 0.5 })]), ctx);
    assert.equal(onlySe(r.resources).spec.endpoints![0]!.weight, undefined);
  });
});
