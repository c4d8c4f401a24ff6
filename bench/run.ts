import { runConsulBench } from './consul-latency.js';
import { runCoreBench } from './core.js';
import { runEncodeBench } from './encode.js';
import { runZookeeperBench } from './zookeeper.js';
import { runEurekaBench } from './eureka-latency.js';
import { runFileBench } from './file.js';
import { runPeerBench } from './peer.js';
import { runSoakBench } from './soak.js';
import { runWithImageNodeOptions } from './support/as-image.js';

const which = process.argv[2] ?? 'all';
// The soak runs minutes per registry (SOAK_SECONDS), so only when asked for, never in `all`.
const soaks = { soak: 'both', 'soak-file': 'file', 'soak-consul': 'consul' } as const;
const inAll = ['core', 'encode', 'file', 'consul', 'zookeeper', 'eureka', 'peer'];
if (!['all', ...inAll, ...Object.keys(soaks)].includes(which)) {
  console.error(`usage: run.js [all|${inAll.join('|')}|soak|soak-file|soak-consul] (got ${which})`);
  process.exit(2);
}
if (which === 'soak' || which === 'soak-file' || which === 'soak-consul') await runSoakBench(soaks[which]);
// The core part measures a bridge inside this process (its RSS among other things), so it runs
// with the container image's Node options, as the bridge children of the other parts do.
if (which === 'core' || which === 'all') await runWithImageNodeOptions('core', runCoreBench);
if (which === 'encode' || which === 'all') runEncodeBench();
if (which === 'file' || which === 'all') await runFileBench();
if (which === 'consul' || which === 'all') await runConsulBench();
if (which === 'zookeeper' || which === 'all') await runZookeeperBench();
if (which === 'eureka' || which === 'all') await runEurekaBench();
if (which === 'peer' || which === 'all') await runPeerBench();
