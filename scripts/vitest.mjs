#!/usr/bin/env node
// Runs vitest with the given arguments. Output that is not a terminal (a log, CI) gets no ANSI
// colours: vitest would colour it under CI=true, and its config is read too late to prevent that.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const bin = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
const env = { ...process.env };
if (!process.stdout.isTTY && !('FORCE_COLOR' in env)) env.NO_COLOR = '1';
const r = spawnSync(process.execPath, [bin, ...process.argv.slice(2)], { stdio: 'inherit', env });
process.exit(r.status ?? 1);
