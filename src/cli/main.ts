#!/usr/bin/env node
/**
 * The `registry-bridge` entry point. On Node 22.1 and later it first turns on
 * Node's on-disk compile cache (in the OS temp folder; NODE_DISABLE_COMPILE_CACHE=1
 * turns it off), so a restart does not compile every module again; then it
 * loads the command line. Elsewhere the cache call is absent and skipped.
 */
import nodeModule from 'node:module';

const withCache = nodeModule as { enableCompileCache?: () => unknown };
try {
  withCache.enableCompileCache?.();
} catch {
  // A cache that cannot be set up only costs start-up time.
}
await import('./program.js');
