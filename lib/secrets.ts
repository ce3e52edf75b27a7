import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ConfigError, type Config } from './config';

type Stored = { authSecret: string; encryptionKey: string };

/**
 * AUTH_SECRET and ENCRYPTION_KEY come from the environment. In embedded mode, missing ones are
 * generated once and kept in DATA_DIR/secrets.json (mode 600) so a restart keeps sessions and
 * can still decrypt stored credentials.
 */
export function resolveSecrets(config: Config): { authSecret: string; encryptionKey: string } {
  if (config.authSecret && config.encryptionKey) {
    return { authSecret: config.authSecret, encryptionKey: config.encryptionKey };
  }
  if (!config.embedded) {
    const missing = [!config.authSecret && 'AUTH_SECRET', !config.encryptionKey && 'ENCRYPTION_KEY'].filter(Boolean);
    throw new ConfigError(
      missing.map((m) => `${m}: required when DATABASE_URL is set (generate one with: openssl rand -hex 32)`),
    );
  }
  const file = path.join(config.dataDir, 'secrets.json');
  let stored: Partial<Stored> = {};
  if (fs.existsSync(file)) stored = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<Stored>;
  const next: Stored = {
    authSecret: stored.authSecret ?? randomBytes(32).toString('hex'),
    encryptionKey: stored.encryptionKey ?? randomBytes(32).toString('hex'),
  };
  if (next.authSecret !== stored.authSecret || next.encryptionKey !== stored.encryptionKey) {
    fs.mkdirSync(config.dataDir, { recursive: true });
    fs.writeFileSync(file, JSON.stringify(next, null, 2), { mode: 0o600 });
  }
  return {
    authSecret: config.authSecret ?? next.authSecret,
    encryptionKey: config.encryptionKey ?? next.encryptionKey,
  };
}
