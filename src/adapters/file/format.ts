import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { RegistryInstance, RegistryService } from '../../model/registry.js';

const labelMap = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String));

const instanceSchema = z.object({
  address: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  protocol: z.string().optional(),
  labels: labelMap.optional(),
  healthy: z.boolean().optional(),
  locality: z.string().optional(),
  weight: z.number().int().min(0).optional(),
  network: z.string().optional(),
  serviceAccount: z.string().optional(),
});

const serviceSchema = z.object({
  name: z.string().min(1),
  namespace: z.string().optional(),
  host: z.string().optional(),
  protocol: z.string().optional(),
  instances: z.array(z.unknown()).default([]),
});

export interface ParsedFile {
  readonly services: RegistryService[];
  /** Items that were skipped, with the reason, e.g. `services[2].instances[0]: port: ...`. */
  readonly problems: string[];
}

/**
 * Parses the file registry format. Throws when the document as a whole is
 * unusable (not YAML, no `services` list); a bad service or instance is
 * skipped and listed in `problems`, so one typo never hides the rest.
 */
export function parseRegistryFile(text: string): ParsedFile {
  const doc = parseDocument(text);
  // A missing or misspelt `services` key (or an empty file, e.g. caught mid-write) is an
  // error, not an empty registry: it must not delete everything. Write `services: []`.
  const top = z.object({ services: z.array(z.unknown()) }).safeParse(doc ?? {});
  if (!top.success) {
    throw new Error('expected a mapping with a "services" list (write "services: []" for an empty registry)');
  }
  const problems: string[] = [];
  const services: RegistryService[] = [];
  const seen = new Set<string>();
  top.data.services.forEach((raw, i) => {
    const s = serviceSchema.safeParse(raw);
    if (!s.success) {
      problems.push(`services[${i}]: ${describe(s.error)}`);
      return;
    }
    const id = `${s.data.namespace ?? ''}/${s.data.name}`;
    if (seen.has(id)) {
      problems.push(`services[${i}]: service "${s.data.name}" is listed twice; the first is kept`);
      return;
    }
    seen.add(id);
    const instances: RegistryInstance[] = [];
    s.data.instances.forEach((rawInst, j) => {
      const inst = instanceSchema.safeParse(rawInst);
      if (!inst.success) {
        problems.push(`services[${i}].instances[${j}]: ${describe(inst.error)}`);
        return;
      }
      const { healthy, labels, ...rest } = inst.data;
      instances.push({ ...rest, labels: labels ?? {}, healthy: healthy ?? true });
    });
    services.push({
      id,
      name: s.data.name,
      ...(s.data.namespace !== undefined && { namespace: s.data.namespace }),
      ...(s.data.host !== undefined && { host: s.data.host }),
      ...(s.data.protocol !== undefined && { protocol: s.data.protocol }),
      instances,
    });
  });
  return { services, problems };
}

/** JSON is YAML too; parsed natively it is ~100x faster, which matters for generated files. */
function parseDocument(text: string): unknown {
  if (/^\s*[{[]/.test(text)) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // not strict JSON (e.g. YAML flow style): fall through to the YAML parser
    }
  }
  return parseYaml(text) as unknown;
}

function describe(err: z.ZodError): string {
  const issue = err.issues[0]!;
  return issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
}
