/**
 * istiod (1.26 and 1.31) reading from the bridge over TLS: the bridge serves xDS only
 * with a certificate (xds.tls) and istiod's configSources entry carries
 * `tlsSettings: {mode: SIMPLE, caCertificates: <PEM>}`, honoured from 1.26.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { BridgeProcess } from '../support/bridge-process.js';
import { makeTestPki, type TestPki } from '../support/certs.js';
import { describeWithIstio, type Istiod } from '../support/istiod.js';
import { assertRefused, requestOutcome } from '../support/tls-probe.js';
import {
  assertEveryKindReceived,
  assertIstiodHoldsBridgeState,
  assertIstiodSubscribed,
  assertNoProblems,
  FILE_REGISTRY,
  istiodTypeUrlsOf,
  measureConvergence,
  startBridgeAndIstiod,
  stopBridgeAndIstiod,
  type FileService,
} from './helpers.js';

describeWithIstio('with the bridge over TLS (tlsSettings mode SIMPLE)', (fx) => {
  const typeUrls = istiodTypeUrlsOf(fx.line);
  let pki: TestPki;
  let bridge: BridgeProcess;
  let istiod: Istiod;
  const services: FileService[] = [
    { name: 'billing', protocol: 'grpc', instances: [{ address: '10.0.9.1', port: 50051 }] },
  ];

  before(async () => {
    pki = makeTestPki();
    ({ bridge, istiod } = await startBridgeAndIstiod(
      fx,
      {
        registries: [FILE_REGISTRY],
        services: { services },
        tls: { certFile: pki.serverCert, keyFile: pki.serverKey },
      },
      { sourceCaFile: pki.caFile },
    ));
  });

  after(() => stopBridgeAndIstiod(istiod, bridge));

  test('istiod syncs every kind over TLS and stores what the bridge serves', async () => {
    assertEveryKindReceived(istiod, typeUrls, 1);
    await assertIstiodSubscribed(bridge, 10_000, typeUrls);
    const configz = await assertIstiodHoldsBridgeState(istiod, bridge);
    assert.equal(configz.length, 1);
    assertNoProblems(istiod);
  });

  test('the bridge refuses plaintext clients, so istiod really used TLS', async () => {
    // Refused while connecting (UNAVAILABLE, the TLS port drops the HTTP/2 preface), not a read timeout.
    await assertRefused(bridge.xds, typeUrls[1]!, undefined, /Failed to connect/);
    // ...while a client trusting the test CA is answered on the same port.
    assert.deepEqual(await requestOutcome(bridge.xds, typeUrls[1]!, { ca: pki.ca }), {
      kind: 'answered',
    });
  });

  test('a change reaches istiod over the TLS connection', async () => {
    services[0]!.instances.push({ address: '10.0.9.2', port: 50051 });
    await measureConvergence(
      'tls: instance added',
      () => bridge.writeServices({ services }),
      async () => {
        const se = (await istiod.configz()).find((c) => c.kind === 'ServiceEntry');
        const eps = (se?.spec as { endpoints?: unknown[] } | undefined)?.endpoints ?? [];
        return eps.length === 2 ? true : undefined;
      },
    );
  });
});
