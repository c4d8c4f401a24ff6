/**
 * Negative control for the other suites' "istiod rejected nothing" checks:
 * a stand-in MCP server (mcp-fixture-server, not the bridge) serves one
 * invalid ServiceEntry and one invalid WorkloadEntry next to a valid one, and
 * the same checks must see the rejections, both in istiod's log and in
 * adsc-probe's output. If these stop seeing them, the green results of the
 * bridge suites mean nothing.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { stringify } from 'yaml';
import { freePort } from '../support/ports.js';
import { describeWithIstio, Istiod, runProbe, sleep } from '../support/istiod.js';

const resources = {
  resources: [
    {
      kind: 'ServiceEntry',
      namespace: 'demo',
      name: 'bad',
      version: '1',
      // no port name, and an endpoint address that is neither IP nor host
      spec: {
        hosts: ['bad.example'],
        ports: [{ number: 80, protocol: 'HTTP' }],
        resolution: 'STATIC',
        endpoints: [{ address: 'not an ip' }],
      },
    },
    {
      kind: 'ServiceEntry',
      namespace: 'demo',
      name: 'good',
      version: '1',
      spec: {
        hosts: ['good.example'],
        ports: [{ number: 80, name: 'http', protocol: 'HTTP' }],
        resolution: 'STATIC',
        endpoints: [{ address: '10.9.9.9' }],
      },
    },
    { kind: 'WorkloadEntry', namespace: 'demo', name: 'bad-we', version: '1', spec: { address: '' } },
  ],
};

describeWithIstio('negative control: the rejection checks see invalid config', (fx) => {
  let dir: string;
  let server: ChildProcess;
  let addr: string;
  let istiod: Istiod;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'irb-negative-'));
    writeFileSync(join(dir, 'res.yaml'), stringify(resources));
    addr = `127.0.0.1:${await freePort()}`;
    server = spawn(fx.mcpFixtureServer, ['-addr', addr, '-file', join(dir, 'res.yaml')], { stdio: 'ignore' });
    const port = Number(addr.split(':')[1]);
    for (let i = 0; ; i++) {
      const ok = await new Promise<boolean>((resolve) => {
        const s = connect(port, '127.0.0.1');
        s.once('connect', () => (s.destroy(), resolve(true)));
        s.once('error', () => resolve(false));
      });
      if (ok) break;
      if (i > 200) throw new Error('mcp-fixture-server did not listen');
      await sleep(25);
    }
    istiod = await Istiod.start(fx, addr);
  });

  after(async () => {
    await istiod?.stop();
    if (server?.exitCode === null) {
      const exited = new Promise((r) => server.once('exit', r));
      process.kill(server.pid!, 'SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  test('istiod logs the rejections, keeps the valid resource, drops the invalid ones', async () => {
    const problems = istiod.problems();
    assert.ok(
      problems.filter((l) => /Error adding a new resource to the store/.test(l)).length >= 2,
      `istiod.problems() sees both rejections:\n${problems.join('\n')}`,
    );
    const configz = await istiod.configz();
    assert.deepEqual(
      configz.map((c) => `${c.kind} ${c.metadata.namespace}/${c.metadata.name}`),
      ['ServiceEntry demo/good'],
    );
  });

  test('adsc-probe reports the rejections as validation errors', async () => {
    const p = await runProbe(fx, addr);
    assert.equal(p.synced, true);
    const rejected = p.validationErrors.map((e) => `${e.kind} ${e.namespace}/${e.name}`).sort();
    assert.deepEqual(rejected, ['ServiceEntry demo/bad', 'WorkloadEntry demo/bad-we']);
    assert.deepEqual(
      p.resources.map((r) => r.name),
      ['good'],
    );
  });
});
