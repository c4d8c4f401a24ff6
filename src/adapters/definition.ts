import type { z } from 'zod';
import type { RegistryAdapter } from './adapter.js';

/** Common keys of a registry entry after validation. */
export interface RegistryIdentity {
  readonly name: string;
  readonly type: string;
  /** Namespace of this registry's resources (defaults to the type). */
  readonly namespace: string;
}

export interface AdapterEnv {
  /** Folder of the config file; relative paths in settings are resolved against it. */
  readonly configDir: string;
}

/**
 * How a registry type plugs in: a schema for its own keys and a factory.
 * Registering one in `catalog.ts` is all it takes to add a registry type.
 */
export interface AdapterDefinition<S> {
  readonly type: string;
  /** Validates the type-specific keys (everything but name/type/namespace). */
  readonly settingsSchema: z.ZodType<S>;
  create(identity: RegistryIdentity, settings: S, env: AdapterEnv): RegistryAdapter;
}

/** Erases the settings type so definitions of several types fit one list. */
export function defineAdapter<S>(def: AdapterDefinition<S>): AdapterDefinition<unknown> {
  // Sound at run time: `create` only ever receives what `settingsSchema` produced.
  const erased: AdapterDefinition<unknown> = {
    type: def.type,
    settingsSchema: def.settingsSchema,
    create: (identity, settings, env) => def.create(identity, settings as S, env),
  };
  return erased;
}
