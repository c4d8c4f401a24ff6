import { stringify } from 'yaml';
import type { IstioResource } from '../model/istio.js';
import { compareStrings } from '../util/compare.js';

export type OutputFormat = 'yaml' | 'json';

export interface Manifest {
  apiVersion: 'networking.istio.io/v1';
  kind: string;
  metadata: {
    name: string;
    namespace: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    resourceVersion?: string;
  };
  spec: unknown;
}

/** A resource as the Kubernetes manifest `kubectl apply` would take. */
export function toManifest(r: IstioResource, version?: string): Manifest {
  const metadata: Manifest['metadata'] = { name: r.name, namespace: r.namespace };
  if (Object.keys(r.labels).length > 0) metadata.labels = { ...r.labels };
  if (Object.keys(r.annotations).length > 0) metadata.annotations = { ...r.annotations };
  if (version !== undefined) metadata.resourceVersion = version;
  return { apiVersion: 'networking.istio.io/v1', kind: r.kind, metadata, spec: r.spec };
}

/** Sorted by kind, namespace, name; YAML documents or one JSON array. */
export function renderManifests(manifests: readonly Manifest[], format: OutputFormat): string {
  const sorted = [...manifests].sort((a, b) => {
    const ka = `${a.kind}/${a.metadata.namespace}/${a.metadata.name}`;
    const kb = `${b.kind}/${b.metadata.namespace}/${b.metadata.name}`;
    return compareStrings(ka, kb);
  });
  if (format === 'json') return `${JSON.stringify(sorted, null, 2)}\n`;
  return sorted.map((m) => `---\n${stringify(m, { lineWidth: 0 })}`).join('');
}
