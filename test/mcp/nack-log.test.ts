/**
 * A client looping on NACKs costs a log line now and then, not a line per
 * NACK, and what is logged of it (node id, error message) is cut short; every
 * NACK is still counted in irb_xds_nacks_total.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openDelta, openSotw } from '../../src/mcp/client.js';
import { adsTestContext, metricValue } from '../support/ads.js';
import { eventually } from '../support/bridge.js';
import { memoryLogger } from '../support/memory-logger.js';

const SE = 'networking.istio.io/v1/ServiceEntry';
const LOOP = 500;

const ctx = adsTestContext(openSotw);

const nackLines = (text: string): string[] => text.split('\n').filter((l) => l.includes('(NACK)'));

describe('NACK logging', () => {
  test(`a SotW client NACKing ${LOOP} times in a row is logged once, with its node id and message cut short, and counted ${LOOP} times`, async () => {
    const log = memoryLogger();
    const fx = await ctx.start({ logger: log.logger });
    fx.put('a');
    const s = ctx.connect(fx);
    const nodeId = 'node-'.repeat(20_000);
    s.send({ typeUrl: SE, responseNonce: 'x', node: { id: nodeId } });
    const res = await s.next();
    for (let i = 0; i < LOOP; i++) {
      s.send({
        typeUrl: SE,
        responseNonce: res.nonce,
        versionInfo: res.versionInfo,
        node: { id: nodeId },
        errorDetail: { code: 3, message: `bad resource ${'!'.repeat(50_000)}` },
      });
    }
    await eventually(async () =>
      (await metricValue(fx.metrics, 'irb_xds_nacks_total', { mode: 'sotw' })) === LOOP ? true : undefined,
    );
    const lines = nackLines(log.text());
    assert.equal(lines.length, 1, `${lines.length} NACK log lines`);
    assert.ok(lines[0]!.length < 2000, `the NACK line is ${lines[0]!.length} characters`);
    assert.equal(fx.server.clients()[0]!.watches.find((w) => w.typeUrl === SE)!.nackCount, LOOP);
    assert.ok(log.text().length < 50_000, `${log.text().length} characters logged in all`);
  });

  test('a Delta NACK loop is rate-limited the same way', async () => {
    const log = memoryLogger();
    const fx = await ctx.start({ logger: log.logger });
    fx.put('a');
    const s = openDelta(fx.address);
    try {
      s.send({ typeUrl: SE });
      const res = await s.next();
      for (let i = 0; i < LOOP; i++) {
        s.send({ typeUrl: SE, responseNonce: res.nonce, errorDetail: { code: 3, message: 'no' } });
      }
      await eventually(async () =>
        (await metricValue(fx.metrics, 'irb_xds_nacks_total', { mode: 'delta' })) === LOOP ? true : undefined,
      );
      assert.equal(nackLines(log.text()).length, 1);
    } finally {
      s.close();
    }
  });
});
