import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '@/lib/config';

describe('config', () => {
  it('has working defaults for a fresh machine: embedded database, port 3000, simulator on', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.embedded).toBe(true);
    expect(c.publicUrl).toBe('http://localhost:3000');
    expect(c.simulatorEnabled).toBe(true);
    expect(c.seedDemo).toBe(true);
    expect(c.dataDir.endsWith('data')).toBe(true);
  });

  it('turns the simulator and demo off by default when a real database is configured', () => {
    const c = loadConfig({ DATABASE_URL: 'postgres://x@localhost/db' });
    expect(c.embedded).toBe(false);
    expect(c.simulatorEnabled).toBe(false);
    expect(loadConfig({ DATABASE_URL: 'postgres://x@h/db', SIMULATOR_ENABLED: 'true' }).simulatorEnabled).toBe(true);
  });

  it('names every bad value with a reason a person can act on', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', ENCRYPTION_KEY: 'short', PUBLIC_URL: 'example.com' });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const text = error!.message;
    expect(text).toMatch(/PORT: must be a number/);
    expect(text).toMatch(/DATABASE_URL: must start with postgres/);
    expect(text).toMatch(/ENCRYPTION_KEY: must be 32 bytes/);
    expect(text).toMatch(/PUBLIC_URL must be an http\(s\) URL/);
  });

  it('strips a trailing slash from PUBLIC_URL (webhook signatures are computed over it)', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://parley.example.com/' }).publicUrl).toBe('https://parley.example.com');
  });
});
