/**
 * The bare Eureka client as a program of its own, for the cold-start bench:
 * one full fetch of /apps (JSON), parsed; checks it saw every app and
 * instance and prints `done <apps> <instances>`.
 * Arguments: <eureka base URL> <lower-case app prefix> <apps> <instances>.
 */
import { expectedFromArgs, reportSeen } from './bare-done.js';
import { readEureka } from './bare-eureka-read.js';

const [base, prefix] = process.argv.slice(2);
reportSeen(await readEureka(base!, prefix!), expectedFromArgs(process.argv));
