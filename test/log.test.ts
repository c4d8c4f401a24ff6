import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger, defaultLogFormat, type LogFormat } from '../src/log.js';

function logOnce(format: LogFormat, obj: object, msg: string): string {
  let out = '';
  const logger = createLogger('info', { format, sink: { write: (s: string) => (out += s) } });
  logger.info(obj, msg);
  return out;
}

test('json format writes one JSON object a line with the message', () => {
  const line = logOnce('json', { port: 15051 }, 'xDS server listening');
  const parsed = JSON.parse(line) as { msg: string; port: number };
  assert.equal(parsed.msg, 'xDS server listening');
  assert.equal(parsed.port, 15051);
});

test('pretty format writes a readable line with the level and message, not JSON', () => {
  const out = logOnce('pretty', { port: 15051 }, 'xDS server listening');
  assert.equal(out.split('\n').length, 2, 'one line');
  assert.throws(() => JSON.parse(out) as unknown);
  assert.match(out, /INFO.*xDS server listening.*port.*15051/);
  assert.ok(!out.includes('\u001b['), 'no colours unless asked');
});

for (const format of ['json', 'pretty'] as const) {
  test(`${format} format redacts tokens`, () => {
    const out = logOnce(
      format,
      { token: 's3cret-a', acl: { token: 's3cret-b' }, headers: { 'x-consul-token': 's3cret-c' } },
      'consul request',
    );
    assert.doesNotMatch(out, /s3cret/);
    assert.equal(out.match(/\[redacted\]/g)?.length, 3);
  });
}

test('the default format is pretty at a terminal and json anywhere else', () => {
  assert.equal(defaultLogFormat(true), 'pretty');
  assert.equal(defaultLogFormat(false), 'json');
});
