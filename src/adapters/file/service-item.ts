/**
 * Validates one item of the file's `services` list into a RegistryService.
 * Pure, and independent of the item's position, so a result can be reused
 * for as long as the item's text is unchanged. A bad item is a problem; a bad
 * instance is a problem and is dropped, its siblings kept.
 */
import type { RegistryInstance, RegistryService } from '../../model/registry.js';
import { PlainScalar } from './yaml-load.js';

export interface ServiceItem {
  /** Undefined when the item as a whole is unusable (then `problems` says why). */
  readonly service: RegistryService | undefined;
  /** Relative to the item, e.g. `name: must be ...` or `instances[2]: port: ...`. */
  readonly problems: readonly string[];
}

type Fields = Readonly<Record<string, unknown>>;

class Bad extends Error {}

function isMapping(v: unknown): v is Fields {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof PlainScalar);
}

/** An own key only: a registry value never reaches the prototype. */
function field(o: Fields, key: string): unknown {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

function shown(v: unknown): string {
  if (v instanceof PlainScalar) return v.source;
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v !== 'string') return typeof v;
  const s = JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 40)}...` : s;
}

function str(o: Fields, key: string, required: boolean): string | undefined {
  const v = field(o, key);
  if (v === undefined) {
    if (required) throw new Bad(`${key}: is required`);
    return undefined;
  }
  if (typeof v !== 'string') throw new Bad(`${key}: must be a string (got ${shown(v)})`);
  if (required && v.length === 0) throw new Bad(`${key}: must not be empty`);
  return v;
}

function int(o: Fields, key: string, min: number, max: number): number | undefined {
  const raw = field(o, key);
  if (raw === undefined) return undefined;
  const v = raw instanceof PlainScalar ? raw.value : raw;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new Bad(`${key}: must be an integer from ${min} to ${max} (got ${shown(raw)})`);
  }
  return v;
}

function bool(o: Fields, key: string): boolean | undefined {
  const raw = field(o, key);
  if (raw === undefined) return undefined;
  const v = raw instanceof PlainScalar ? raw.value : raw;
  if (typeof v !== 'boolean') throw new Bad(`${key}: must be true or false (got ${shown(raw)})`);
  return v;
}

/** Label values as written: a plain `1.10` stays `1.10` (JSON numbers are printed by JavaScript). */
function labels(o: Fields): Record<string, string> {
  const raw = field(o, 'labels');
  const out: Record<string, string> = {};
  if (raw === undefined) return out;
  if (!isMapping(raw)) throw new Bad(`labels: must be a mapping of names to values (got ${shown(raw)})`);
  for (const key of Object.keys(raw)) {
    const v = raw[key];
    let text: string;
    if (typeof v === 'string') text = v;
    else if (v instanceof PlainScalar) text = v.source;
    else if (typeof v === 'number' || typeof v === 'boolean') text = String(v);
    else throw new Bad(`labels.${key}: must be a string, number or boolean (got ${shown(v)})`);
    Object.defineProperty(out, key, { value: text, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function instance(raw: unknown): RegistryInstance {
  if (!isMapping(raw)) throw new Bad(`must be a mapping (got ${shown(raw)})`);
  const address = str(raw, 'address', true)!;
  const port = int(raw, 'port', 1, 65535);
  if (port === undefined) throw new Bad('port: is required');
  const protocol = str(raw, 'protocol', false);
  const labelMap = labels(raw);
  const healthy = bool(raw, 'healthy');
  const locality = str(raw, 'locality', false);
  const weight = int(raw, 'weight', 0, Number.MAX_SAFE_INTEGER);
  const network = str(raw, 'network', false);
  const serviceAccount = str(raw, 'serviceAccount', false);
  return {
    address,
    port,
    ...(protocol !== undefined && { protocol }),
    ...(locality !== undefined && { locality }),
    ...(weight !== undefined && { weight }),
    ...(network !== undefined && { network }),
    ...(serviceAccount !== undefined && { serviceAccount }),
    labels: labelMap,
    healthy: healthy ?? true,
  };
}

export function readServiceItem(raw: unknown): ServiceItem {
  const problems: string[] = [];
  try {
    if (!isMapping(raw)) throw new Bad(`must be a mapping with a name (got ${shown(raw)})`);
    const name = str(raw, 'name', true)!;
    const namespace = str(raw, 'namespace', false);
    const host = str(raw, 'host', false);
    const protocol = str(raw, 'protocol', false);
    const given = field(raw, 'instances');
    const list = given === undefined ? [] : given;
    if (!Array.isArray(list)) throw new Bad(`instances: must be a list (got ${shown(list)})`);
    const instances: RegistryInstance[] = [];
    list.forEach((rawInst: unknown, j) => {
      try {
        instances.push(instance(rawInst));
      } catch (err) {
        if (!(err instanceof Bad)) throw err;
        problems.push(`instances[${j}]: ${err.message}`);
      }
    });
    const service: RegistryService = {
      id: `${namespace ?? ''}/${name}`,
      name,
      ...(namespace !== undefined && { namespace }),
      ...(host !== undefined && { host }),
      ...(protocol !== undefined && { protocol }),
      instances,
    };
    return { service, problems };
  } catch (err) {
    if (!(err instanceof Bad)) throw err;
    return { service: undefined, problems: [err.message] };
  }
}
