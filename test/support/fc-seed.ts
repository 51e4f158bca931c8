/**
 * Setup file: every fast-check property of the run uses the one seed that
 * test/support/fc-seed.global.ts chose and printed, so a failure is replayed
 * with XMIME_FC_SEED=<seed>. A property given its own `seed` keeps it.
 */
import fc from 'fast-check';
import { inject } from 'vitest';

fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: inject('fcSeed') });
