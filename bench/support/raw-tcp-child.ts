/**
 * The raw loopback TCP baseline: a server child that writes BYTES bytes to
 * every connection and closes it. Prints `listening PORT`.
 */
import { createServer } from 'node:net';

const payload = Buffer.alloc(Number(process.argv[2]), 7);
const server = createServer((socket) => socket.end(payload));
server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  console.log(`listening ${typeof addr === 'object' && addr ? addr.port : 0}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
