import type { AdapterDefinition } from '../definition.js';
import { consulAdapter } from '../consul/adapter.js';
import { eurekaAdapter } from '../eureka/adapter.js';
import { fileAdapter } from '../file/adapter.js';
import { zookeeperAdapter } from '../zookeeper/adapter.js';

/** Every registry type the bridge knows. Adding one means adding it here; nothing else changes. */
const definitions: readonly AdapterDefinition<unknown>[] = [
  fileAdapter,
  consulAdapter,
  zookeeperAdapter,
  eurekaAdapter,
];

export const adapterCatalog: ReadonlyMap<string, AdapterDefinition<unknown>> = new Map(
  definitions.map((d) => [d.type, d]),
);
