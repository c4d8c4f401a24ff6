/**
 * The bare Consul client as a program of its own, for the cold-start bench:
 * reads the catalog and every selected service's health, checks it saw
 * everything and prints `done <services> <instances>`.
 * Arguments: <consul base URL> <name prefix> <concurrency> <services> <instances>.
 */
import { readConsul } from './bare-consul-read.js';
import { expectedFromArgs, reportSeen } from './bare-done.js';

const [base, prefix, concurrency] = process.argv.slice(2);
reportSeen(await readConsul(base!, prefix!, Number(concurrency)), expectedFromArgs(process.argv));
