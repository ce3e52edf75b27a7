import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decryptSecret, encryptSecret } from '@/lib/crypto';
import { hashPassword, verifyPassword } from '@/lib/auth/password';

const key = randomBytes(32).toString('hex');

describe('secrets at rest', () => {
  it('encrypts provider credentials with AES-GCM: unreadable, different each time, reversible', () => {
    const a = encryptSecret('my-auth-token', key);
    const b = encryptSecret('my-auth-token', key);
    expect(a).not.toContain('my-auth-token');
    expect(a).not.toBe(b);
    expect(decryptSecret(a, key)).toBe('my-auth-token');
  });

  it('refuses a tampered ciphertext or the wrong key', () => {
    const sealed = encryptSecret('secret', key);
    const parts = sealed.split('.');
    const ct = Buffer.from(parts[3]!, 'base64url');
    ct[0] = ct[0]! ^ 1;
    parts[3] = ct.toString('base64url');
    expect(() => decryptSecret(parts.join('.'), key)).toThrow();
    expect(() => decryptSecret(sealed, randomBytes(32).toString('hex'))).toThrow();
  });

  it('hashes passwords with a salted slow hash', async () => {
    const h1 = await hashPassword('hunter22');
    const h2 = await hashPassword('hunter22');
    expect(h1).toMatch(/^scrypt\$/);
    expect(h1).not.toBe(h2);
    expect(await verifyPassword('hunter22', h1)).toBe(true);
    expect(await verifyPassword('hunter23', h1)).toBe(false);
  });
});
