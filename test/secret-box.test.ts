import { describe, expect, it } from 'vitest';
import { createSecretBox, isSealed, secretKeyId, type UnreadableSecret } from '../src/core/shared/secret-box.js';

const A = Buffer.alloc(32, 0xa1);
const B = Buffer.alloc(32, 0xb2);

describe('secret box (AES-256-GCM, versioned, with key rotation)', () => {
  it('seals to v1:<key id>:<nonce>:<ciphertext> and opens it again; every seal uses a fresh nonce', () => {
    const box = createSecretBox({ current: A });
    const sealed = box.seal('ExampleToken é ✓');
    expect(sealed).toMatch(/^v1:[A-Za-z0-9_-]{8}:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]+$/);
    expect(sealed.split(':')[1]).toBe(secretKeyId(A));
    expect(sealed).not.toContain('ExampleToken');
    expect(isSealed(sealed)).toBe(true);
    expect(isSealed('ExampleToken')).toBe(false);
    expect(box.open(sealed)).toBe('ExampleToken é ✓');
    expect(box.seal('same')).not.toBe(box.seal('same'));
    expect(box.open(box.seal(''))).toBe('');
  });

  it('after a rotation, opens values of the previous key and seals only with the current one', () => {
    const old = createSecretBox({ current: A }).seal('before rotation');
    const rotated = createSecretBox({ current: B, previous: A });
    expect(rotated.open(old)).toBe('before rotation');
    const fresh = rotated.seal('after rotation');
    expect(fresh.split(':')[1]).toBe(secretKeyId(B));
    expect(createSecretBox({ current: B }).open(fresh)).toBe('after rotation');
    expect(createSecretBox({ current: A }).open(fresh)).toBeUndefined();
  });

  it('answers undefined for a value no key opens, reporting each value once and never the value itself', () => {
    const problems: UnreadableSecret[] = [];
    const box = createSecretBox({ current: B }, (p) => problems.push(p));
    const foreign = createSecretBox({ current: A }).seal('secret');
    expect(box.open(foreign)).toBeUndefined();
    expect(box.open(foreign)).toBeUndefined();
    expect(problems).toEqual([{ keyId: secretKeyId(A), reason: 'unknown_key' }]);

    const mine = box.seal('secret');
    const [v, id, nonce, body] = mine.split(':');
    const flipped = `${v}:${id}:${nonce}:${body.slice(0, -2)}${body.endsWith('AA') ? 'BA' : 'AA'}`;
    expect(box.open(flipped)).toBeUndefined();
    expect(box.open('v1:xx')).toBeUndefined();
    expect(box.open('plain text')).toBeUndefined();
    expect(problems.map((p) => p.reason)).toEqual(['unknown_key', 'tampered', 'malformed', 'malformed']);
    expect(JSON.stringify(problems)).not.toContain('secret');
  });

  it('refuses keys that are not 32 bytes', () => {
    expect(() => createSecretBox({ current: Buffer.alloc(16) })).toThrow(/32 bytes/);
  });
});
