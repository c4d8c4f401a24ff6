import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ServiceEntryResource, ServiceEntrySpec, WorkloadEntryResource } from '../../src/model/istio.js';
import { fqdnProblem, istioProblems, labelKeyProblem, wildcardDomainProblem } from './istio-validate.js';

const se = (
  spec: Partial<ServiceEntrySpec>,
  meta: Partial<ServiceEntryResource> = {},
): ServiceEntryResource => ({
  kind: 'ServiceEntry',
  namespace: 'ns',
  name: 'web',
  labels: {},
  annotations: {},
  ...meta,
  spec: {
    hosts: ['web.ns'],
    ports: [{ number: 80, protocol: 'HTTP', name: 'http-80' }],
    location: 'MESH_INTERNAL',
    resolution: 'STATIC',
    ...spec,
  },
});
const we = (spec: WorkloadEntryResource['spec']): WorkloadEntryResource => ({
  kind: 'WorkloadEntry',
  namespace: 'ns',
  name: 'web-1',
  labels: {},
  annotations: {},
  spec,
});

describe('istio-validate: what istiod accepts', () => {
  test('a plain STATIC ServiceEntry with IP endpoints, and a DNS one with a host name beside an IP', () => {
    assert.deepEqual(
      istioProblems(se({ endpoints: [{ address: '10.0.0.1', ports: { 'http-80': 8080 } }] })),
      [],
    );
    assert.deepEqual(
      istioProblems(
        se({ resolution: 'DNS', endpoints: [{ address: 'db.example.com' }, { address: '::1' }] }),
      ),
      [],
    );
    assert.deepEqual(istioProblems(se({ hosts: ['*.example.com'] })), []);
    assert.deepEqual(istioProblems(we({ address: 'vm.example.com', labels: { app: 'web' }, weight: 3 })), []);
  });
});

describe('istio-validate: what istiod rejects', () => {
  const rejected: [string, ServiceEntryResource | WorkloadEntryResource, RegExp][] = [
    ['no host', se({ hosts: [] }), /at least one host/],
    ['host *', se({ hosts: ['*'] }), /invalid host \*/],
    ['empty host', se({ hosts: [''] }), /empty domain name/],
    ['host with an all-numeric top-level label', se({ hosts: ['svc.123'] }), /all-numeric/],
    ['host with an underscore', se({ hosts: ['my_svc.ns'] }), /label "my_svc" invalid/],
    [
      'duplicate port number',
      se({
        ports: [
          { number: 80, protocol: 'HTTP', name: 'a' },
          { number: 80, protocol: 'TCP', name: 'b' },
        ],
      }),
      /port 80 already defined/,
    ],
    [
      'duplicate port name',
      se({
        ports: [
          { number: 80, protocol: 'HTTP', name: 'a' },
          { number: 81, protocol: 'TCP', name: 'a' },
        ],
      }),
      /name "a" already defined/,
    ],
    [
      'port name not DNS-1123',
      se({ ports: [{ number: 80, protocol: 'HTTP', name: 'http_80' }] }),
      /invalid port name/,
    ],
    [
      'unknown protocol',
      se({ ports: [{ number: 80, protocol: 'CONSTRUCTOR', name: 'x' }] }),
      /unsupported protocol/,
    ],
    ['port 0', se({ ports: [{ number: 0, protocol: 'TCP', name: 'x' }] }), /1\.\.65535/],
    [
      'host name endpoint under STATIC',
      se({ endpoints: [{ address: 'db.example.com' }] }),
      /not a valid IP address/,
    ],
    ['zone-scoped IPv6 endpoint', se({ endpoints: [{ address: 'fe80::1%eth0' }] }), /not a valid IP address/],
    [
      'impossible IPv4 under DNS',
      se({ resolution: 'DNS', endpoints: [{ address: '999.1.1.1' }] }),
      /not a valid FQDN or an IP/,
    ],
    [
      'endpoint port not a service port',
      se({ endpoints: [{ address: '10.0.0.1', ports: { 'tcp-81': 81 } }] }),
      /not defined by the service entry/,
    ],
    [
      'endpoint label value with a space',
      se({ endpoints: [{ address: '10.0.0.1', labels: { a: 'b c' } }] }),
      /invalid label value/,
    ],
    [
      'selector and endpoints together',
      se({ workloadSelector: { labels: { a: 'b' } }, endpoints: [{ address: '10.0.0.1' }] }),
      /only one of WorkloadSelector or Endpoints/,
    ],
    [
      'wildcard in the selector',
      se({ workloadSelector: { labels: { a: '*' } } }),
      /wildcard is not supported/,
    ],
    [
      'endpoints under NONE',
      se({ resolution: 'NONE', endpoints: [{ address: '10.0.0.1' }] }),
      /resolution type none/,
    ],
    [
      'two endpoints under DNS_ROUND_ROBIN',
      se({ resolution: 'DNS_ROUND_ROBIN', endpoints: [{ address: 'a.b' }, { address: 'c.d' }] }),
      /0 or 1 endpoint/,
    ],
    ['a name that is not DNS-1123', se({}, { name: 'Web_1' }), /metadata.name/],
    ['WorkloadEntry without an address', we({ address: '' }), /address is required/],
    ['WorkloadEntry address 1.2.3', we({ address: '1.2.3' }), /not a valid FQDN or an IP/],
    ['WorkloadEntry weight over uint32', we({ address: '10.0.0.1', weight: 2 ** 32 }), /uint32/],
    [
      'WorkloadEntry label key __proto__',
      we({ address: '10.0.0.1', labels: JSON.parse('{"__proto__":"x"}') as Record<string, string> }),
      /invalid label key/,
    ],
  ];
  for (const [what, resource, why] of rejected) {
    test(`${what}: rejected`, () => {
      const problems = istioProblems(resource);
      assert.ok(
        problems.some((p) => why.test(p)),
        JSON.stringify(problems),
      );
    });
  }

  test('the host and label helpers follow Istio: trailing dot allowed, wildcard only in the first label, prefix/name keys', () => {
    assert.equal(fqdnProblem('istio.io.'), undefined);
    assert.ok(fqdnProblem('a.-b'));
    assert.equal(wildcardDomainProblem('*-foo.example.com'), undefined);
    assert.ok(wildcardDomainProblem('foo.*.com'));
    assert.equal(labelKeyProblem('example.com/team'), undefined);
    assert.ok(labelKeyProblem('/team'));
    assert.ok(labelKeyProblem(`${'a'.repeat(64)}`));
  });
});
