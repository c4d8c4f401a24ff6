/**
 * Checks of a Compose project as the Compose specification's loader returns it
 * (test/deploy/compose-loader: paths already absolute): every file it mounts
 * or builds from exists, every published port is on the host's loopback, and
 * an address (`host:port`, a URL) names a service of the project and a port
 * that service exposes. Each check returns problems as sentences; none means pass.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { copiesOf, parseDockerfile } from './dockerfile.js';

export interface ComposeVolume {
  readonly type: string;
  readonly source?: string;
  readonly target: string;
}

export interface ComposePort {
  readonly target: number;
  readonly published?: string;
  readonly host_ip?: string;
}

export interface ComposeService {
  readonly image?: string;
  readonly build?: { readonly context: string; readonly dockerfile?: string };
  readonly command?: readonly string[] | null;
  readonly volumes?: readonly ComposeVolume[];
  readonly ports?: readonly ComposePort[];
  readonly expose?: readonly string[];
}

export interface ComposeProject {
  readonly services: Readonly<Record<string, ComposeService>>;
}

function services(project: ComposeProject): [string, ComposeService][] {
  return Object.entries(project.services).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Every bind mount's source exists on the host. */
export function mountProblems(project: ComposeProject): string[] {
  const out: string[] = [];
  for (const [name, svc] of services(project)) {
    for (const v of svc.volumes ?? []) {
      if (v.type !== 'bind') continue;
      if (v.source === undefined || !existsSync(v.source)) {
        out.push(`${name}: mounts ${v.source ?? '(no source)'} at ${v.target}, which does not exist`);
      }
    }
  }
  return out;
}

/** Patterns of a .dockerignore (comments and blank lines dropped, leading ./ and / removed). */
export function dockerignorePatterns(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => l.replace(/^\.?\//, '').replace(/\/$/, ''));
}

/** True when a .dockerignore pattern (a path, or `*.ext`) leaves `path` out of the build context. */
export function ignored(patterns: readonly string[], path: string): boolean {
  const p = path.replace(/^\.?\//, '').replace(/\/$/, '');
  return patterns.some((pat) => {
    if (pat.startsWith('!')) return false;
    if (pat.startsWith('*.')) return p.endsWith(pat.slice(1));
    return p === pat || p.startsWith(`${pat}/`);
  });
}

/**
 * A Dockerfile's COPY sources from the build context (not --from another
 * stage) exist in `context` and are not left out by its .dockerignore.
 */
export function dockerfileContextProblems(dockerfile: string, context: string): string[] {
  const out: string[] = [];
  const ignoreFile = join(context, '.dockerignore');
  const patterns = existsSync(ignoreFile) ? dockerignorePatterns(readFileSync(ignoreFile, 'utf8')) : [];
  for (const stage of parseDockerfile(readFileSync(dockerfile, 'utf8'))) {
    for (const copy of copiesOf(stage)) {
      if (copy.from !== undefined) continue;
      for (const src of copy.sources) {
        if (/[*?[]/.test(src)) {
          out.push(`${dockerfile}:${copy.line}: COPY ${src}: wildcards are not checked; name the paths`);
        } else if (!existsSync(resolve(context, src))) {
          out.push(`${dockerfile}:${copy.line}: COPY ${src}: not in the build context ${context}`);
        } else if (ignored(patterns, src)) {
          out.push(`${dockerfile}:${copy.line}: COPY ${src}: left out of the build context by .dockerignore`);
        }
      }
    }
  }
  return out;
}

/** Every build context is a folder, its Dockerfile exists, and what that Dockerfile copies is there. */
export function buildProblems(project: ComposeProject): string[] {
  const out: string[] = [];
  for (const [name, svc] of services(project)) {
    if (svc.build === undefined) continue;
    const context = svc.build.context;
    if (!existsSync(context) || !statSync(context).isDirectory()) {
      out.push(`${name}: build context ${context} is not a folder`);
      continue;
    }
    const dockerfile = resolve(context, svc.build.dockerfile ?? 'Dockerfile');
    if (!existsSync(dockerfile)) {
      out.push(`${name}: Dockerfile ${dockerfile} does not exist`);
      continue;
    }
    out.push(...dockerfileContextProblems(dockerfile, context).map((p) => `${name}: ${p}`));
  }
  return out;
}

/** Every port published on the host is bound to its loopback address. */
export function publishedPortProblems(project: ComposeProject): string[] {
  const out: string[] = [];
  for (const [name, svc] of services(project)) {
    for (const p of svc.ports ?? []) {
      if (p.published === undefined || p.published === '') continue;
      if (p.host_ip !== '127.0.0.1' && p.host_ip !== '::1') {
        out.push(
          `${name}: port ${p.target} is published on ${p.host_ip ?? 'every host address'}; write 127.0.0.1:${p.published}:${p.target}`,
        );
      }
    }
  }
  return out;
}

/** The ports a service listens on, as its `expose` and `ports` entries say. */
export function servicePorts(svc: ComposeService): Set<number> {
  const out = new Set<number>();
  for (const e of svc.expose ?? []) {
    const m = /^(\d+)(?:-(\d+))?(?:\/\w+)?$/.exec(e);
    if (!m) continue;
    for (let p = Number(m[1]); p <= Number(m[2] ?? m[1]); p++) out.add(p);
  }
  for (const p of svc.ports ?? []) out.add(p.target);
  return out;
}

export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

/**
 * The host:port pairs in a registry address as the bridge's config takes it:
 * `host:port`, a URL (`http://host:port/path`, default port by scheme), a
 * comma-separated list of them, or a YAML list.
 */
export function addressEndpoints(address: unknown): Endpoint[] {
  const items = Array.isArray(address) ? address : typeof address === 'string' ? address.split(',') : [];
  const out: Endpoint[] = [];
  for (const raw of items) {
    if (typeof raw !== 'string') continue;
    const item = raw.trim();
    if (item.includes('://')) {
      const url = new URL(item);
      const port = url.port !== '' ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
      out.push({ host: url.hostname, port });
    } else {
      const colon = item.lastIndexOf(':');
      out.push({
        host: colon > 0 ? item.slice(0, colon) : item,
        port: colon > 0 ? Number(item.slice(colon + 1)) : NaN,
      });
    }
  }
  return out;
}

/** `what` reaches `ep`: its host is a service of the project that listens on its port. */
export function endpointProblems(project: ComposeProject, what: string, ep: Endpoint): string[] {
  const svc = project.services[ep.host];
  if (svc === undefined || !Object.hasOwn(project.services, ep.host)) {
    return [`${what}: ${ep.host}:${ep.port}: no compose service is named ${ep.host}`];
  }
  if (!servicePorts(svc).has(ep.port)) {
    const known = [...servicePorts(svc)].sort((a, b) => a - b).join(', ') || 'none';
    return [
      `${what}: ${ep.host}:${ep.port}: service ${ep.host} exposes no port ${ep.port} (exposes ${known})`,
    ];
  }
  return [];
}

/** The host file mounted at `target` in `svc`, if any. */
export function mountedAt(svc: ComposeService, target: string): string | undefined {
  return (svc.volumes ?? []).find((v) => v.type === 'bind' && v.target === target)?.source;
}

/** The value of `--flag value` or `--flag=value` in a command. */
export function flagValue(command: readonly string[] | null | undefined, flag: string): string | undefined {
  const words = command ?? [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === flag) return words[i + 1];
    if (w.startsWith(`${flag}=`)) return w.slice(flag.length + 1);
  }
  return undefined;
}
