import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import protobuf from 'protobufjs';
import type { ResourceKind } from '../model/istio.js';
import { SERVED_KIND_DEFS } from './kinds.js';
import { packageRoot } from '../util/package-root.js';

/** The package's proto/ folder (next to its package.json). */
export function protoDir(): string {
  const dir = join(packageRoot(import.meta.url), 'proto');
  if (!existsSync(join(dir, 'envoy'))) throw new Error(`proto/ folder not found: ${dir} has no envoy/`);
  return dir;
}

const FILES = [
  'envoy/service/discovery/v3/ads.proto',
  'istio/mcp/v1alpha1/resource.proto',
  ...SERVED_KIND_DEFS.map((d) => d.protoFile),
];

export interface ProtoTypes {
  readonly root: protobuf.Root;
  readonly DiscoveryRequest: protobuf.Type;
  readonly DiscoveryResponse: protobuf.Type;
  readonly DeltaDiscoveryRequest: protobuf.Type;
  readonly DeltaDiscoveryResponse: protobuf.Type;
  readonly Resource: protobuf.Type;
  readonly McpResource: protobuf.Type;
  readonly Any: protobuf.Type;
  /** The body message of a served kind. */
  body(kind: ResourceKind): protobuf.Type;
}

let cached: ProtoTypes | undefined;

/** Loads the wire-compatible protos once per process. */
export function protoTypes(): ProtoTypes {
  if (cached) return cached;
  const dir = protoDir();
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => {
    if (target.startsWith('google/protobuf/') || isAbsolute(target)) return target;
    return join(dir, target);
  };
  root.loadSync(FILES.map((f) => join(dir, f)));
  root.resolveAll();
  const t = (name: string): protobuf.Type => root.lookupType(name);
  const bodies = new Map(SERVED_KIND_DEFS.map((d) => [d.kind, t(d.bodyMessage)]));
  cached = {
    root,
    DiscoveryRequest: t('envoy.service.discovery.v3.DiscoveryRequest'),
    DiscoveryResponse: t('envoy.service.discovery.v3.DiscoveryResponse'),
    DeltaDiscoveryRequest: t('envoy.service.discovery.v3.DeltaDiscoveryRequest'),
    DeltaDiscoveryResponse: t('envoy.service.discovery.v3.DeltaDiscoveryResponse'),
    Resource: t('envoy.service.discovery.v3.Resource'),
    McpResource: t('istio.mcp.v1alpha1.Resource'),
    Any: t('google.protobuf.Any'),
    body: (kind) => bodies.get(kind)!,
  };
  return cached;
}
