/**
 * Mailbox documents (spec §18), both ways: the encoder (./mbox-encoder.ts)
 * and the decoder (./mbox-decoder.ts), side by side.
 * @module
 */
export * from './mbox-encoder.js';
export * from './mbox-decoder.js';
