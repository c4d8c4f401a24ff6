/** The keys of a `type: eureka` registry entry. */
import { z } from 'zod';
import { durationMs } from '../../util/duration.js';
import { checkBackoff, checkStaleAfter, commonSettingsShape } from '../kit/common-settings.js';
import { issueReporter, nonEmpty } from '../kit/schema-parts.js';
import { istioProtocolName } from '../kit/protocol-name.js';
import { checkTlsSettings, tlsSettingsShape } from '../kit/tls.js';
import { checkEurekaHostTemplate } from './host.js';
import { EUREKA_STATUSES } from './status.js';

const MIN_REFRESH_MS = 100;
const MAX_REFRESH_MS = 600_000;
const MAX_FULL_FETCH_MS = 86_400_000;
const EXAMPLE = 'http://127.0.0.1:8761/eureka';

/**
 * A server base URL ending in `/eureka` (a trailing slash is dropped), plain
 * http or https, without credentials, query or fragment.
 */
const serverUrl = z
  .string()
  .trim()
  .transform((v, ctx) => {
    const bad = (message: string): never => {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    };
    let u: URL;
    try {
      u = new URL(v);
    } catch {
      return bad(`"${v}" is not a URL; use e.g. ${EXAMPLE}`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return bad(`"${v}" must be http:// or https://`);
    if (u.username !== '' || u.password !== '') {
      return bad('must not carry user:password; use the registry keys username and passwordFile');
    }
    if (u.search !== '' || u.hash !== '') return bad(`"${v}" must have no query or fragment`);
    const path = u.pathname.replace(/\/+$/, '');
    if (!path.endsWith('/eureka')) {
      return bad(`"${v}" must end in /eureka (the server's base URL, e.g. ${EXAMPLE})`);
    }
    return `${u.origin}${path}`;
  });

/** One URL, a comma-separated list, or a list; at least one, none twice. */
const addressList = z
  .union([z.string(), z.array(z.string()).min(1, 'list at least one Eureka server')])
  .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((a) => a.trim()).filter((a) => a !== ''))
  .pipe(z.array(serverUrl).min(1, 'list at least one Eureka server'));

/** Type-specific keys of a `type: eureka` registry entry. */
export const eurekaSettingsSchema = z
  .object({
    ...commonSettingsShape(),
    ...tlsSettingsShape,
    address: addressList.default([EXAMPLE]),
    refreshInterval: durationMs.default(5_000),
    /** A full fetch at least this often even while deltas verify; 0 turns it off. */
    fullFetchInterval: durationMs.default(60_000),
    statuses: z
      .array(z.enum(EUREKA_STATUSES))
      .min(1, 'list at least one status')
      .default(['UP'])
      .transform((l) => [...new Set(l)]),
    username: nonEmpty.optional(),
    passwordFile: nonEmpty.optional(),
    protocolDefault: istioProtocolName.default('http'),
  })
  .strict()
  .superRefine((s, ctx) => {
    const issue = issueReporter(ctx);
    if (s.refreshInterval < MIN_REFRESH_MS || s.refreshInterval > MAX_REFRESH_MS) {
      issue(['refreshInterval'], 'must be between 100ms and 10m');
    }
    if (
      s.fullFetchInterval !== 0 &&
      (s.fullFetchInterval < s.refreshInterval || s.fullFetchInterval > MAX_FULL_FETCH_MS)
    ) {
      issue(['fullFetchInterval'], 'must be 0 (off) or between refreshInterval and 24h');
    }
    if ((s.username === undefined) !== (s.passwordFile === undefined)) {
      issue(
        [s.username === undefined ? 'username' : 'passwordFile'],
        'username and passwordFile go together',
      );
    }
    if (new Set(s.address).size !== s.address.length) issue(['address'], 'lists a server twice');
    // TLS settings need every server on https: checking the first plain one says so.
    const plain = s.address.find((a) => !a.startsWith('https:')) ?? s.address[0] ?? '';
    checkTlsSettings(s, plain, 'address', issue);
    checkBackoff(s.backoff, issue);
    checkStaleAfter(s.staleAfter, issue);
    if (s.hostTemplate !== undefined) {
      checkEurekaHostTemplate(s.hostTemplate, (m) => issue(['hostTemplate'], m));
    }
  });

export type EurekaSettings = z.output<typeof eurekaSettingsSchema>;
