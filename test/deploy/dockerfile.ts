/**
 * A small Dockerfile reader for the deploy checks: stages, their
 * instructions (continuation lines joined, comments dropped), COPY sources
 * and destinations, and the final ENTRYPOINT/CMD. Only what the checks need;
 * anything it does not understand is reported, never guessed.
 */

export interface Instruction {
  readonly keyword: string; // upper case
  readonly args: string;
  readonly line: number; // 1-based, where the instruction starts
}

export interface Stage {
  readonly name: string | undefined;
  readonly base: string;
  readonly instructions: Instruction[];
}

export interface Copy {
  readonly from: string | undefined;
  readonly sources: string[];
  readonly dest: string;
  readonly line: number;
}

/** Splits a Dockerfile into stages (FROM ... [AS name]). */
export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let logical = lines[i]!.trim();
    if (logical === '' || logical.startsWith('#')) continue;
    while (logical.endsWith('\\') && i + 1 < lines.length) {
      logical = logical.slice(0, -1);
      i++;
      const next = lines[i]!.trim();
      if (!next.startsWith('#')) logical += ` ${next}`;
    }
    const m = /^(\S+)\s*(.*)$/.exec(logical);
    if (!m) continue;
    const keyword = m[1]!.toUpperCase();
    const args = m[2]!.trim();
    if (keyword === 'FROM') {
      const from = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (!from) throw new Error(`Dockerfile line ${start + 1}: cannot read FROM ${args}`);
      stages.push({ name: from[2], base: from[1]!, instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (stage === undefined) {
      if (keyword === 'ARG') continue;
      throw new Error(`Dockerfile line ${start + 1}: ${keyword} before the first FROM`);
    }
    stage.instructions.push({ keyword, args, line: start + 1 });
  }
  return stages;
}

/** The words of an exec-form (JSON array) instruction, or undefined for the shell form. */
export function execForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((w) => typeof w === 'string')) {
    throw new Error(`not a JSON array of strings: ${args}`);
  }
  return parsed;
}

/** Every COPY (and ADD) of a stage, with its --from and its sources and destination. */
export function copiesOf(stage: Stage): Copy[] {
  const out: Copy[] = [];
  for (const ins of stage.instructions) {
    if (ins.keyword !== 'COPY' && ins.keyword !== 'ADD') continue;
    let rest = ins.args;
    let from: string | undefined;
    for (;;) {
      const flag = /^--([a-z-]+)(?:=(\S+))?\s+/.exec(rest);
      if (!flag) break;
      if (flag[1] === 'from') from = flag[2];
      rest = rest.slice(flag[0].length);
    }
    const words = execForm(rest) ?? rest.split(/\s+/).filter((w) => w !== '');
    if (words.length < 2)
      throw new Error(`Dockerfile line ${ins.line}: COPY needs a source and a destination`);
    out.push({ from, sources: words.slice(0, -1), dest: words.at(-1)!, line: ins.line });
  }
  return out;
}

/** The last value of an instruction in a stage (ENTRYPOINT, CMD, USER, WORKDIR), if any. */
export function lastOf(stage: Stage, keyword: string): Instruction | undefined {
  return stage.instructions.filter((i) => i.keyword === keyword).at(-1);
}

/** The value of `ENV name=value` (or `ENV name value`) set last in a stage, `$name`/`${name}` left as written. */
export function envOf(stage: Stage, name: string): string | undefined {
  let value: string | undefined;
  for (const ins of stage.instructions) {
    if (ins.keyword !== 'ENV') continue;
    const legacy = /^(\S+)\s+(.*)$/.exec(ins.args);
    if (legacy && !legacy[1]!.includes('=')) {
      if (legacy[1] === name) value = legacy[2];
      continue;
    }
    for (const pair of ins.args.split(/\s+/)) {
      const eq = pair.indexOf('=');
      if (eq > 0 && pair.slice(0, eq) === name) value = pair.slice(eq + 1);
    }
  }
  return value;
}
