/**
 * `registry-bridge dump` and `serve` + `watch` against a real Eureka server:
 * what a user runs first when pointing the bridge at Eureka.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { eventually } from '../support/bridge.js';
import { runCli, startCli } from '../support/cli.js';
import { watchedEndpoints, writeCliConfig, type ServiceEntryManifest } from '../support/cli-registry.js';
import { describeWithEureka, EurekaServer } from '../support/eureka.js';

describeWithEureka('registry-bridge dump and serve against a real Eureka server', (fixture) => {
  let server: EurekaServer;
  let dir: string;
  let configPath: string;
  let xds: string;

  before(async () => {
    server = await EurekaServer.start(fixture);
    await server.register({
      app: 'orders-api',
      id: 'orders-1',
      ip: '10.3.0.1',
      port: 8080,
      securePort: 8443,
      metadata: { version: 'v1', zone: 'eu-west-1a', 'management.url': 'http://10.3.0.1:8081/' },
    });
    await server.register({ app: 'orders-api', id: 'orders-2', ip: '10.3.0.2', port: 8080, status: 'DOWN' });
    await server.register({
      app: 'Billing_Service',
      id: 'bill-1',
      ip: '10.3.1.1',
      port: 9090,
      metadata: { protocol: 'grpc' },
    });
    ({ dir, configPath, xds } = await writeCliConfig('irb-cli-eureka-', {
      name: 'eureka',
      type: 'eureka',
      address: server.address,
      refreshInterval: '500ms',
    }));
  });

  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('dump prints the Eureka apps as ServiceEntries: <app>.eureka hosts, both ports, UP endpoints only, metadata as labels', async () => {
    const r = await runCli(['dump', '--config', configPath, '-o', 'json'], 60_000);
    assert.equal(r.code, 0, r.stderr);
    const all = JSON.parse(r.stdout) as ServiceEntryManifest[];
    const byName = new Map(all.map((m) => [m.metadata.name, m]));
    assert.deepEqual([...byName.keys()].sort(), ['billing-service', 'orders-api']);

    const orders = byName.get('orders-api')!;
    assert.equal(orders.kind, 'ServiceEntry');
    assert.equal(orders.metadata.namespace, 'eureka');
    assert.deepEqual(orders.spec.hosts, ['orders-api.eureka']);
    assert.deepEqual(orders.spec.ports, [
      { number: 8080, protocol: 'HTTP', name: 'http-8080' },
      { number: 8443, protocol: 'HTTPS', name: 'https-8443' },
    ]);
    assert.deepEqual(
      orders.spec.endpoints.map((e) => [e.address, e.ports, e.labels, e.locality]),
      [
        [
          '10.3.0.1',
          { 'http-8080': 8080, 'https-8443': 8443 },
          { version: 'v1', zone: 'eu-west-1a' },
          'eu-west-1/eu-west-1a',
        ],
      ],
      'orders-2 is DOWN: not served',
    );
    assert.equal(orders.metadata.annotations['registry-bridge.io/eureka-app'], 'ORDERS-API');
    assert.equal(orders.metadata.annotations['registry-bridge.io/registry-type'], 'eureka');
    assert.deepEqual(JSON.parse(orders.metadata.annotations['registry-bridge.io/eureka-metadata']!), {
      'orders-1': { 'management.url': 'http://10.3.0.1:8081/' },
    });

    const billing = byName.get('billing-service')!;
    assert.deepEqual(billing.spec.hosts, ['billing-service.eureka']);
    assert.deepEqual(billing.spec.ports, [{ number: 9090, protocol: 'GRPC', name: 'grpc-9090' }]);
    assert.equal(billing.metadata.annotations['registry-bridge.io/original-name'], 'billing_service');
  });

  test('serve answers watch --once with the same ServiceEntries, and a status flip reaches the client', async () => {
    const serve = startCli(['serve', '--config', configPath]);
    try {
      const endpointsSeen = (): Promise<string[] | undefined> => watchedEndpoints(xds, 'orders-api');
      assert.deepEqual(await eventually(endpointsSeen, 30_000), ['10.3.0.1']);
      await server.register({ app: 'orders-api', id: 'orders-2', ip: '10.3.0.2', port: 8080, status: 'UP' });
      const both = await eventually(async () => {
        const eps = await endpointsSeen();
        return eps?.length === 2 ? eps : undefined;
      }, 30_000);
      assert.deepEqual(both, ['10.3.0.1', '10.3.0.2']);
    } finally {
      serve.child.kill('SIGTERM');
      assert.equal(await serve.exited, 0, serve.output());
    }
  });
});
