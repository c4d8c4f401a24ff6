import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkHostTemplate,
  placeholdersOf,
  renderHost,
  unknownPlaceholders,
} from '../../../src/adapters/kit/host-template.js';

const check = (template: string, known: string[], required: string): string[] => {
  const issues: string[] = [];
  checkHostTemplate(template, known, required, (m) => issues.push(m));
  return issues;
};

describe('kit: host templates', () => {
  test('placeholders are listed in order; unknown ones are named', () => {
    assert.deepEqual(placeholdersOf('{service}.{app}.svc'), ['{service}', '{app}']);
    assert.deepEqual(unknownPlaceholders('{service}.{zone}.{app}', ['{service}', '{app}']), ['{zone}']);
  });

  test('values become DNS labels; any set of variables works', () => {
    const host = renderHost(
      '{service}.{group}.dubbo',
      new Map([
        ['{service}', 'com.Example.OrderService'],
        ['{group}', 'Blue_Team'],
      ]),
    );
    assert.equal(host, 'com-example-orderservice.blue-team.dubbo');
  });

  test('a value shaped like a placeholder or an object key is not interpreted', () => {
    const values = new Map([['{service}', '{app}']]);
    assert.match(renderHost('{service}.{app}.x', values), /^[a-z0-9-]+\.\{app\}\.x$/);
    assert.equal(renderHost('{constructor}.x', new Map()), '{constructor}.x');
  });

  test('checks name the first unknown placeholder and the required one', () => {
    assert.deepEqual(check('{svc}.x', ['{service}', '{app}', '{zone}'], '{service}'), [
      'unknown placeholder {svc} (use {service}, {app} and {zone})',
    ]);
    assert.deepEqual(check('x.mesh', ['{service}'], '{service}'), ['must contain {service}']);
    assert.deepEqual(check('{service}.mesh', ['{service}'], '{service}'), []);
  });
});
