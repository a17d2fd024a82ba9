import { describe, expect, it } from 'vitest';
import { randomBytes } from '../src/core/shared/random-bytes.js';
import { randomToken } from '../src/core/shared/tokens.js';

// core/shared/random-bytes.ts: CSPRNG bytes from a pool refilled 4 KiB at a time.
describe('pooled random bytes', () => {
  it('hands out the size asked for, never the same bytes twice, across many refills of the pool', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const bytes = randomBytes(16);
      expect(bytes).toHaveLength(16);
      seen.add(bytes.toString('hex'));
    }
    expect(seen.size).toBe(5000);
    expect(randomBytes(0)).toHaveLength(0);
    expect(randomBytes(5000)).toHaveLength(5000); // beyond the pool: filled on its own
  });

  it('gives the caller its own copy: changing it changes nothing handed out later', () => {
    const a = randomBytes(32);
    a.fill(0);
    const b = randomBytes(32);
    expect(b.equals(Buffer.alloc(32))).toBe(false);
  });

  it('is uniform enough that every byte value turns up', () => {
    const counts = new Array<number>(256).fill(0);
    for (let i = 0; i < 200; i++) for (const byte of randomBytes(512)) counts[byte]++;
    // 102,400 bytes: each value expected 400 times; a value missing or 3x over would be a broken source.
    expect(Math.min(...counts)).toBeGreaterThan(250);
    expect(Math.max(...counts)).toBeLessThan(600);
  });

  it('refuses a size that is not a non-negative integer', () => {
    for (const size of [-1, 1.5, Number.NaN]) expect(() => randomBytes(size)).toThrow(RangeError);
  });

  it('still makes distinct alphanumeric tokens of the asked length', () => {
    const tokens = new Set(Array.from({ length: 2000 }, () => randomToken(24)));
    expect(tokens.size).toBe(2000);
    for (const t of tokens) expect(t).toMatch(/^[A-Za-z0-9]{24}$/);
  });
});
