/**
 * The Helm chart, rendered with the helm that .ci/helm-check.sh builds: its
 * config is one the bridge accepts, its dashboard ConfigMap holds the
 * dashboard's JSON, and every metric the dashboard and the alerts query is
 * one a running bridge exports on /metrics.
 */
import assert from 'node:assert/strict';
import { accessSync, constants, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseAllDocuments, parse as parseYaml, stringify } from 'yaml';
import { adapterCatalog } from '../../src/adapters/catalog/catalog.js';
import { parseConfig } from '../../src/config/load.js';
import { runProcess, startServe, type StartedCli } from '../support/cli.js';
import { freePort } from '../support/ports.js';
import { unavailableSuite } from '../support/skip.js';
import { exportedMetricNames, queriedMetricNames } from './metric-names.js';

const REPO = join(import.meta.dirname, '..', '..', '..');
const CHART = join(REPO, 'deploy', 'helm', 'istio-registry-bridge');
const ALL_ENABLED = join(CHART, 'ci', 'all-enabled-values.yaml');
const DASHBOARD = join(CHART, 'dashboards', 'istio-registry-bridge.json');

interface Manifest {
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  data?: Record<string, string>;
  spec?: unknown;
}

/** The helm .ci/helm-check.sh builds (IRB_HELM overrides), or undefined if it is not there. */
function findHelm(): string | undefined {
  const version = readFileSync(join(REPO, '.ci', 'helm-version'), 'utf8').trim();
  const cache = process.env.IRB_CACHE ?? join(homedir(), '.cache', 'irb');
  const path = process.env.IRB_HELM ?? join(cache, 'helm', version, 'helm');
  try {
    accessSync(path, constants.X_OK);
    return path;
  } catch {
    return undefined;
  }
}

async function render(helm: string, valuesFiles: string[]): Promise<Manifest[]> {
  const args = ['template', 'irb', CHART, '--namespace', 'istio-system'];
  for (const f of valuesFiles) args.push('-f', f);
  const r = await runProcess(helm, args);
  assert.equal(r.code, 0, `helm ${args.join(' ')}: ${r.stderr}`);
  return parseAllDocuments(r.stdout)
    .map((d) => d.toJS() as Manifest | null)
    .filter((m): m is Manifest => m !== null);
}

function one(manifests: Manifest[], kind: string, name: string): Manifest {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  assert.ok(
    found,
    `no ${kind} ${name} in ${manifests.map((m) => `${m.kind}/${m.metadata.name}`).join(', ')}`,
  );
  return found;
}

const helm = findHelm();
if (helm === undefined) {
  unavailableSuite(
    'Helm chart renders, its config is valid and its dashboard and alerts query exported metrics',
    'helm is not built: run bash .ci/helm-check.sh (builds it into ~/.cache/irb/helm)',
  );
} else {
  describe('Helm chart: rendered config, dashboard and alerts', () => {
    let defaults: Manifest[];
    let all: Manifest[];

    before(async () => {
      defaults = await render(helm, []);
      all = await render(helm, [ALL_ENABLED]);
    });

    test('the config.yaml the chart renders is a config the bridge accepts, with default and all-enabled values', () => {
      for (const [label, manifests] of [
        ['default', defaults],
        ['all-enabled', all],
      ] as const) {
        const cm = one(manifests, 'ConfigMap', 'irb-istio-registry-bridge');
        const doc: unknown = parseYaml(cm.data?.['config.yaml'] ?? '');
        const config = parseConfig(doc, adapterCatalog, '/etc/registry-bridge/config');
        assert.equal(config.xds.address, '0.0.0.0:15051', label);
        assert.equal(config.admin.address, '0.0.0.0:15052', label);
      }
      const cm = one(all, 'ConfigMap', 'irb-istio-registry-bridge');
      const config = parseConfig(parseYaml(cm.data?.['config.yaml'] ?? ''), adapterCatalog, '/c');
      assert.deepEqual(config.xds.tls, {
        certFile: '/etc/registry-bridge/tls/tls.crt',
        keyFile: '/etc/registry-bridge/tls/tls.key',
        clientCaFile: '/etc/registry-bridge/client-ca/ca.crt',
        // Mounted Secrets are replaced in place by the kubelet: the files are re-read every 5 s.
        reloadInterval: 5000,
      });
      assert.deepEqual(
        config.registries.map((r) => r.identity.type),
        ['consul', 'eureka', 'zookeeper', 'file'],
      );
    });

    test('the dashboard ConfigMap holds the dashboard file as JSON, labelled for the Grafana sidecar', () => {
      const cm = one(all, 'ConfigMap', 'irb-istio-registry-bridge-dashboard');
      assert.equal(cm.metadata.labels?.grafana_dashboard, '1');
      const json = cm.data?.['istio-registry-bridge.json'] ?? '';
      assert.deepEqual(JSON.parse(json), JSON.parse(readFileSync(DASHBOARD, 'utf8')));
      assert.ok(!defaults.some((m) => m.metadata.name.endsWith('-dashboard')), 'off by default');
    });

    describe('against a running bridge', () => {
      let serve: StartedCli;
      let page: string;

      before(async () => {
        const dir = mkdtempSync(join(tmpdir(), 'irb-helm-'));
        const admin = `127.0.0.1:${await freePort()}`;
        writeFileSync(join(dir, 'services.yaml'), readFileSync(join(REPO, 'examples', 'services.yaml')));
        const configPath = join(dir, 'config.yaml');
        writeFileSync(
          configPath,
          stringify({
            xds: { address: `127.0.0.1:${await freePort()}` },
            admin: { address: admin },
            registries: [{ name: 'files', type: 'file', path: 'services.yaml' }],
          }),
        );
        serve = await startServe(configPath, admin);
        const res = await fetch(`http://${admin}/metrics`);
        assert.equal(res.status, 200);
        page = await res.text();
      });

      after(async () => {
        if (serve.child.exitCode === null) serve.child.kill('SIGKILL');
        await serve.exited;
      });

      const checkExported = (what: string, text: string): void => {
        const queried = queriedMetricNames(text);
        assert.ok(queried.length > 0, `${what} queries no irb_/process_/nodejs_ metric`);
        const exported = exportedMetricNames(page);
        const missing = queried.filter((n) => !exported.has(n));
        assert.deepEqual(
          missing,
          [],
          `${what} queries ${missing.length} of its ${queried.length} metrics that /metrics does not export: ${missing.join(', ')}`,
        );
      };

      test('every metric the Grafana dashboard queries is exported on /metrics', () => {
        const cm = one(all, 'ConfigMap', 'irb-istio-registry-bridge-dashboard');
        checkExported('the dashboard', cm.data?.['istio-registry-bridge.json'] ?? '');
      });

      test('every metric the PrometheusRule alerts query is exported on /metrics', () => {
        const rule = one(all, 'PrometheusRule', 'irb-istio-registry-bridge');
        const spec = rule.spec as { groups: { rules: { alert?: string; expr: string }[] }[] };
        const exprs = spec.groups.flatMap((g) => g.rules.map((r) => r.expr));
        assert.ok(exprs.length >= 4, 'the alerts are rendered');
        checkExported('the PrometheusRule', exprs.join('\n'));
      });
    });
  });
}
