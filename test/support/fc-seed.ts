/**
 * Setup file: every fast-check property of the run uses the one seed that
 * test/support/fc-seed.global.ts chose and printed, so a failure is replayed
 * with XMIME_FC_SEED=<seed>. A config may fix the seed in its `env` (the
 * mutation runs do, so each mutant meets the same inputs). A property given
 * its own `seed` keeps it.
 */
import fc from 'fast-check';
import { inject } from 'vitest';

const fixed = process.env.XMIME_FC_SEED;
fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: fixed ? Number(fixed) : inject('fcSeed') });
