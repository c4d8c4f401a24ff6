/**
 * Runs a bench part under the container image's Node options (the
 * Dockerfile's NODE_OPTIONS): here when this process already has them,
 * otherwise in a child process of this bench started with them, whose output
 * goes straight to this one's.
 */
import { spawn } from 'node:child_process';
import { imageNodeOptions } from '../../test/support/image-node-options.js';

export async function runWithImageNodeOptions(part: string, run: () => Promise<void>): Promise<void> {
  // Options given in NODE_OPTIONS are not in execArgv.
  const given = [...process.execArgv, ...(process.env['NODE_OPTIONS'] ?? '').split(' ')];
  const missing = imageNodeOptions().filter((o) => !given.includes(o));
  if (missing.length === 0) {
    await run();
    return;
  }
  const script = process.argv[1];
  if (script === undefined) throw new Error('the bench was started without a script path');
  const child = spawn(process.execPath, [...process.execArgv, ...missing, script, part], {
    stdio: 'inherit',
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c) => resolve(c));
  });
  if (code !== 0)
    throw new Error(`bench part ${part} under ${missing.join(' ')} ended with exit code ${code}`);
}
