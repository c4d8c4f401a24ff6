import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CORE_SCHEMA, load as loadYaml } from 'js-yaml';
import type { z } from 'zod';
import type { AdapterDefinition, RegistryIdentity } from '../adapters/definition.js';
import { BridgeError, ConfigError, errorMessage } from '../errors.js';
import { DEFAULT_MASS_DELETION, type MassDeletionSettings } from '../pipeline/deletion-guard.js';
import { applyEnvOverrides } from './env-overrides.js';
import { collectKeys } from './schema-keys.js';
import { configSchema, type RawConfig } from './schema.js';

export interface ResolvedRegistry {
  readonly identity: RegistryIdentity;
  /** The top-level `massDeletion` with this registry's own keys over it. */
  readonly massDeletion: MassDeletionSettings;
  readonly settings: unknown;
  readonly definition: AdapterDefinition<unknown>;
}

export interface BridgeConfig {
  readonly xds: RawConfig['xds'];
  readonly admin: RawConfig['admin'];
  readonly output: RawConfig['output'];
  readonly log: RawConfig['log'];
  readonly registries: readonly ResolvedRegistry[];
  readonly configDir: string;
  readonly envOverrides: readonly string[];
}

export type AdapterCatalog = ReadonlyMap<string, AdapterDefinition<unknown>>;

/** Reads, overrides from the environment, and validates a config file. Throws ConfigError. */
export function loadConfigFile(path: string, catalog: AdapterCatalog, env = process.env): BridgeConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new BridgeError('IRB_CONFIG_UNREADABLE', `cannot read config file ${path}: ${errorMessage(err)}`);
  }
  let doc: unknown;
  try {
    doc = loadYaml(text, { schema: CORE_SCHEMA });
  } catch (err) {
    throw new ConfigError(`config file ${path} is not valid YAML: ${errorMessage(err)}`);
  }
  return parseConfig(doc ?? {}, catalog, dirname(resolve(path)), env);
}

export function parseConfig(
  doc: unknown,
  catalog: AdapterCatalog,
  configDir: string,
  env: NodeJS.ProcessEnv = {},
): BridgeConfig {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new ConfigError('config must be a YAML mapping with at least a "registries" key');
  }
  const copy = structuredClone(doc) as Record<string, unknown>;
  const keys = collectKeys([configSchema, ...[...catalog.values()].map((d) => d.settingsSchema)]);
  const envOverrides = applyEnvOverrides(copy, env, keys);
  const raw = check(configSchema, copy, '');
  const names = new Set<string>();
  const registries = raw.registries.map((entry, i): ResolvedRegistry => {
    const definition = catalog.get(entry.type);
    if (!definition) {
      throw new ConfigError(
        `config key registries[${i}].type: unknown registry type "${entry.type}" (known: ${[...catalog.keys()].sort().join(', ')})`,
      );
    }
    if (names.has(entry.name)) {
      throw new ConfigError(
        `config key registries[${i}].name: "${entry.name}" is used twice; names must be unique`,
      );
    }
    names.add(entry.name);
    const { name, type, namespace, massDeletion, ...rest } = entry;
    const settings = check(definition.settingsSchema, rest, `registries[${i}].`);
    return {
      identity: { name, type, namespace: namespace ?? defaultNamespace(type) },
      massDeletion: {
        ...DEFAULT_MASS_DELETION,
        ...defined(raw.massDeletion),
        ...defined(massDeletion ?? {}),
      },
      settings,
      definition,
    };
  });
  return {
    xds: raw.xds,
    admin: raw.admin,
    output: raw.output,
    log: raw.log,
    registries,
    configDir,
    envOverrides,
  };
}

/** Drops keys whose value is undefined, so they do not override defaults in a spread. */
function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function defaultNamespace(type: string): string {
  return type.toLowerCase().replace(/[^a-z0-9-]/g, '-');
}

function check<T>(schema: z.ZodType<T>, value: unknown, prefix: string): T {
  const res = schema.safeParse(value);
  if (res.success) return res.data;
  const issue = res.error.issues[0]!;
  const key = (prefix + formatPath(issue.path)).replace(/\.$/, '');
  const where = key ? `config key ${key}` : 'config';
  throw new ConfigError(`${where}: ${issue.message}`);
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}
