/**
 * Every command's output arrives whole through a pipe (asynchronous in Node),
 * not only into a file or a terminal, and a reader that goes away early ends
 * the command quietly.
 */
import assert from 'node:assert/strict';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { writeGeneratedRegistry, type GeneratedRegistry } from '../support/generated-registry.js';
import {
  CLI,
  runCli,
  runCliReadingOneLine,
  runProcess,
  startServe,
  type StartedCli,
} from '../support/cli.js';

const COUNT = 3000;

interface Manifest {
  kind: string;
  metadata: { name: string };
}

const names = (ms: Manifest[]): Set<string> =>
  new Set(ms.filter((m) => m.kind === 'ServiceEntry').map((m) => m.metadata.name));

const fromYaml = (text: string): Manifest[] => parseAllDocuments(text).map((d) => d.toJS() as Manifest);

/** Runs `registry-bridge ARGS | cat > FILE` in a shell and returns FILE's content. */
async function throughShellPipe(reg: GeneratedRegistry, args: string[]): Promise<string> {
  const out = join(reg.dir, `out-${Date.now()}`);
  const r = await runProcess(
    'sh',
    ['-c', '"$0" "$@" | cat > "$OUT"', process.execPath, CLI, ...args],
    // sh gets OUT from the environment: no quoting of paths into the script.
    { timeoutMs: 60_000, env: { ...process.env, OUT: out } },
  );
  assert.equal(r.code, 0, r.stderr);
  return readFileSync(out, 'utf8');
}

describe(`registry-bridge output through a pipe, ${COUNT} services`, () => {
  let reg: GeneratedRegistry;
  let serve: StartedCli;

  before(async () => {
    reg = await writeGeneratedRegistry(COUNT);
    serve = await startServe(reg.configPath, reg.admin);
  });

  after(async () => {
    if (serve.child.exitCode === null) serve.child.kill('SIGKILL');
    await serve.exited;
    rmSync(reg.dir, { recursive: true, force: true });
  });

  test('dump writes every ServiceEntry as YAML into a pipe', async () => {
    const r = await runCli(['dump', '--config', reg.configPath], 60_000);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(names(fromYaml(r.stdout)).size, COUNT);
  });

  test('dump -o json into a pipe is one complete JSON array', async () => {
    const r = await runCli(['dump', '--config', reg.configPath, '-o', 'json'], 60_000);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(names(JSON.parse(r.stdout) as Manifest[]).size, COUNT);
  });

  test('dump -o json | cat > file in a shell gives the whole array', async () => {
    const text = await throughShellPipe(reg, ['dump', '--config', reg.configPath, '-o', 'json']);
    assert.equal(names(JSON.parse(text) as Manifest[]).size, COUNT);
  });

  test('watch --once writes every ServiceEntry into a pipe', async () => {
    const r = await runCli(['watch', '--once', '--server', reg.xds, '-o', 'json'], 60_000);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(names(JSON.parse(r.stdout) as Manifest[]).size, COUNT);
  });

  test('watch --once | cat > file in a shell gives every YAML document', async () => {
    const text = await throughShellPipe(reg, ['watch', '--once', '--server', reg.xds]);
    assert.equal(names(fromYaml(text)).size, COUNT);
  });

  test('dump whose reader closes after one line (| head -1) exits 0 at once, printing nothing on stderr', async () => {
    const r = await runCliReadingOneLine(['dump', '--config', reg.configPath]);
    assert.equal(r.firstLine, '---');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.ok(r.msAfterClose < 3000, `ended ${r.msAfterClose} ms after the reader went away`);
  });

  test('watch --once whose reader closes after one line (| head -1) exits 0 at once, without an error', async () => {
    const r = await runCliReadingOneLine(['watch', '--once', '--server', reg.xds]);
    assert.equal(r.firstLine, '---');
    assert.equal(r.code, 0, r.stderr);
    // watch logs each answered kind at info; nothing after that may complain.
    assert.doesNotMatch(r.stderr, /EPIPE|registry-bridge:|Error/);
    assert.ok(r.msAfterClose < 3000, `ended ${r.msAfterClose} ms after the reader went away`);
  });

  test(
    'dump to a device that refuses writes (/dev/full) exits 1 with one line naming the failure',
    { skip: !existsSync('/dev/full') && 'no /dev/full' },
    async () => {
      const fd = openSync('/dev/full', 'w');
      try {
        const r = await runProcess(process.execPath, [CLI, 'dump', '--config', reg.configPath], {
          timeoutMs: 60_000,
          stdoutFd: fd,
        });
        assert.equal(r.code, 1);
        assert.match(r.stderr, /^registry-bridge: cannot write to stdout: .*ENOSPC.*\n$/);
      } finally {
        closeSync(fd);
      }
    },
  );
});
