import { parse as parseYamlScalar } from 'yaml';

export const ENV_PREFIX = 'REGISTRY_BRIDGE__';

/**
 * Applies `REGISTRY_BRIDGE__A__B=value` overrides onto a parsed config object.
 * Segments match keys case-insensitively (`MAXDELAY` sets `maxDelay`); inside
 * `registries` a segment is a registry's name or index. Values are read as
 * YAML scalars, so `true`, `5` and `100ms` keep their types. Returns the keys set.
 */
export function applyEnvOverrides(config: Record<string, unknown>, env: NodeJS.ProcessEnv): string[] {
  const applied: string[] = [];
  for (const [envKey, raw] of Object.entries(env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!envKey.startsWith(ENV_PREFIX) || raw === undefined) continue;
    const path = envKey.slice(ENV_PREFIX.length).split('__').filter(Boolean);
    if (path.length === 0) continue;
    setPath(config, path, parseYamlScalar(raw) as unknown);
    applied.push(envKey);
  }
  return applied;
}

function setPath(root: Record<string, unknown>, path: string[], value: unknown): void {
  let node: unknown = root;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const last = i === path.length - 1;
    if (Array.isArray(node)) {
      const idx = findArrayIndex(node, seg);
      if (idx < 0) return;
      if (last) node[idx] = value;
      else node = node[idx];
      continue;
    }
    if (node === null || typeof node !== 'object') return;
    const obj = node as Record<string, unknown>;
    const key = Object.keys(obj).find((k) => k.toLowerCase() === seg.toLowerCase()) ?? camel(seg);
    if (last) {
      obj[key] = value;
    } else {
      if (obj[key] === undefined || obj[key] === null) obj[key] = {};
      node = obj[key];
    }
  }
}

function findArrayIndex(arr: unknown[], seg: string): number {
  if (/^\d+$/.test(seg)) return Number(seg) < arr.length ? Number(seg) : -1;
  return arr.findIndex(
    (e) =>
      e !== null &&
      typeof e === 'object' &&
      String((e as Record<string, unknown>)['name']).toLowerCase() === seg.toLowerCase(),
  );
}

function camel(seg: string): string {
  return seg.toLowerCase().replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
}
