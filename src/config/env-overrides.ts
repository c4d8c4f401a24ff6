import { CORE_SCHEMA, load as loadYaml } from 'js-yaml';
import { ConfigError } from '../errors.js';
import { normalizeKey, type KeyInfo } from './schema-keys.js';
import { compareStrings } from '../util/compare.js';

export const ENV_PREFIX = 'REGISTRY_BRIDGE__';

/**
 * Applies `REGISTRY_BRIDGE__A__B=value` overrides onto a parsed config object.
 * Segments match keys case-insensitively and without underscores (`MAXDELAY`
 * and `MAX_DELAY` both set `maxDelay`, also when the file does not have it);
 * inside `registries` a segment is a registry's name, else its index. Values
 * are YAML scalars (`true`, `5`, `100ms`) except for keys that only take
 * strings (a token stays a string even when it looks like a number). An
 * override that names nothing the config has is an error. Returns the
 * variables applied.
 */
export function applyEnvOverrides(
  config: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  keys: ReadonlyMap<string, KeyInfo>,
): string[] {
  const applied: string[] = [];
  for (const [envKey, raw] of Object.entries(env).sort(([a], [b]) => compareStrings(a, b))) {
    if (!envKey.startsWith(ENV_PREFIX) || raw === undefined) continue;
    const path = envKey.slice(ENV_PREFIX.length).split('__').filter(Boolean);
    if (path.length === 0) continue;
    const problem = setPath(config, path, raw, keys);
    if (problem) throw new ConfigError(`environment variable ${envKey}: ${problem}`);
    applied.push(envKey);
  }
  return applied;
}

function typed(raw: string, info: KeyInfo | undefined): unknown {
  if (raw === '' || info?.stringOnly) return raw;
  return loadYaml(raw, { schema: CORE_SCHEMA });
}

/** Sets the value; returns why it could not, or undefined. */
function setPath(
  root: Record<string, unknown>,
  path: string[],
  raw: string,
  keys: ReadonlyMap<string, KeyInfo>,
): string | undefined {
  let node: unknown = root;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const last = i === path.length - 1;
    if (Array.isArray(node)) {
      const idx = findArrayIndex(node, seg);
      if (idx < 0) return `no registry named or numbered "${seg}"`;
      if (last) return 'names a registry, not one of its keys';
      node = node[idx];
      continue;
    }
    if (node === null || typeof node !== 'object') return `"${path.slice(0, i).join('__')}" is not a mapping`;
    const obj = node as Record<string, unknown>;
    const info = keys.get(normalizeKey(seg));
    const key = Object.keys(obj).find((k) => normalizeKey(k) === normalizeKey(seg)) ?? info?.name;
    if (key === undefined) return `unknown key "${seg}"`;
    if (last) {
      obj[key] = typed(raw, info);
    } else {
      if (obj[key] === undefined || obj[key] === null) obj[key] = {};
      node = obj[key];
    }
  }
  return undefined;
}

function findArrayIndex(arr: unknown[], seg: string): number {
  const byName = arr.findIndex(
    (e) =>
      e !== null &&
      typeof e === 'object' &&
      String((e as Record<string, unknown>)['name']).toLowerCase() === seg.toLowerCase(),
  );
  if (byName >= 0) return byName;
  if (/^\d+$/.test(seg)) return Number(seg) < arr.length ? Number(seg) : -1;
  return -1;
}
