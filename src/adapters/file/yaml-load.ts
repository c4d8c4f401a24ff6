/**
 * YAML loading for the file registry: js-yaml with the YAML 1.2 core schema,
 * except that a plain scalar read as a number or boolean keeps the text it was
 * written as (`PlainScalar`), so a label written `1.10` is served as `1.10`,
 * not as the number's shortest form `1.1`.
 */
import {
  boolCoreTag,
  CORE_SCHEMA,
  defineScalarTag,
  floatCoreTag,
  intCoreTag,
  loadAll,
  NOT_RESOLVED,
  YAMLException,
  type ScalarTagDefinition,
} from 'js-yaml';

/** A number or boolean as YAML read it, with the text it was written as. */
export class PlainScalar {
  constructor(
    readonly value: number | boolean,
    readonly source: string,
  ) {}
}

function keepingSource(tag: ScalarTagDefinition<number> | ScalarTagDefinition<boolean>) {
  return defineScalarTag<PlainScalar>(tag.tagName, {
    implicit: tag.implicit,
    implicitFirstChars: tag.implicitFirstChars,
    resolve: (source, isExplicit, tagName) => {
      const v = tag.resolve(source, isExplicit, tagName);
      return v === NOT_RESOLVED ? NOT_RESOLVED : new PlainScalar(v, source);
    },
    identify: (data) => data instanceof PlainScalar,
  });
}

const SCHEMA = CORE_SCHEMA.withTags(
  keepingSource(intCoreTag),
  keepingSource(floatCoreTag),
  keepingSource(boolCoreTag),
);

/** The schema's implicit scalar tags (null, bool, int, float), in the order it tries them. */
const IMPLICIT_TAGS = SCHEMA.tags.filter(
  (t): t is ScalarTagDefinition => t.nodeKind === 'scalar' && t.implicit,
);
/** The schema's tag for a plain scalar that no implicit tag matched (a schema always has one). */
const STRING_TAG = SCHEMA.tags.find(
  (t): t is ScalarTagDefinition => t.nodeKind === 'scalar' && t.tagName === 'tag:yaml.org,2002:str',
)!;

/**
 * What loadYaml makes of a plain (unquoted, untagged) scalar written `source`:
 * null, a PlainScalar or a string. The schema's own tags, tried the way
 * js-yaml tries them: in schema order, each only for the first characters it
 * declares, else the string tag.
 */
export function resolvePlainScalar(source: string): unknown {
  const first = source.charAt(0);
  for (const tag of IMPLICIT_TAGS) {
    if (tag.implicitFirstChars !== null && !tag.implicitFirstChars.includes(first)) continue;
    const v: unknown = tag.resolve(source, false, tag.tagName);
    if (v !== NOT_RESOLVED) return v;
  }
  return STRING_TAG.resolve(source, false, STRING_TAG.tagName);
}

/** A YAML syntax error, with the 1-based line it was found on. */
export class YamlSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly line: number | undefined,
  ) {
    super(line === undefined ? reason : `line ${line}: ${reason}`);
  }
}

/**
 * Parses one YAML document (`undefined` for an empty one, e.g. only comments);
 * `firstLine` is the 1-based line of `text` in its file (for error lines).
 */
export function loadYaml(text: string, firstLine = 1): unknown {
  let docs: unknown[];
  try {
    docs = loadAll(text, { schema: SCHEMA, maxAliases: 1000 });
  } catch (err) {
    if (err instanceof YAMLException) {
      const line = err.mark ? err.mark.line + firstLine : undefined;
      throw new YamlSyntaxError(err.reason, line);
    }
    throw err;
  }
  if (docs.length > 1)
    throw new YamlSyntaxError(`expected one YAML document, found ${docs.length}`, undefined);
  return docs[0];
}
