/**
 * A push-style codec (an Encoder or Decoder of the core) as a Node `Transform`.
 * @module
 */
import { Transform } from 'node:stream';

/** The Transform around the codec `make` builds, given where its output goes. */
export function transform(make: (push: (c: Uint8Array) => void) => { push(c: Uint8Array): void; end(): void }): Transform {
  let codec: ReturnType<typeof make>;
  return new Transform({
    construct(cb) {
      codec = make((c) => this.push(c));
      cb();
    },
    transform(chunk: Buffer, _enc, cb) {
      try {
        codec.push(chunk);
        cb();
      } catch (e) {
        cb(e as Error);
      }
    },
    flush(cb) {
      try {
        codec.end();
        cb();
      } catch (e) {
        cb(e as Error);
      }
    },
  });
}
