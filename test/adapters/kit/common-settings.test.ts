import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { checkCommonSettings, commonSettingsShape } from '../../../src/adapters/kit/common-settings.js';
import { issueReporter } from '../../../src/adapters/kit/schema-parts.js';

/** A registry type's settings as a new adapter would compose them. */
const schema = z
  .object({ ...commonSettingsShape({ exclude: ['eureka'], emptyGracePeriodMs: 5_000 }), url: z.string() })
  .strict()
  .superRefine((s, ctx) =>
    checkCommonSettings(
      s,
      { placeholders: ['{service}', '{app}'], required: '{service}' },
      issueReporter(ctx),
    ),
  );

function firstIssue(input: unknown): string {
  const r = schema.safeParse(input);
  assert.equal(r.success, false, 'expected a validation error');
  const issue = r.error.issues[0]!;
  return `${issue.path.join('.')}: ${issue.message}`;
}

describe('kit: common settings', () => {
  test('defaults: every name but the excluded ones, the given grace period, 250ms..30s back-off', () => {
    const s = schema.parse({ url: 'x' });
    assert.deepEqual(s.services, { include: ['*'], exclude: ['eureka'] });
    assert.equal(s.emptyGracePeriod, 5_000);
    assert.deepEqual(s.backoff, { initial: 250, max: 30_000 });
    assert.equal(s.hostTemplate, undefined);
  });

  test('durations and globs are read', () => {
    const s = schema.parse({
      url: 'x',
      services: { include: ['web-*'] },
      emptyGracePeriod: '2s',
      backoff: { initial: '100ms', max: '1s' },
    });
    assert.deepEqual(s.services, { include: ['web-*'], exclude: ['eureka'] });
    assert.equal(s.emptyGracePeriod, 2_000);
    assert.deepEqual(s.backoff, { initial: 100, max: 1_000 });
  });

  test('bad values are refused with the key named', () => {
    assert.match(firstIssue({ url: 'x', services: { include: [] } }), /^services\.include:/);
    assert.match(firstIssue({ url: 'x', services: { inclde: ['a'] } }), /^services:/);
    assert.match(firstIssue({ url: 'x', backoff: { initial: 10, max: 5 } }), /^backoff: initial must be/);
    assert.match(
      firstIssue({ url: 'x', hostTemplate: '{svc}.x' }),
      /^hostTemplate: unknown placeholder \{svc\}/,
    );
    assert.match(
      firstIssue({ url: 'x', hostTemplate: '{app}.x' }),
      /^hostTemplate: must contain \{service\}/,
    );
    assert.match(firstIssue({ url: 'x', emptyGracePeriod: 'soon' }), /^emptyGracePeriod:/);
  });
});
