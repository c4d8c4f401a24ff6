/**
 * A stand-in for a provider process: registers one provider URL as an
 * ephemeral node in its own ZooKeeper session, prints "ready", and runs
 * until killed (tests SIGKILL it so the session has to expire).
 * Usage: node ephemeral-owner.js <zk address> <session ms> <interface> <url>
 */
import { DubboZk } from '../../support/dubbo-zk.js';

const [address, sessionMs, iface, url] = process.argv.slice(2);
if (!address || !sessionMs || !iface || !url) {
  console.error('usage: ephemeral-owner.js <zk address> <session ms> <interface> <url>');
  process.exit(2);
}
const zk = await DubboZk.connect(address, { sessionMs: Number(sessionMs) });
await zk.registerProvider(iface, url);
console.log('ready');
setInterval(() => undefined, 60_000);
