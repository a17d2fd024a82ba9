import { randomFillSync } from 'node:crypto';

/*
 * Random bytes from the operating system's CSPRNG, drawn from a pool filled 4 KiB at a time (as
 * Node's own randomUUID does). A `crypto.randomBytes` call costs 5-14 µs on these machines whatever
 * its size, and a rule firing makes two tokens per message, a Loopon stay registration several: the
 * pool makes each under a microsecond. Bytes are copied out and never handed out twice.
 */

const POOL_SIZE = 4096;
const pool = Buffer.alloc(POOL_SIZE);
let offset = POOL_SIZE;

/** `size` fresh random bytes (a new Buffer the caller owns). */
export function randomBytes(size: number): Buffer {
  if (!Number.isInteger(size) || size < 0) throw new RangeError(`randomBytes: size must be a non-negative integer, not ${size}`);
  if (size > POOL_SIZE / 4) return randomFillSync(Buffer.alloc(size));
  if (offset + size > POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  const out = Buffer.from(pool.subarray(offset, offset + size));
  // The bytes handed out are overwritten in the pool, so no later reader of the pool sees them.
  pool.fill(0, offset, offset + size);
  offset += size;
  return out;
}
