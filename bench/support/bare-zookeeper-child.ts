/**
 * The bare ZooKeeper client as a program of its own, for the cold-start
 * bench: opens a session, lists the root and every selected providers folder
 * with a watch, checks it saw everything and prints
 * `done <interfaces> <providers>`; then closes the session and exits.
 * Arguments: <address> <root> <interface prefix> <concurrency> <interfaces> <providers>.
 */
import { expectedFromArgs, reportSeen } from './bare-done.js';
import { connectClient, readProviders } from './bare-zookeeper-read.js';

const [address, root, prefix, concurrency] = process.argv.slice(2);
const c = await connectClient(address!);
reportSeen(await readProviders(c, root!, prefix!, Number(concurrency)), expectedFromArgs(process.argv));
// Close the session rather than leave it (and its watches) to expire on the server.
const closed = new Promise<void>((resolve) => c.once('disconnected', () => resolve()));
c.close();
await Promise.race([closed, new Promise((r) => setTimeout(r, 2_000).unref())]);
process.exit();
