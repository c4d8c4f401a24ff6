/**
 * Worker-thread entry for the hostile-client tests: runs one attack against
 * an xDS address and reports what happened. It runs on its own thread so the
 * CPU the attack costs the client (encoding 60,000 names, say) never delays
 * the test's own /healthz sampling.
 */
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { openDelta, openSotw } from '../../src/mcp/client.js';

export type Attack = 'huge-requests' | 'garbage' | 'nack-loop' | 'unknown-names' | 'reconnecting';

export interface AttackData {
  readonly attack: Attack;
  readonly address: string;
}

export interface AttackReport {
  readonly attack: Attack;
  /** What the attack did, in a few words with counts. */
  readonly did: string;
  /** gRPC status codes (or outcomes) seen, with counts. */
  readonly outcomes: Record<string, number>;
}

const SE = 'networking.istio.io/v1/ServiceEntry';
const MESH = 'mesh.istio.io/v1alpha1/MeshConfig';

const outcomes = new Map<string, number>();
const note = (o: string): void => void outcomes.set(o, (outcomes.get(o) ?? 0) + 1);
const codeOf = (err: unknown): string => {
  const code = (err as { code?: unknown }).code;
  return `code ${typeof code === 'number' ? code : '?'}`;
};

async function hugeRequests(address: string): Promise<string> {
  // 10 streams with a 15 MB node id (over the default 1 MiB message limit), and 20 just under it.
  const big = 'n'.repeat(15 * 1024 * 1024);
  const under = 'u'.repeat(1000 * 1024);
  const runs = [...Array.from({ length: 10 }, () => big), ...Array.from({ length: 20 }, () => under)].map(
    async (id) => {
      const s = openSotw(address);
      try {
        s.send({ typeUrl: MESH, responseNonce: 'x', node: { id } });
        await s.next(20_000);
        note('answered');
      } catch (err) {
        note(codeOf(err));
      } finally {
        s.close();
      }
    },
  );
  await Promise.all(runs);
  return '10 streams with a 15 MB node id, 20 with a 1,000 kB node id';
}

async function garbage(address: string): Promise<string> {
  const i = address.lastIndexOf(':');
  const port = Number(address.slice(i + 1));
  const host = address.slice(0, i);
  const one = (): Promise<void> =>
    new Promise((resolve) => {
      const sock = connect(port, host);
      sock.on('connect', () => {
        sock.write(randomBytes(1024 * 1024));
        sock.end();
      });
      sock.on('error', () => {
        note('reset');
        resolve();
      });
      sock.on('close', () => {
        note('closed');
        resolve();
      });
      sock.resume();
      sock.setTimeout(20_000, () => sock.destroy());
    });
  await Promise.all(Array.from({ length: 50 }, one));
  return '50 TCP connections writing 1 MB of random bytes each';
}

async function nackLoop(address: string): Promise<string> {
  const s = openSotw(address);
  const n = 5000;
  try {
    s.send({ typeUrl: SE, responseNonce: 'x', node: { id: 'nack-loop-'.repeat(1000) } });
    const res = await s.next(20_000);
    for (let i = 0; i < n; i++) {
      s.send({
        typeUrl: SE,
        responseNonce: res.nonce,
        versionInfo: res.versionInfo,
        errorDetail: { code: 3, message: `rejected ${'!'.repeat(10_000)}` },
      });
      if (i % 500 === 0) await new Promise((r) => setImmediate(r));
    }
    // One more subscription on the stream to know the server has read every NACK.
    s.send({ typeUrl: MESH, responseNonce: 'y' });
    await s.next(30_000);
    note('nacks sent');
  } catch (err) {
    note(codeOf(err));
  } finally {
    s.close();
  }
  return `${n} NACKs of 10 kB each on one stream, with a 10 kB node id`;
}

async function unknownNames(address: string): Promise<string> {
  const names = (n: number, p: string): string[] => Array.from({ length: n }, (_, i) => `ns/${p}-${i}`);
  const over = openDelta(address);
  try {
    over.send({ typeUrl: SE, resourceNamesSubscribe: names(60_000, 'over') });
    await over.next(30_000);
    note('answered');
  } catch (err) {
    note(codeOf(err));
  } finally {
    over.close();
  }
  // Under the limit: five requests of 19,999 unknown names on one stream.
  const s = openDelta(address);
  try {
    s.send({ typeUrl: SE, resourceNamesSubscribe: names(19_999, 'r0') });
    let res = await s.next(30_000);
    for (let r = 1; r < 5; r++) {
      s.send({ typeUrl: SE, responseNonce: res.nonce, resourceNamesSubscribe: names(19_999, `r${r}`) });
      res = await s.next(30_000);
      note(`answered, ${res.removedResources.length} removed`);
    }
  } catch (err) {
    note(codeOf(err));
  } finally {
    s.close();
  }
  return 'one Delta request of 60,000 unknown names, then 5 requests of 19,999 on one stream';
}

async function reconnecting(address: string): Promise<string> {
  const client = async (): Promise<void> => {
    for (let round = 0; round < 5; round++) {
      const s = round % 2 === 0 ? openSotw(address) : openDelta(address);
      try {
        s.send({ typeUrl: SE, responseNonce: 'x' });
        await s.next(20_000);
        note('answered');
      } catch (err) {
        note(codeOf(err));
      } finally {
        s.close();
      }
    }
  };
  await Promise.all(Array.from({ length: 50 }, client));
  return '50 clients connecting, subscribing and leaving 5 times each (SotW and Delta in turn)';
}

const ATTACKS: Record<Attack, (address: string) => Promise<string>> = {
  'huge-requests': hugeRequests,
  garbage,
  'nack-loop': nackLoop,
  'unknown-names': unknownNames,
  reconnecting,
};

if (parentPort) {
  const data = workerData as AttackData;
  const did = await ATTACKS[data.attack](data.address);
  const report: AttackReport = { attack: data.attack, did, outcomes: Object.fromEntries(outcomes) };
  parentPort.postMessage(report);
}
