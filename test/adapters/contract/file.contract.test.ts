import { describe } from 'node:test';
import { fileDriver } from './file-driver.js';
import { adapterContract } from './suite.js';

describe('adapter contract: file (outage = garbage written)', () => adapterContract(fileDriver('garbage')));
describe('adapter contract: file (outage = file deleted)', () => adapterContract(fileDriver('missing')));
