/** Kit: the settings every adapter shares (service selection, hostTemplate, emptyGracePeriod, staleAfter, backoff). */
import { z } from 'zod';
import { durationMs } from '../../util/duration.js';
import { checkHostTemplate } from './host-template.js';
import { nonEmpty, type IssueReporter } from './schema-parts.js';

export interface CommonDefaults {
  /** Service names left out unless `services.exclude` is set (e.g. the registry's own service). */
  readonly exclude?: readonly string[];
  readonly emptyGracePeriodMs?: number;
  readonly backoffInitialMs?: number;
  readonly backoffMaxMs?: number;
  readonly staleAfterMs?: number;
}

/**
 * Zod keys to spread into a registry's settings object:
 * `services: { include, exclude }` (globs, exclude wins), `hostTemplate`,
 * `emptyGracePeriod`, `staleAfter` and `backoff: { initial, max }`. Check them with
 * `checkCommonSettings` in the object's `superRefine`.
 */
export function commonSettingsShape(d: CommonDefaults = {}) {
  const include = ['*'];
  const exclude = [...(d.exclude ?? [])];
  const initial = d.backoffInitialMs ?? 250;
  const max = d.backoffMaxMs ?? 30_000;
  return {
    services: z
      .object({
        include: z.array(nonEmpty).min(1).default(include),
        exclude: z.array(nonEmpty).default(exclude),
      })
      .strict()
      .default({ include, exclude }),
    hostTemplate: nonEmpty.optional(),
    emptyGracePeriod: durationMs.default(d.emptyGracePeriodMs ?? 30_000),
    staleAfter: durationMs.default(d.staleAfterMs ?? 10_000),
    backoff: z
      .object({ initial: durationMs.default(initial), max: durationMs.default(max) })
      .strict()
      .default({ initial, max }),
  };
}

/** The parsed common settings. */
export interface CommonSettings {
  readonly services: { readonly include: readonly string[]; readonly exclude: readonly string[] };
  readonly hostTemplate?: string | undefined;
  readonly emptyGracePeriod: number;
  /** A silent registry is reported stale within this long (the liveness probe, src/adapters/kit/liveness.ts); 0: no probe. */
  readonly staleAfter: number;
  readonly backoff: { readonly initial: number; readonly max: number };
}

/** Back-off bounds: initial at least 1 ms, max at least initial. */
export function checkBackoff(b: CommonSettings['backoff'], issue: IssueReporter): void {
  if (b.initial < 1 || b.max < b.initial) {
    issue(['backoff'], 'initial must be at least 1ms and max at least initial');
  }
}

/** staleAfter: 0 (no probe) or between 200ms and 10m. */
export function checkStaleAfter(ms: number, issue: IssueReporter): void {
  if (ms !== 0 && (ms < 200 || ms > 600_000))
    issue(['staleAfter'], 'must be 0 (no probe) or between 200ms and 10m');
}

/**
 * The hostTemplate uses only `placeholders` and contains `required`; returns
 * whether it is usable (true when unset) so a registry can add its own rules.
 */
export function checkHostTemplateSetting(
  template: string | undefined,
  placeholders: readonly string[],
  required: string,
  issue: IssueReporter,
): boolean {
  if (template === undefined) return true;
  return checkHostTemplate(template, placeholders, required, (m) => issue(['hostTemplate'], m));
}

/** All checks of the common settings, in one call. */
export function checkCommonSettings(
  s: CommonSettings,
  host: { readonly placeholders: readonly string[]; readonly required: string },
  issue: IssueReporter,
): void {
  checkBackoff(s.backoff, issue);
  checkStaleAfter(s.staleAfter, issue);
  checkHostTemplateSetting(s.hostTemplate, host.placeholders, host.required, issue);
}
