import { describeWithZooKeeper } from '../../support/zookeeper.js';
import { zookeeperDriver } from './zookeeper-driver.js';
import { adapterContract } from './suite.js';

describeWithZooKeeper(
  'adapter contract: zookeeper (real server; outage = server frozen with SIGSTOP)',
  (install) => adapterContract(zookeeperDriver(install)),
);
