import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KeyedSerial } from '../../../src/adapters/zookeeper/serial.js';

test('reads of one key never overlap; a burst while one runs costs one more read, not one per request', async () => {
  const serial = new KeyedSerial();
  let running = 0;
  let maxRunning = 0;
  let reads = 0;
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const read = async (): Promise<void> => {
    running++;
    maxRunning = Math.max(maxRunning, running);
    reads++;
    if (reads === 1) await gate;
    running--;
  };
  const first = serial.run('k', read);
  const more = [serial.run('k', read), serial.run('k', read), serial.run('k', read)];
  release();
  await Promise.all([first, ...more]);
  assert.equal(maxRunning, 1);
  assert.equal(reads, 2);
  assert.equal(serial.size, 0);
});

test('different keys run side by side', async () => {
  const serial = new KeyedSerial();
  let running = 0;
  let maxRunning = 0;
  const read = async (): Promise<void> => {
    running++;
    maxRunning = Math.max(maxRunning, running);
    await new Promise((r) => setTimeout(r, 5));
    running--;
  };
  await Promise.all([serial.run('a', read), serial.run('b', read)]);
  assert.equal(maxRunning, 2);
});
