// Fails when a file in src/ imports from a layer above its own, or when one
// registry's adapter folder imports another's. The layer order is the map in
// docs/architecture.md; keep the two in step. Imports are read with the
// TypeScript compiler's own pre-processor (no regular expressions).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/** Bottom to top: a file may import its own layer or any layer listed before it. */
export const LAYERS = [
  'util',
  'errors.ts',
  'model',
  'log.ts',
  'telemetry',
  'manifest',
  'codec',
  'store',
  'convert',
  'adapters',
  'pipeline',
  'mcp',
  'admin',
  'config',
  'bridge.ts',
  'cli',
];

/**
 * Inside src/adapters/: these may be imported by every registry folder;
 * registry folders import no other; only catalog/ imports the registries.
 */
const ADAPTER_SHARED = new Set(['adapter.ts', 'definition.ts', 'kit']);
const ADAPTER_TOP = new Set(['catalog']);

const root = resolve(import.meta.dirname, '..');
const src = join(root, 'src');

function files(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (name.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** Path inside src/ as segments, e.g. ['adapters', 'consul', 'client.ts']. */
const segments = (file) => relative(src, file).split(sep);

function layerOf(file) {
  const top = segments(file)[0];
  const i = LAYERS.indexOf(top);
  if (i < 0)
    throw new Error(
      `${relative(root, file)}: src/${top} is in no layer; add it to LAYERS and docs/architecture.md`,
    );
  return i;
}

function importsOf(file) {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return info.importedFiles
    .map((f) => f.fileName)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
}

const problems = [];
const folderEdges = new Map();
for (const file of files(src)) {
  const from = layerOf(file);
  for (const target of importsOf(file)) {
    if (!target.startsWith(src + sep)) {
      problems.push(`${relative(root, file)} imports ${relative(root, target)}, outside src/`);
      continue;
    }
    const to = layerOf(target);
    const a = relative(root, file);
    const b = relative(root, target);
    if (to > from) problems.push(`${a} (layer ${LAYERS[from]}) imports ${b} (layer ${LAYERS[to]}, above it)`);
    const fs = segments(file);
    const tsg = segments(target);
    if (fs[0] === 'adapters' && tsg[0] === 'adapters' && fs.length > 2) {
      const own = fs[1];
      const other = tsg[1];
      const shared = ADAPTER_SHARED.has(other);
      if (own !== other && !shared && own !== 'catalog')
        problems.push(`${a} imports ${b}: a registry folder imports only the kit and the adapter interfaces`);
      if (own === 'kit' && other !== 'kit' && !shared)
        problems.push(`${a} imports ${b}: the kit knows no registry`);
    }
    if (tsg[0] === 'adapters' && ADAPTER_TOP.has(tsg[1]) && fs[0] === 'adapters' && fs[1] !== tsg[1]) {
      problems.push(`${a} imports ${b}: only the layers above adapters read the catalog`);
    }
    // A file at the top of src/ is a layer of its own, so it counts as its own folder.
    const fromFolder = fs.length === 1 ? fs[0] : fs.slice(0, -1).join('/');
    const toFolder = tsg.length === 1 ? tsg[0] : tsg.slice(0, -1).join('/');
    if (fromFolder !== toFolder) {
      if (!folderEdges.has(fromFolder)) folderEdges.set(fromFolder, new Set());
      folderEdges.get(fromFolder).add(toFolder);
    }
  }
}

// Folder-level cycles (sub-folders included), found by depth-first search.
const state = new Map();
function visit(node, path) {
  state.set(node, 'open');
  for (const next of folderEdges.get(node) ?? []) {
    if (state.get(next) === 'open') {
      problems.push(
        `folder cycle: ${[...path.slice(path.indexOf(next)), next].map((f) => `src/${f}`).join(' -> ')}`,
      );
    } else if (!state.has(next)) visit(next, [...path, next]);
  }
  state.set(node, 'done');
}
for (const node of [...folderEdges.keys()].sort()) if (!state.has(node)) visit(node, [node]);

if (process.argv.includes('--graph')) {
  for (const [from, tos] of [...folderEdges.entries()].sort()) {
    process.stdout.write(`${from} -> ${[...tos].sort().join(', ')}\n`);
  }
}

if (problems.length > 0) {
  process.stderr.write(
    `check-layers: ${problems.length} problem(s)\n${problems.map((p) => `  ${p}`).join('\n')}\n`,
  );
  process.exit(1);
}
process.stdout.write(
  `check-layers: ${files(src).length} files in ${LAYERS.length} layers, no upward import, no folder cycle\n`,
);
