import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runProcess } from './cli.js';

test('runProcess keeps output written after the process exited, until its streams close', async () => {
  // sh exits at once; the background subshell still holds stdout and writes later.
  const r = await runProcess('sh', ['-c', '(sleep 0.3; echo late) & echo early'], { timeoutMs: 10_000 });
  assert.equal(r.code, 0);
  assert.equal(r.stdout, 'early\nlate\n');
});
