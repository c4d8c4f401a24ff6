/**
 * Reads Eureka's JSON (`GET /apps`, `GET /apps/delta`) into plain records.
 * Tolerant, as Eureka servers differ: a lone object where a list is expected
 * (1.x servers), ports as `{"$":8080,"@enabled":"true"}` with the number or
 * flag as a string, or a bare number; the empty-map artefact
 * `{"@class":"java.util.Collections$EmptyMap"}` as metadata. Registry data is
 * only ever read by fixed keys here; what comes from it is kept in Maps.
 */
import { BridgeError } from '../../errors.js';
import { EUREKA_STATUSES } from './status.js';

export type ActionType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One instance as the bridge keeps it. `app` is the upper-case key Eureka files it under. */
export interface EurekaInstance {
  readonly app: string;
  readonly instanceId: string;
  /** As reported (it is what `apps__hashcode` counts); unknown values become UNKNOWN. */
  readonly status: string;
  readonly overriddenStatus: string | undefined;
  readonly ipAddr: string | undefined;
  readonly hostName: string | undefined;
  /** The port, when `@enabled`. */
  readonly port: number | undefined;
  /** The secure port, when `@enabled`. */
  readonly securePort: number | undefined;
  readonly vipAddress: string | undefined;
  readonly metadata: ReadonlyMap<string, string>;
  /** `availability-zone` of an AWS dataCenterInfo. */
  readonly availabilityZone: string | undefined;
  readonly actionType: ActionType;
}

/** A problem in the input: the instance was skipped, or part of it dropped. */
export interface WireIssue {
  readonly what: string;
  readonly detail: string;
}

export interface Applications {
  /** `apps__hashcode`; undefined when the answer has none. */
  readonly hashcode: string | undefined;
  readonly instances: readonly EurekaInstance[];
  readonly issues: readonly WireIssue[];
}

/** Bounds on what one answer may hold (beyond them: an error, or entries dropped and reported). */
export const WIRE_LIMITS = {
  instances: 250_000,
  metadataEntries: 128,
  metadataKeyLength: 253,
  metadataValueLength: 4096,
} as const;

const EMPTY_MAP_CLASS = 'java.util.Collections$EmptyMap';
const KNOWN_STATUS: ReadonlySet<string> = new Set(EUREKA_STATUSES);

type Json = Readonly<Record<string, unknown>>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A list where Eureka may send a list, a lone object, or nothing. */
function listOf(v: unknown): readonly unknown[] {
  if (Array.isArray(v)) return v;
  return v === undefined || v === null || v === '' ? [] : [v];
}

function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim() === '' ? undefined : v.trim();
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/**
 * Parses an answer of `/apps` or `/apps/delta` (already JSON-decoded).
 * Throws IRB_EUREKA_BAD_RESPONSE when it is not Eureka's shape at all or
 * holds more than WIRE_LIMITS.instances; skips and reports bad instances.
 */
export function parseApplications(body: unknown, source: string): Applications {
  const root = isObject(body) ? body.applications : undefined;
  if (!isObject(root)) {
    throw new BridgeError(
      'IRB_EUREKA_BAD_RESPONSE',
      `${source}: the answer has no "applications" object (is the address a Eureka server's /eureka base URL?)`,
    );
  }
  const hashcode = typeof root.apps__hashcode === 'string' ? root.apps__hashcode : undefined;
  const instances: EurekaInstance[] = [];
  const issues: WireIssue[] = [];
  for (const application of listOf(root.application)) {
    if (!isObject(application)) {
      issues.push({ what: source, detail: 'an "application" entry is not an object; skipped' });
      continue;
    }
    const appName = text(application.name);
    for (const raw of listOf(application.instance)) {
      if (instances.length >= WIRE_LIMITS.instances) {
        throw new BridgeError(
          'IRB_EUREKA_BAD_RESPONSE',
          `${source}: more than ${WIRE_LIMITS.instances} instances; the bridge holds at most that many`,
        );
      }
      const parsed = parseInstance(raw, appName, issues);
      if (parsed !== undefined) instances.push(parsed);
    }
  }
  return { hashcode, instances, issues };
}

function parseInstance(
  raw: unknown,
  appName: string | undefined,
  issues: WireIssue[],
): EurekaInstance | undefined {
  const where = `eureka app "${appName ?? '?'}"`;
  if (!isObject(raw)) {
    issues.push({ what: where, detail: 'an "instance" entry is not an object; skipped' });
    return undefined;
  }
  const app = (appName ?? text(raw.app))?.toUpperCase();
  if (app === undefined) {
    issues.push({ what: where, detail: 'an instance names no app; skipped' });
    return undefined;
  }
  const dataCenter = isObject(raw.dataCenterInfo) ? raw.dataCenterInfo : undefined;
  const awsMeta = dataCenter !== undefined && isObject(dataCenter.metadata) ? dataCenter.metadata : undefined;
  const hostName = text(raw.hostName);
  // Eureka's own fallback when instanceId is absent (old clients): AWS instance-id, then hostName.
  const instanceId = text(raw.instanceId) ?? text(awsMeta?.['instance-id']) ?? hostName;
  if (instanceId === undefined) {
    issues.push({
      what: `eureka app "${app}"`,
      detail: 'an instance has no instanceId and no hostName; skipped',
    });
    return undefined;
  }
  const what = `eureka app "${app}" instance "${instanceId}"`;
  const status = normaliseStatus(text(raw.status));
  const overridden = text(raw.overriddenStatus);
  const action = text(raw.actionType)?.toUpperCase();
  return {
    app,
    instanceId,
    status,
    overriddenStatus: overridden === undefined ? undefined : normaliseStatus(overridden),
    ipAddr: text(raw.ipAddr),
    hostName,
    port: enabledPort(raw.port, 'port', true, what, issues),
    securePort: enabledPort(raw.securePort, 'securePort', false, what, issues),
    vipAddress: text(raw.vipAddress),
    metadata: metadataOf(raw.metadata, what, issues),
    availabilityZone: text(awsMeta?.['availability-zone']),
    actionType: action === 'DELETED' || action === 'MODIFIED' ? action : 'ADDED',
  };
}

function normaliseStatus(s: string | undefined): string {
  const upper = s?.toUpperCase();
  return upper !== undefined && KNOWN_STATUS.has(upper) ? upper : 'UNKNOWN';
}

/**
 * The port number when enabled. Without an `@enabled` flag (or as a bare
 * number) Eureka's defaults apply: port enabled, securePort disabled.
 */
function enabledPort(
  v: unknown,
  key: string,
  byDefault: boolean,
  what: string,
  issues: WireIssue[],
): number | undefined {
  let number: unknown = v;
  let enabled = byDefault;
  if (isObject(v)) {
    number = v.$;
    const flag = v['@enabled'];
    if (typeof flag === 'boolean') enabled = flag;
    else if (typeof flag === 'string') enabled = flag.trim().toLowerCase() === 'true';
  }
  if (!enabled || number === undefined || number === null) return undefined;
  const n = typeof number === 'string' && /^\d+$/.test(number.trim()) ? Number(number) : number;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535) {
    issues.push({ what, detail: `${key} ${JSON.stringify(number)} is not 1-65535; ignored` });
    return undefined;
  }
  return n;
}

function metadataOf(v: unknown, what: string, issues: WireIssue[]): ReadonlyMap<string, string> {
  const out = new Map<string, string>();
  if (!isObject(v)) return out;
  let dropped = 0;
  for (const [key, raw] of Object.entries(v)) {
    if (key === '@class' && raw === EMPTY_MAP_CLASS) continue;
    const value =
      typeof raw === 'string'
        ? raw
        : typeof raw === 'number' || typeof raw === 'boolean'
          ? String(raw)
          : undefined;
    if (
      value === undefined ||
      key === '' ||
      key.length > WIRE_LIMITS.metadataKeyLength ||
      value.length > WIRE_LIMITS.metadataValueLength ||
      out.size >= WIRE_LIMITS.metadataEntries
    ) {
      dropped++;
      continue;
    }
    out.set(key, value);
  }
  if (dropped > 0) {
    issues.push({
      what,
      detail: `${dropped} metadata entries dropped (not text, empty key, or over the limits: ${WIRE_LIMITS.metadataEntries} entries, keys of ${WIRE_LIMITS.metadataKeyLength} and values of ${WIRE_LIMITS.metadataValueLength} characters)`,
    });
  }
  return out;
}
