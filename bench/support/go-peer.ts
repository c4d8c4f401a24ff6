/**
 * Builds the go-control-plane peer (bench/peer/) once per source hash, cached
 * under ~/.cache/irb (IRB_CACHE), like the istiod fixtures.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const PEER_DIR = join(import.meta.dirname, '..', '..', '..', 'bench', 'peer');
const SOURCES = ['go.mod', 'go.sum', 'main.go'];

/** Path of the peer binary, building it first when this source hash is not cached; undefined (with why) without Go. */
export function goPeerBinary(): { path: string } | { skipped: string } {
  const hash = createHash('sha256');
  for (const f of SOURCES) hash.update(f).update(readFileSync(join(PEER_DIR, f)));
  const dir = join(process.env['IRB_CACHE'] ?? join(homedir(), '.cache', 'irb'), 'go-peer');
  const bin = join(dir, `peer-${hash.digest('hex').slice(0, 16)}`);
  if (existsSync(bin)) return { path: bin };
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
  } catch {
    return { skipped: 'no `go` on PATH to build the go-control-plane peer' };
  }
  mkdirSync(dir, { recursive: true });
  console.log(`building the go-control-plane peer (first run; cached as ${bin}) ...`);
  execFileSync('go', ['build', '-o', `${bin}.tmp`, '.'], { cwd: PEER_DIR, stdio: 'inherit' });
  renameSync(`${bin}.tmp`, bin);
  return { path: bin };
}
