import { runCoreBench } from './core.js';

const which = process.argv[2] ?? 'core';
if (which === 'core' || which === 'all') await runCoreBench();
