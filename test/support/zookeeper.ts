/**
 * Starts a real ZooKeeper server (Debian's package: java and
 * /usr/share/java/zookeeper.jar) for integration tests: a free loopback port,
 * a low tickTime so sessions can expire in about a second, container nodes
 * checked every second, readiness through the `srvr` four-letter word; stopped
 * by PID, frozen with SIGSTOP and thawed with SIGCONT, restarted on the same
 * port with the same data dir, or wiped (killed, data dir deleted, started
 * again empty on the same port).
 *
 * Set JAVA_BIN or ZOOKEEPER_JAR to use others. Without them suites skip,
 * except under CI where they fail (.ci/install-zookeeper.sh installs them).
 */
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe } from 'node:test';
import { freePort } from './ports.js';
import { ServerProcess } from './server-process.js';
import { unavailableSuite } from './skip.js';

const DEFAULT_JAR = '/usr/share/java/zookeeper.jar';
const SLF4J_SIMPLE = '/usr/share/java/slf4j-simple.jar';

export interface ZooKeeperInstall {
  readonly java: string;
  readonly jar: string;
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function readable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/** java and the ZooKeeper server jar, or undefined when either is missing. */
export function findZooKeeper(): ZooKeeperInstall | undefined {
  const java = process.env.JAVA_BIN || onPath('java');
  const jar = process.env.ZOOKEEPER_JAR || DEFAULT_JAR;
  if (java === undefined || !readable(jar)) return undefined;
  return { java, jar };
}

/**
 * `describe` for suites that need a real ZooKeeper. Without java or the jar
 * the suite is one counted skip saying how to install it, or a failing test
 * under CI (`unavailableSuite`).
 */
export function describeWithZooKeeper(name: string, fn: (install: ZooKeeperInstall) => void): void {
  const install = findZooKeeper();
  if (install !== undefined) {
    describe(name, () => fn(install));
    return;
  }
  const message =
    'ZooKeeper not found (needs java on PATH and /usr/share/java/zookeeper.jar, or JAVA_BIN / ZOOKEEPER_JAR; run .ci/install-zookeeper.sh as root)';
  unavailableSuite(name, message);
}

export interface ZooKeeperOptions {
  /** ZooKeeper's tick in ms; sessions may be 2 to 20 ticks long. Default 500 (sessions of 1-10 s). */
  readonly tickTime?: number;
}

/**
 * A ZooKeeper server; restart() brings it back on the same port with the same
 * data dir (persistent nodes and sessions survive), wipe() brings it back empty,
 * stop() sends SIGKILL after 3 s.
 */
export class ZooKeeperServer extends ServerProcess {
  private constructor(
    readonly install: ZooKeeperInstall,
    readonly dir: string,
    readonly port: number,
  ) {
    super({ name: 'zookeeper', dir, logFile: 'zk.log', tailLines: 30, killAfterMs: 3_000 });
  }

  static async start(install: ZooKeeperInstall, opts: ZooKeeperOptions = {}): Promise<ZooKeeperServer> {
    const dir = mkdtempSync(join(tmpdir(), 'irb-zk-'));
    const port = await freePort();
    const server = new ZooKeeperServer(install, dir, port);
    writeFileSync(
      join(dir, 'zoo.cfg'),
      [
        `tickTime=${opts.tickTime ?? 500}`,
        `dataDir=${join(dir, 'data')}`,
        `clientPort=${port}`,
        'clientPortAddress=127.0.0.1',
        'maxClientCnxns=0',
        'admin.enableServer=false',
        '4lw.commands.whitelist=ruok,srvr,stat,mntr',
        '',
      ].join('\n'),
    );
    await server.launch();
    return server;
  }

  /**
   * Kills the server, deletes its data dir (every node, session and zxid is
   * gone) and starts it again on the same port: a server rebuilt from scratch.
   */
  async wipe(): Promise<void> {
    await this.kill();
    rmSync(join(this.dir, 'data'), { recursive: true, force: true });
    await this.launch();
  }

  /** `127.0.0.1:<port>`, as a connection string. */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** The answer to the `srvr` four-letter word ('' when the server does not answer in 2 s). */
  srvr(): Promise<string> {
    return new Promise((resolve) => {
      let out = '';
      const socket = connect(this.port, '127.0.0.1');
      const timer = setTimeout(() => {
        socket.destroy();
        resolve('');
      }, 2_000);
      socket.on('connect', () => socket.write('srvr'));
      socket.on('data', (d: Buffer) => (out += d.toString()));
      socket.on('error', () => undefined);
      socket.on('close', () => {
        clearTimeout(timer);
        resolve(out);
      });
    });
  }

  protected override async launch(): Promise<void> {
    const cp = readable(SLF4J_SIMPLE) ? `${this.install.jar}:${SLF4J_SIMPLE}` : this.install.jar;
    await this.spawnUntilReady(
      this.install.java,
      [
        '-Xmx128m',
        '-XX:+UseSerialGC',
        '-XX:TieredStopAtLevel=1',
        '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
        // Emptied container nodes (e.g. /services/<app>) go within 1-2 s instead of 60 s.
        '-Dznode.container.checkIntervalMs=1000',
        '-cp',
        cp,
        'org.apache.zookeeper.server.quorum.QuorumPeerMain',
        join(this.dir, 'zoo.cfg'),
      ],
      async () => (await this.srvr()).includes('Mode: standalone'),
      { timeoutMs: 30_000, pollMs: 50, notReady: 'did not answer srvr in 30 s' },
    );
  }
}
