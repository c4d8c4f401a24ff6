/**
 * `registry-bridge dump` and `serve` + `watch` against a real Consul agent:
 * what a user runs first when pointing the bridge at Consul.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { eventually } from '../support/bridge.js';
import { runCli, startCli } from '../support/cli.js';
import { watchedEndpoints, writeCliConfig, type ServiceEntryManifest } from '../support/cli-registry.js';
import { ConsulAgent, describeWithConsul, ttlCheck } from '../support/consul.js';

describeWithConsul('registry-bridge dump and serve against a real Consul agent', (bin) => {
  let agent: ConsulAgent;
  let configPath: string;
  let xds: string;

  before(async () => {
    agent = await ConsulAgent.start(bin);
    await agent.registerService({
      ID: 'web-1',
      Name: 'Web_Frontend',
      Address: '10.1.0.1',
      Port: 8080,
      Tags: ['version=v1', 'canary'],
      Meta: { protocol: 'http' },
      Checks: [ttlCheck('web-1-ttl')],
    });
    await agent.registerService({
      ID: 'web-2',
      Name: 'Web_Frontend',
      Address: '10.1.0.2',
      Port: 8080,
      Meta: { protocol: 'http' },
      Checks: [ttlCheck('web-2-ttl', 'critical')],
    });
    ({ configPath, xds } = await writeCliConfig('irb-cli-consul-', {
      name: 'consul',
      type: 'consul',
      address: agent.address,
      wait: '5s',
    }));
  });

  after(async () => {
    await agent.stop();
  });

  test('dump prints the Consul services as ServiceEntries with Consul DNS hosts, healthy endpoints only', async () => {
    const r = await runCli(['dump', '--config', configPath, '--output', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const all = JSON.parse(r.stdout) as ServiceEntryManifest[];
    const web = all.find(
      (m) => m.metadata.annotations['registry-bridge.io/original-name'] === 'Web_Frontend',
    );
    assert.ok(web, `Web_Frontend missing from ${all.map((m) => m.metadata.name).join(', ')}`);
    assert.equal(web.metadata.namespace, 'consul');
    assert.equal(web.metadata.name, 'web-frontend');
    assert.deepEqual(web.spec.hosts, ['web-frontend.service.consul']);
    assert.deepEqual(web.spec.ports, [{ number: 8080, protocol: 'HTTP', name: 'http-8080' }]);
    assert.deepEqual(
      web.spec.endpoints.map((e) => [e.address, e.labels?.['version']]),
      [['10.1.0.1', 'v1']],
    );
    assert.equal(web.metadata.annotations['registry-bridge.io/consul-tags'], '["canary"]');
  });

  test('serve answers watch --once with the same ServiceEntries, and a health flip reaches the client', async () => {
    const serve = startCli(['serve', '--config', configPath]);
    try {
      const endpointsSeen = (): Promise<string[] | undefined> => watchedEndpoints(xds, 'web-frontend');
      assert.deepEqual(await eventually(endpointsSeen, 20_000), ['10.1.0.1']);
      await agent.setCheck('web-2-ttl', 'passing');
      await eventually(async () => {
        const eps = await endpointsSeen();
        return eps?.length === 2 ? eps : undefined;
      }, 20_000);
    } finally {
      serve.child.kill('SIGTERM');
      assert.equal(await serve.exited, 0);
    }
  });
});
