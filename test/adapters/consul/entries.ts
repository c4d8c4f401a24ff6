/** Builders for /v1/health/service entries, shaped like Consul 1.8 answers. */
export interface EntrySpec {
  readonly node?: string;
  readonly nodeAddress?: string;
  readonly nodeMeta?: Record<string, string>;
  readonly id?: string;
  readonly service?: string;
  readonly address?: string;
  readonly port?: unknown;
  readonly tags?: string[];
  readonly meta?: Record<string, string>;
  readonly kind?: string;
  readonly checks?: string[];
  readonly nodeChecks?: string[];
  readonly weights?: { Passing: number; Warning: number };
}

export function entry(s: EntrySpec = {}): unknown {
  const node = s.node ?? 'n1';
  const id = s.id ?? 'web-1';
  const service = s.service ?? 'web';
  return {
    Node: { Node: node, Address: s.nodeAddress ?? '10.1.0.1', Datacenter: 'dc1', Meta: s.nodeMeta ?? {} },
    Service: {
      ID: id,
      Service: service,
      Kind: s.kind ?? '',
      Tags: s.tags ?? [],
      Address: s.address ?? '',
      Port: s.port ?? 8080,
      Meta: s.meta ?? {},
      Weights: s.weights ?? { Passing: 1, Warning: 1 },
    },
    Checks: [
      ...(s.nodeChecks ?? ['passing']).map((Status, i) => ({ CheckID: `node-${i}`, ServiceID: '', Status })),
      ...(s.checks ?? []).map((Status, i) => ({ CheckID: `${id}-${i}`, ServiceID: id, Status })),
    ],
  };
}
