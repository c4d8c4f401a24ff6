import { runConsulBench } from './consul-latency.js';
import { runCoreBench } from './core.js';
import { runZookeeperBench } from './zookeeper.js';
import { runEurekaBench } from './eureka-latency.js';
import { runFileBench } from './file.js';

const which = process.argv[2] ?? 'all';
if (!['all', 'core', 'file', 'consul', 'zookeeper', 'eureka'].includes(which)) {
  console.error(`usage: run.js [all|core|file|consul|zookeeper|eureka] (got ${which})`);
  process.exit(2);
}
if (which === 'core' || which === 'all') await runCoreBench();
if (which === 'file' || which === 'all') await runFileBench();
if (which === 'consul' || which === 'all') await runConsulBench();
if (which === 'zookeeper' || which === 'all') await runZookeeperBench();
if (which === 'eureka' || which === 'all') await runEurekaBench();
