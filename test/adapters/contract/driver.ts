/**
 * What the adapter contract suite needs from one registry type: a real
 * registry it can start, change, break and repair. Everything else (creating
 * the adapter from the catalog, the recording sink, the checks) is the
 * suite's. See docs/adapter-kit.md.
 */

export interface InstanceSpec {
  readonly address: string;
  readonly port: number;
}

/** A service as the suite writes it into a registry; all instances healthy. */
export interface ServiceSpec {
  /** Lower-case letters, digits and dashes, so every registry accepts it. */
  readonly name: string;
  readonly instances: readonly InstanceSpec[];
}

/** One running registry, shared by all cases of a suite run. */
export interface RegistryUnderTest {
  /** The registry entry's type-specific keys, as a user would write them (durations kept short). */
  readonly settings: Readonly<Record<string, unknown>>;
  /** The folder relative paths in `settings` are resolved against. */
  readonly configDir: string;
  /** Adds a service, or replaces all instances of an existing one. */
  put(service: ServiceSpec): Promise<void>;
  /** Deletes a service and all its instances. */
  remove(name: string): Promise<void>;
  /** Starts an outage: the adapter can no longer read the registry (stopped, unreadable, garbage). */
  breakDown(): Promise<void>;
  /** Ends the outage; the registry holds what it held before it. */
  recover(): Promise<void>;
  /** Stops the registry and deletes what it left behind. */
  close(): Promise<void>;
}

export interface ContractDriver {
  /** The adapter type, as registered in src/adapters/catalog.ts. */
  readonly type: string;
  start(): Promise<RegistryUnderTest>;
  /** The `RegistryService.id` the adapter gives the service called `name`. */
  serviceId(name: string): string;
  /** How long an outage is held to show nothing is deleted: longer than the grace period in `settings`. */
  readonly outageHoldMs: number;
  /** How long to watch for a call that must not come (a second synced(), a call after stop). */
  readonly quietMs: number;
  /** The most one change may take to reach the sink (or a recovery to be seen). */
  readonly convergeMs: number;
}
