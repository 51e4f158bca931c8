/**
 * Global setup: picks the run's fast-check seed once (XMIME_FC_SEED, else
 * random), prints it, and hands it to every test file (test/support/fc-seed.ts).
 */
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    fcSeed: number;
  }
}

export default function setup(project: TestProject): void {
  const given = process.env.XMIME_FC_SEED;
  const seed = given !== undefined && given !== '' ? Number(given) : (Math.random() * 0x80000000) | 0;
  if (!Number.isSafeInteger(seed)) throw new Error(`XMIME_FC_SEED must be an integer, got ${given}`);
  console.log(`fast-check seed ${seed}: replay any property failure with XMIME_FC_SEED=${seed}`);
  project.provide('fcSeed', seed);
}
