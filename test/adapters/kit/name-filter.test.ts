import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { NameFilter, globToRegExp } from '../../../src/adapters/kit/name-filter.js';

describe('kit: include/exclude name globs', () => {
  test('globs match * and ? and treat the rest literally', () => {
    assert.ok(globToRegExp('web-*').test('web-frontend'));
    assert.ok(globToRegExp('db?').test('db1'));
    assert.ok(!globToRegExp('db?').test('db12'));
    assert.ok(globToRegExp('a.b').test('a.b'));
    assert.ok(!globToRegExp('a.b').test('axb'));
    assert.ok(globToRegExp('(x)+[y]').test('(x)+[y]'));
  });

  test('matching is case-sensitive and covers the whole name', () => {
    assert.ok(!globToRegExp('web').test('Web'));
    assert.ok(!globToRegExp('web').test('web-1'));
    assert.ok(!globToRegExp('web').test('my-web'));
  });

  test('exclude patterns win over include patterns', () => {
    const f = new NameFilter(['*'], ['consul', '*-sidecar-proxy']);
    assert.ok(f.matches('web'));
    assert.ok(!f.matches('consul'));
    assert.ok(!f.matches('web-sidecar-proxy'));
  });

  test('a name no include pattern matches is left out', () => {
    const f = new NameFilter(['web-*', 'api'], []);
    assert.ok(f.matches('web-1'));
    assert.ok(f.matches('api'));
    assert.ok(!f.matches('db'));
  });
});
