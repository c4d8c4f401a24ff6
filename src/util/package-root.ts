import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The installed package's folder: the nearest folder above `fromUrl` (a module's
 * `import.meta.url`) that holds a package.json. The same answer whether the
 * module runs from dist/src/ (tsc's output, which the tests load) or from the
 * single-file build in dist/bundle/ that the `registry-bridge` command runs, so
 * nothing else needs to know how deep it sits.
 */
export function packageRoot(fromUrl: string): string {
  let dir = dirname(fileURLToPath(fromUrl));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json in any folder above ${fileURLToPath(fromUrl)}`);
    dir = up;
  }
}
