import { runConsulBench } from './consul-latency.js';
import { runCoreBench } from './core.js';
import { runZookeeperBench } from './zookeeper.js';
import { runEurekaBench } from './eureka-latency.js';
import { runPeerBench } from './peer.js';

const which = process.argv[2] ?? 'all';
if (!['all', 'core', 'consul', 'zookeeper', 'eureka', 'peer'].includes(which)) {
  console.error(`usage: run.js [all|core|consul|zookeeper|eureka|peer] (got ${which})`);
  process.exit(2);
}
if (which === 'core' || which === 'all') await runCoreBench();
if (which === 'consul' || which === 'all') await runConsulBench();
if (which === 'zookeeper' || which === 'all') await runZookeeperBench();
if (which === 'eureka' || which === 'all') await runEurekaBench();
if (which === 'peer' || which === 'all') await runPeerBench();
