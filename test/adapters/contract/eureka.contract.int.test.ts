import { describeWithEureka } from '../../support/eureka.js';
import { eurekaDriver } from './eureka-driver.js';
import { adapterContract } from './suite.js';

describeWithEureka('adapter contract: eureka (real server; outage = server frozen)', (fixture) =>
  adapterContract(eurekaDriver(fixture)),
);
