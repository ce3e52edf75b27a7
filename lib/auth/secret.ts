import { getConfig } from '@/lib/config';

/** AUTH_SECRET: from the environment, or (embedded mode) put there by server.ts at start. */
export function getAuthSecret(): string {
  const secret = getConfig().authSecret ?? process.env.AUTH_SECRET;
  if (!secret) throw new Error('AUTH_SECRET is not set');
  return secret;
}

export function getEncryptionKey(): string {
  const key = getConfig().encryptionKey ?? process.env.ENCRYPTION_KEY;
  if (!key) throw new Error('ENCRYPTION_KEY is not set');
  return key;
}
