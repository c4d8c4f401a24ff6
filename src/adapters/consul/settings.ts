import { z } from 'zod';
import { durationMs } from '../../util/duration.js';
import {
  checkBackoff,
  checkStaleAfter,
  checkHostTemplateSetting,
  commonSettingsShape,
} from '../kit/common-settings.js';
import { httpUrl, issueReporter, nonEmpty } from '../kit/schema-parts.js';
import { istioProtocolName } from '../kit/protocol-name.js';
import { checkTlsSettings, tlsSettingsShape } from '../kit/tls.js';
import { HOST_PLACEHOLDERS } from './host.js';

/** How Consul check states decide `RegistryInstance.healthy`. */
export const HEALTH_POLICIES = ['passing', 'passing+warning', 'any'] as const;
export type HealthPolicy = (typeof HEALTH_POLICIES)[number];

const MIN_WAIT_MS = 1_000;
const MAX_WAIT_MS = 600_000; // Consul caps `wait` at 10 minutes

/** The Consul servers register themselves as service "consul"; it is no mesh service. */
const DEFAULT_EXCLUDE = ['consul'];

/** Type-specific keys of a `type: consul` registry entry. */
export const consulSettingsSchema = z
  .object({
    ...commonSettingsShape({ exclude: DEFAULT_EXCLUDE }),
    ...tlsSettingsShape,
    address: httpUrl('http://127.0.0.1:8500').default('http://127.0.0.1:8500'),
    token: nonEmpty.optional(),
    tokenFile: nonEmpty.optional(),
    datacenters: z.array(nonEmpty).min(1, 'list at least one datacenter or leave the key out').optional(),
    tags: z.array(nonEmpty).default([]),
    health: z.enum(HEALTH_POLICIES).default('passing'),
    consulNamespace: nonEmpty.optional(),
    partition: nonEmpty.optional(),
    wait: durationMs.default(60_000),
    stale: z.boolean().default(false),
    protocolDefault: istioProtocolName.default('tcp'),
    protocolTag: nonEmpty.default('protocol'),
    maxConcurrentQueries: z.int().min(1).max(1000).default(100),
  })
  .strict()
  .superRefine((s, ctx) => {
    const issue = issueReporter(ctx);
    if (s.token !== undefined && s.tokenFile !== undefined) {
      issue(['tokenFile'], 'set either token or tokenFile, not both');
    }
    checkTlsSettings(s, s.address, 'address', issue);
    if (s.wait < MIN_WAIT_MS || s.wait > MAX_WAIT_MS) {
      issue(['wait'], 'must be between 1s and 10m');
    }
    checkBackoff(s.backoff, issue);
    checkStaleAfter(s.staleAfter, issue);
    const template = s.hostTemplate;
    if (
      template !== undefined &&
      checkHostTemplateSetting(template, HOST_PLACEHOLDERS, '{service}', issue) &&
      (s.datacenters?.length ?? 1) > 1 &&
      !template.includes('{dc}')
    ) {
      issue(['hostTemplate'], 'must contain {dc} when several datacenters are listed');
    }
    if (s.datacenters && new Set(s.datacenters).size !== s.datacenters.length) {
      issue(['datacenters'], 'lists a datacenter twice');
    }
  });

export type ConsulSettings = z.output<typeof consulSettingsSchema>;
