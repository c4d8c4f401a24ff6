// Builds the `registry-bridge` command as one ES module file plus a few lazily
// loaded chunks, from tsc's output (run after `tsc`): dist/bundle/registry-bridge.mjs.
//
// Why: Node resolves, reads and compiles each of the ~400 files the dependencies
// and src/ are made of one by one, and that was most of a cold start (a serve
// of a one-service file reached its xDS port in about 0.39 s from dist/src and
// 0.20 s from this build; docs/performance.md). The build changes no code: it is
// tsc's JavaScript, joined. Commands only some runs need (dump, watch, the
// manifest writer) stay in their own chunks, loaded when used.
//
// Packages loaded at run time with createRequire (node-zookeeper-client,
// pino-pretty) are not joined; they resolve from node_modules as before, which
// is why they stay in package.json's dependencies like the rest.
import { chmodSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname, '..');
const outdir = join(root, 'dist', 'bundle');
rmSync(outdir, { recursive: true, force: true });

await build({
  entryPoints: { 'registry-bridge': join(root, 'dist', 'src', 'cli', 'main.js') },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  // CommonJS packages call require() for Node's own modules; an ES module has
  // no require, so each output file gets one.
  banner: {
    js: "import { createRequire as __irbCreateRequire } from 'node:module';\nconst require = __irbCreateRequire(import.meta.url);",
  },
  legalComments: 'linked',
  logLevel: 'warning',
});
chmodSync(join(outdir, 'registry-bridge.mjs'), 0o755);
