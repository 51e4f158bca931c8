import type { MboxVariant } from '../mailbox/mbox-split.js';
export async function encodeTree(_dir: string, _out: string | null, _o: { variant: MboxVariant; readable: boolean }): Promise<void> {
  throw new Error('not yet');
}
export async function decodeTree(_doc: string, _dir: string): Promise<void> {
  throw new Error('not yet');
}
export async function verifyTree(_dir: string, _o: { variant: MboxVariant; readable: boolean }): Promise<string | null> {
  throw new Error('not yet');
}
