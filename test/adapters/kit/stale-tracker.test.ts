import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BridgeError } from '../../../src/errors.js';
import { StaleTracker } from '../../../src/adapters/kit/stale-tracker.js';
import { memoryLogger } from '../../support/memory-logger.js';
import { RecordingSink } from '../../support/recording-sink.js';

function setup(priority?: readonly string[]) {
  const sink = new RecordingSink();
  const { logger, text } = memoryLogger();
  const tracker = new StaleTracker({ sink, logger, label: 'eureka', ...(priority && { priority }) });
  return { sink, tracker, text };
}

const unreachable = (m: string): BridgeError => new BridgeError('IRB_REGISTRY_UNREACHABLE', m);
const auth = (m: string): BridgeError => new BridgeError('IRB_REGISTRY_AUTH', m);

describe('kit: stale tracker', () => {
  test('stale while any source fails; fresh again only when all have answered', () => {
    const { sink, tracker } = setup();
    tracker.fail('a', unreachable('down'));
    tracker.fail('b', unreachable('down'));
    assert.equal(sink.isStale, true);
    assert.equal(tracker.failing('a'), true);
    tracker.ok('a');
    assert.equal(sink.isStale, true, 'b still fails');
    tracker.ok('b');
    assert.equal(sink.isStale, false);
    assert.equal(tracker.stale, false);
  });

  test('the same headline is reported once however many sources fail', () => {
    const { sink, tracker } = setup();
    for (let i = 0; i < 50; i++) tracker.fail(`s${i}`, unreachable('down'));
    assert.equal(sink.count('stale'), 1);
  });

  test('the most urgent error is the headline; the log line names the registry label', () => {
    const { sink, tracker, text } = setup();
    tracker.fail('a', unreachable('down'));
    tracker.fail('b', auth('refused'));
    assert.equal(sink.lastError?.message, 'refused');
    tracker.fail('c', unreachable('still down'));
    assert.equal(sink.lastError?.message, 'refused', 'auth stays ahead of unreachable');
    assert.match(text(), /eureka: refused; keeping the last known state/);
    assert.doesNotMatch(text(), /consul/);
  });

  test('a registry can rank its own codes', () => {
    const { sink, tracker } = setup(['IRB_CONSUL_BAD_REQUEST', 'IRB_REGISTRY_AUTH']);
    tracker.fail('a', auth('refused'));
    tracker.fail('b', new BridgeError('IRB_CONSUL_BAD_REQUEST', 'bad'));
    assert.equal(sink.lastError?.message, 'bad');
  });

  test('dropping a failing source that no longer runs can make the registry fresh', () => {
    const { sink, tracker } = setup();
    tracker.fail('gone', unreachable('down'));
    tracker.drop('gone');
    assert.equal(sink.isStale, false);
    tracker.ok('never-failed');
    assert.equal(sink.count('stale'), 2, 'an ok from a source that never failed sends nothing');
  });
});
