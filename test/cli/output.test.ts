import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { Output } from '../../src/cli/output.js';

/** A stream that takes each chunk `delayMs` later, or fails it with `failWith`. */
function slowStream(delayMs: number, failWith?: string): { stream: Writable; taken: string[] } {
  const taken: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      setTimeout(() => {
        if (failWith === undefined) {
          taken.push(chunk.toString());
          cb();
        } else {
          cb(Object.assign(new Error(`write ${failWith}`), { code: failWith }));
        }
      }, delayMs);
    },
  });
  return { stream, taken };
}

test('flushed() resolves only after a slow stream has taken every write', async () => {
  const { stream, taken } = slowStream(20);
  const out = new Output(stream, 'stdout', () => assert.fail('reader did not go away'));
  out.write('a');
  out.write('b');
  out.write('c');
  assert.deepEqual(taken, []);
  await out.flushed();
  assert.deepEqual(taken, ['a', 'b', 'c']);
});

test('EPIPE means the reader went away: onReaderGone runs once, later writes are dropped, flushed() resolves', async () => {
  const { stream } = slowStream(1, 'EPIPE');
  let gone = 0;
  const out = new Output(stream, 'stdout', () => gone++);
  out.write('a');
  out.write('b');
  await out.flushed();
  out.write('c');
  await out.flushed();
  assert.equal(gone, 1);
});

test('any other write error makes flushed() reject with IRB_OUTPUT_FAILED naming the stream and the cause', async () => {
  const { stream } = slowStream(1, 'ENOSPC');
  const out = new Output(stream, 'stdout', () => assert.fail('not a reader going away'));
  out.write('a');
  await assert.rejects(out.flushed(), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'IRB_OUTPUT_FAILED');
    assert.equal(err.message, 'cannot write to stdout: write ENOSPC');
    return true;
  });
});
