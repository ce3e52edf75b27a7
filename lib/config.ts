import path from 'node:path';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const url = (name: string) =>
  z.string().refine((v) => /^https?:\/\/[^\s/]+/.test(v), { message: `${name} must be an http(s) URL` });

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number({ message: 'must be a number' }).int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).optional(),
  TRUST_PROXY: bool.default(false),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .refine((v) => /^postgres(ql)?:\/\//.test(v), { message: 'must start with postgres:// or postgresql://' })
    .optional(),
  REDIS_URL: z
    .string()
    .refine((v) => /^rediss?:\/\//.test(v), { message: 'must start with redis:// or rediss://' })
    .optional(),
  PUBLIC_URL: url('PUBLIC_URL').optional(),
  AUTH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  ENCRYPTION_KEY: z
    .string()
    .refine((v) => decodeKey(v) !== null, { message: 'must be 32 bytes as 64 hex characters or base64' })
    .optional(),
  ADMIN_EMAIL: z.email('must be an email address').optional(),
  ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SIMULATOR_ENABLED: bool.optional(),
  SEED_DEMO: bool.optional(),
  DEMO_CONTENT: bool.default(true),
  TWILIO_API_BASE_URL: url('TWILIO_API_BASE_URL').default('https://api.twilio.com'),
  TWILIO_CONTENT_BASE_URL: url('TWILIO_CONTENT_BASE_URL').default('https://content.twilio.com'),
  TWILIO_MEDIA_HOSTS: z.string().default('api.twilio.com'),
  PRESENCE_GRACE_SECONDS: z.coerce.number().int().min(0).default(60),
  LOGIN_BLOCK_SCALE: z.coerce.number({ message: 'must be a number' }).positive('must be above 0').max(1, 'must be at most 1').default(1),
});

export type Config = {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  /** HOST was left unset or names a loopback address: nobody else on the network can reach Parley. */
  loopbackOnly: boolean;
  /** Read the client's address from X-Forwarded-For (only behind a proxy that sets it). */
  trustProxy: boolean;
  dataDir: string;
  databaseUrl?: string;
  embedded: boolean;
  redisUrl?: string;
  publicUrl: string;
  authSecret?: string;
  encryptionKey?: string;
  adminEmail?: string;
  adminPassword?: string;
  logLevel: string;
  simulatorEnabled: boolean;
  seedDemo: boolean;
  /** With the demo: two weeks of finished chats, quick replies and templates. */
  demoContent: boolean;
  twilioApiBaseUrl: string;
  twilioContentBaseUrl: string;
  twilioMediaHosts: string[];
  presenceGraceSeconds: number;
  /** Multiplies the sign-in throttle's block times (tests shorten them; 1 in production). */
  loginBlockScale: number;
};

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function decodeKey(value: string): Buffer | null {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  try {
    const b = Buffer.from(value, 'base64');
    return b.length === 32 ? b : null;
  } catch {
    return null;
  }
}

/** Reads and validates the environment. Pure: the same env gives the same config. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const raw = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const embedded = !e.DATABASE_URL;
  // The embedded default is a demo on someone's laptop, with printed passwords: it answers only on
  // this machine unless HOST says otherwise. With DATABASE_URL it is a deployment: every interface.
  const host = e.HOST ?? (embedded ? '127.0.0.1' : '0.0.0.0');
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host,
    loopbackOnly: isLoopback(host),
    trustProxy: e.TRUST_PROXY,
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    embedded,
    redisUrl: e.REDIS_URL,
    publicUrl,
    authSecret: e.AUTH_SECRET,
    encryptionKey: e.ENCRYPTION_KEY,
    adminEmail: e.ADMIN_EMAIL,
    adminPassword: e.ADMIN_PASSWORD,
    logLevel: e.LOG_LEVEL,
    simulatorEnabled: e.SIMULATOR_ENABLED ?? embedded,
    seedDemo: e.SEED_DEMO ?? embedded,
    demoContent: e.DEMO_CONTENT,
    twilioApiBaseUrl: e.TWILIO_API_BASE_URL.replace(/\/+$/, ''),
    twilioContentBaseUrl: e.TWILIO_CONTENT_BASE_URL.replace(/\/+$/, ''),
    twilioMediaHosts: e.TWILIO_MEDIA_HOSTS.split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
    presenceGraceSeconds: e.PRESENCE_GRACE_SECONDS,
    loginBlockScale: e.LOGIN_BLOCK_SCALE,
  };
}

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

let cached: Config | undefined;
/** The process's config, read once. */
export function getConfig(): Config {
  cached ??= loadConfig();
  return cached;
}

/** Tests and server start-up replace the cached config after adjusting the environment. */
export function resetConfig(): void {
  cached = undefined;
}
