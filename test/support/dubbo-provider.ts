/**
 * The real Java Dubbo 3.3 provider of test/fixtures/dubbo-provider (built by
 * its build.sh, cached under ~/.cache/irb) as a child process registering in
 * a ZooKeeper: started until it prints its READY line, stopped by PID.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const BUILD_SH = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  'test',
  'fixtures',
  'dubbo-provider',
  'build.sh',
);

/** Builds (or finds in the cache) the provider; the folder holding dubbo-provider.jar, or why not. */
export function dubboProviderFixture(): { readonly dir: string } | { readonly missing: string } {
  const r = spawnSync('bash', [BUILD_SH], { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) {
    return {
      missing: `test/fixtures/dubbo-provider/build.sh failed (${r.status ?? r.signal}): ${r.stderr.trim()}`,
    };
  }
  return { dir: r.stdout.trim().split('\n').at(-1)! };
}

export interface DubboProviderOptions {
  readonly java: string;
  readonly zk: string;
  /** `dubbo:PORT,tri:PORT` */
  readonly protocols: string;
  readonly app: string;
  readonly mode?: 'all' | 'interface' | 'instance';
  readonly sessionMs?: number;
}

export class DubboProvider {
  private constructor(private readonly child: ChildProcess) {}

  static async start(dir: string, o: DubboProviderOptions): Promise<DubboProvider> {
    const child = spawn(
      o.java,
      [
        '-Xmx256m',
        '-XX:+UseSerialGC',
        '-XX:TieredStopAtLevel=1',
        '-jar',
        join(dir, 'dubbo-provider.jar'),
        ...['--zk', o.zk, '--mode', o.mode ?? 'all', '--protocols', o.protocols],
        ...['--session', String(o.sessionMs ?? 4000), '--app', o.app],
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`Dubbo provider not ready in 120 s:\n${out}`)),
          120_000,
        );
        child.stdout.on('data', (d: Buffer) => {
          out = (out + d.toString()).slice(-20_000);
          if (out.includes('IRB-DUBBO-PROVIDER READY')) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.stderr.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
        child.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`Dubbo provider exited with ${code}:\n${out}`));
        });
      });
    } catch (err) {
      child.kill('SIGKILL');
      throw err;
    }
    return new DubboProvider(child);
  }

  /** SIGKILL by PID (its ZooKeeper session then expires), resolved once it has exited. */
  async kill(): Promise<void> {
    const c = this.child;
    if (c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
    c.kill('SIGKILL');
    await exited;
  }
}
