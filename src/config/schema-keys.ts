import type { z } from 'zod';

export interface KeyInfo {
  /** The key as the config spells it (camelCase). */
  readonly name: string;
  /** Every schema that has this key wants a string there. */
  readonly stringOnly: boolean;
}

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  valueType?: z.ZodType;
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Lower case without '_': `MAX_DELAY`, `MAXDELAY` and `maxDelay` all match. */
export function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/_/g, '');
}

/** The leaf kinds a schema accepts (string, number, object, ...), looking through wrappers. */
function leafTypes(schema: z.ZodType, out: Set<string>, depth = 0): void {
  if (depth > 20) return;
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
    case 'default':
    case 'prefault':
    case 'nullable':
    case 'readonly':
    case 'catch':
      leafTypes(def.innerType!, out, depth + 1);
      return;
    case 'pipe':
      leafTypes(def.in!, out, depth + 1);
      return;
    case 'union':
      for (const o of def.options ?? []) leafTypes(o, out, depth + 1);
      return;
    default:
      out.add(def.type);
  }
}

/** Every object key found in the schemas, for matching environment override segments. */
export function collectKeys(schemas: readonly z.ZodType[]): Map<string, KeyInfo> {
  const found = new Map<string, KeyInfo>();
  const visit = (schema: z.ZodType, depth: number): void => {
    if (depth > 20) return;
    const def = defOf(schema);
    if (def.shape) {
      for (const [name, child] of Object.entries(def.shape)) {
        const leaves = new Set<string>();
        leafTypes(child, leaves);
        const isString = leaves.size === 1 && leaves.has('string');
        const prev = found.get(normalizeKey(name));
        found.set(normalizeKey(name), { name, stringOnly: (prev?.stringOnly ?? true) && isString });
        visit(child, depth + 1);
      }
      return;
    }
    for (const next of [def.innerType, def.in, def.out, def.element, def.valueType, ...(def.options ?? [])]) {
      if (next) visit(next, depth + 1);
    }
  };
  for (const s of schemas) visit(s, 0);
  return found;
}
