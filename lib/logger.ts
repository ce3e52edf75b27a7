import pino from 'pino';

// Fields of database errors that quote the data of the failed statement: Drizzle's `params` (and its
// message, which repeats them), Postgres's `where` (the JSON being parsed), `detail` (a key's value)
// and postgres.js's `parameters`. A log line carries ids and codes, never what a customer wrote.
const QUOTING_FIELDS = new Set(['params', 'parameters', 'where', 'detail', 'args', 'body', 'text']);

/** pino's error serializer, without anything that quotes the data of a failed statement. */
export function serializeError(err: unknown, depth = 0): unknown {
  if (!(err instanceof Error) || depth > 4) return err;
  const base = pino.stdSerializers.err(err) as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(base)) if (!QUOTING_FIELDS.has(k)) out[k] = v;
  if ('params' in err && typeof out.message === 'string') {
    out.message = out.message.replace(/\nparams: [\s\S]*$/, '\nparams: [redacted]');
    if (typeof out.stack === 'string') out.stack = out.stack.replace(/\nparams: [\s\S]*?(\n\s+at |$)/, '\nparams: [redacted]$1');
  }
  if (err.cause instanceof Error) out.cause = serializeError(err.cause, depth + 1);
  return out;
}

const g = globalThis as unknown as { __parleyLogger?: pino.Logger };

export const logger: pino.Logger =
  g.__parleyLogger ??
  (g.__parleyLogger = pino({
    level: process.env.LOG_LEVEL || (process.env.NODE_ENV === 'test' ? 'silent' : 'info'),
    base: { app: 'parley' },
    serializers: { err: serializeError },
    // Provider credentials and session material never reach a log line.
    redact: {
      paths: [
        'authToken',
        '*.authToken',
        'password',
        '*.password',
        'token',
        '*.token',
        'headers.authorization',
        'headers.cookie',
        '*.headers.authorization',
        '*.headers.cookie',
      ],
      censor: '[redacted]',
    },
  }));
