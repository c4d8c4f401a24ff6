import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { eventually } from '../support/bridge.js';
import { CLI, startServe } from '../support/cli.js';
import { writeGeneratedRegistry, type GeneratedRegistry } from '../support/generated-registry.js';

const LISTENING = 'xDS server listening';

const isJson = (line: string): boolean => {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
};

const logLines = (output: string): string[] => output.split(/\r?\n/).filter((l) => l.trim() !== '');

/** util-linux `script` gives a command a terminal; without it the terminal test is skipped. */
const hasScript = spawnSync('script', ['--version']).status === 0;

describe('serve log format', () => {
  let reg: GeneratedRegistry;

  before(async () => {
    reg = await writeGeneratedRegistry(2);
  });

  after(() => rmSync(reg.dir, { recursive: true, force: true }));

  /** Runs serve until ready, stops it with SIGTERM and returns what it printed. */
  async function serveOnce(extra: string[]): Promise<string> {
    const serve = await startServe(reg.configPath, reg.admin, extra);
    serve.child.kill('SIGTERM');
    assert.equal(await serve.exited, 0, serve.output());
    return serve.output();
  }

  test('serve --log-format pretty writes readable lines with the message, none of them JSON', async () => {
    const lines = logLines(await serveOnce(['--log-format', 'pretty']));
    const listening = lines.find((l) => l.includes(LISTENING));
    assert.ok(listening, lines.join('\n'));
    assert.match(listening, /INFO/);
    assert.deepEqual(lines.filter(isJson), []);
  });

  test('serve whose stderr is a pipe logs JSON lines by default', async () => {
    const lines = logLines(await serveOnce([]));
    assert.ok(lines.length > 0);
    assert.deepEqual(
      lines.filter((l) => !isJson(l)),
      [],
    );
    assert.ok(lines.some((l) => (JSON.parse(l) as { msg?: string }).msg === LISTENING));
  });

  /** Runs serve on a terminal of its own until ready, stops it with SIGTERM and returns what it printed. */
  async function serveInTerminal(extra: string[]): Promise<string> {
    const pidFile = join(reg.dir, 'serve.pid');
    // script runs the command on a new terminal and copies what it prints to our pipe.
    const term = spawn(
      'script',
      ['-qec', 'echo $$ > "$PID_FILE"; exec "$NODE" "$CLI" serve --config "$CONFIG" $EXTRA', '/dev/null'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          PID_FILE: pidFile,
          NODE: process.execPath,
          CLI,
          CONFIG: reg.configPath,
          EXTRA: extra.join(' '),
        },
      },
    );
    let out = '';
    term.stdout.on('data', (d: Buffer) => (out += d.toString()));
    term.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const closed = new Promise((resolve) => term.on('close', resolve));
    try {
      await eventually(() => (out.includes(LISTENING) ? true : undefined), 20_000).catch((err: Error) => {
        throw new Error(`${err.message}; printed:\n${out}`);
      });
      process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 'SIGTERM');
      await closed;
    } finally {
      term.kill('SIGKILL');
    }
    return out;
  }

  const noTerminal = !hasScript && 'no util-linux script to give serve a terminal';

  test('serve whose stderr is a terminal logs readable lines by default', { skip: noTerminal }, async () => {
    const lines = logLines(await serveInTerminal([]));
    assert.ok(
      lines.some((l) => l.includes(LISTENING) && l.includes('INFO')),
      lines.join('\n'),
    );
    assert.deepEqual(lines.filter(isJson), []);
  });

  test('serve --log-format json logs JSON lines even at a terminal', { skip: noTerminal }, async () => {
    const lines = logLines(await serveInTerminal(['--log-format', 'json']));
    assert.deepEqual(
      lines.filter((l) => !isJson(l)),
      [],
    );
    assert.ok(lines.some((l) => (JSON.parse(l) as { msg?: string }).msg === LISTENING));
  });
});
