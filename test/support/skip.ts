/**
 * What a suite does when this machine cannot run it (no consul binary, no
 * istiod build): it becomes one node:test test, so the runner counts it —
 * skipped with the reason, or, under CI, failed with the reason. A skipped
 * `describe` would only show as a suite and in no skipped total.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

/** True under CI: the CI variable is set to anything but '', '0' or 'false'. */
export function underCi(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

export interface UnavailableOptions {
  /**
   * The suite is known not to run in CI (the README says so): it is skipped
   * there too, with the reason, instead of failing.
   */
  readonly notInCi?: boolean;
}

/** Registers suite `name`, which cannot run here because of `reason`. */
export function unavailableSuite(name: string, reason: string, opts: UnavailableOptions = {}): void {
  if (underCi() && !opts.notInCi) {
    test(`${name}: cannot run under CI`, () => assert.fail(`${name} cannot run: ${reason}`));
    return;
  }
  test(name, { skip: reason }, () => undefined);
}
