import { describeWithConsul } from '../../support/consul.js';
import { consulDriver } from './consul-driver.js';
import { adapterContract } from './suite.js';

describeWithConsul('adapter contract: consul (real agent; outage = agent killed)', (bin) =>
  adapterContract(consulDriver(bin)),
);
