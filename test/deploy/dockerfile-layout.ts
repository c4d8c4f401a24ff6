/**
 * Checks the Dockerfile against the packaged layout: its build stage installs
 * the package with scripts/pack-install.sh (as CI does), the final stage copies
 * only paths that install holds, its ENTRYPOINT is the package's bin, and it
 * runs as a non-root numeric user. `install` is a folder where
 * scripts/pack-install.sh ran: it stands for the build stage's DEST.
 */
import { existsSync, realpathSync } from 'node:fs';
import { join, posix } from 'node:path';
import { copiesOf, envOf, execForm, lastOf, parseDockerfile } from './dockerfile.js';

export interface PackageFacts {
  readonly name: string;
  /** The command name and its file in the package (package.json `bin`). */
  readonly binName: string;
  readonly binPath: string;
}

/** Where the image path `p` (under `dest`) is in `install`, or undefined when it is outside dest. */
function inInstall(p: string, dest: string, install: string): string | undefined {
  const norm = posix.normalize(p).replace(/\/$/, '');
  if (norm === dest) return install;
  if (norm.startsWith(`${dest}/`)) return join(install, norm.slice(dest.length + 1));
  return undefined;
}

export function dockerfileLayoutProblems(text: string, install: string, pkg: PackageFacts): string[] {
  const out: string[] = [];
  const stages = parseDockerfile(text);
  const final = stages.at(-1);
  if (final === undefined) return ['the Dockerfile has no FROM'];
  const installs = stages.flatMap((s) =>
    s.instructions
      .filter((i) => i.keyword === 'RUN')
      .flatMap((i) => [...i.args.matchAll(/scripts\/pack-install\.sh\s+(\S+)/g)])
      .map((m) => ({ stage: s.name, dest: posix.normalize(m[1]!).replace(/\/$/, '') })),
  );
  if (installs.length !== 1 || installs[0]!.stage === undefined || stages.indexOf(final) === 0) {
    return ['a named build stage must install the package once with scripts/pack-install.sh DEST'];
  }
  const { stage, dest } = installs[0]!;

  const fromBuild = copiesOf(final).filter((c) => c.from !== undefined);
  if (!fromBuild.some((c) => c.from === stage))
    out.push(`the final stage copies nothing from stage ${stage}`);
  for (const copy of fromBuild) {
    if (copy.from !== stage) {
      out.push(
        `line ${copy.line}: copies from ${copy.from}, not from ${stage} where the package is installed`,
      );
      continue;
    }
    for (const src of copy.sources) {
      const local = inInstall(src, dest, install);
      if (local === undefined)
        out.push(`line ${copy.line}: COPY ${src} is outside ${dest}, the installed package`);
      else if (!existsSync(local))
        out.push(`line ${copy.line}: COPY ${src}: the installed package has no such path`);
    }
  }
  const copiedDest = fromBuild.find((c) => c.from === stage && c.sources.includes(dest))?.dest;
  if (copiedDest !== undefined && posix.normalize(copiedDest).replace(/\/$/, '') !== dest) {
    out.push(`${dest} is copied to ${copiedDest}: keep the same path, PATH and ENTRYPOINT name it`);
  }

  const entry = lastOf(final, 'ENTRYPOINT');
  const words = entry === undefined ? undefined : execForm(entry.args);
  if (words === undefined || words.length === 0) {
    out.push('the final stage needs an exec-form ENTRYPOINT (a JSON array)');
  } else {
    let local: string | undefined;
    if (words[0] === 'node' && words[1] !== undefined) {
      local = inInstall(posix.resolve(lastOf(final, 'WORKDIR')?.args ?? '/', words[1]), dest, install);
    } else if (words[0]!.includes('/')) {
      local = inInstall(words[0]!, dest, install);
    } else {
      const path = (envOf(final, 'PATH') ?? '').split(':');
      for (const dir of path) {
        const candidate = inInstall(posix.join(dir, words[0]!), dest, install);
        if (candidate !== undefined && existsSync(candidate)) {
          local = candidate;
          break;
        }
      }
    }
    const bin = join(install, 'node_modules', pkg.name, pkg.binPath);
    if (words[0] !== 'node' && words[0] !== pkg.binName && !words[0]!.endsWith(`/${pkg.binName}`)) {
      out.push(`ENTRYPOINT runs ${words[0]}, not the package's bin ${pkg.binName}`);
    } else if (local === undefined || !existsSync(local)) {
      out.push(`ENTRYPOINT ${JSON.stringify(words)} does not resolve to a file of the installed package`);
    } else if (realpathSync(local) !== realpathSync(bin)) {
      out.push(
        `ENTRYPOINT ${JSON.stringify(words)} runs ${realpathSync(local)}, not the package's bin ${bin}`,
      );
    }
  }

  const user = lastOf(final, 'USER')?.args;
  if (user === undefined || !/^\d+(:\d+)?$/.test(user) || /^0(:|$)/.test(user)) {
    out.push(`the final stage must run as a non-root numeric USER (got ${user ?? 'none'})`);
  }
  return out;
}
