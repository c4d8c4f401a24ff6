/**
 * The bare HTTP/2 baseline of a push: a node:http2 server (no gRPC) that
 * answers each request with headers and keeps the stream open; on a `push`
 * line on stdin it writes BYTES bytes on every open stream, as one write that
 * Node's HTTP/2 stack cuts into DATA frames of the client's frame size, like
 * a full-state push on a connected stream. Prints `listening PORT`.
 */
import { createServer, type ServerHttp2Stream } from 'node:http2';
import { createInterface } from 'node:readline';

const payload = Buffer.alloc(Number(process.argv[2]), 7);
const open = new Set<ServerHttp2Stream>();
const server = createServer();
server.on('stream', (stream) => {
  stream.respond({ ':status': 200 });
  open.add(stream);
  stream.on('close', () => open.delete(stream));
});
server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  console.log(`listening ${typeof addr === 'object' && addr ? addr.port : 0}`);
});
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'push') for (const s of open) s.write(payload);
});
process.on('SIGTERM', () => {
  for (const s of open) s.close();
  server.close(() => process.exit(0));
});
