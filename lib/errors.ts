import { logger } from './logger';

const statusByCode: Record<string, number> = {
  bad_request: 400,
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  window_closed: 422,
  unprocessable: 422,
  rate_limited: 429,
  unavailable: 503,
};

/** The one error type: `new AppError('window_closed:The 24-hour window ...')`. */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details?: unknown;
  /** Extra response headers (e.g. Retry-After with rate_limited). */
  readonly headers?: Record<string, string>;

  constructor(codeAndMessage: string, options: { status?: number; details?: unknown; headers?: Record<string, string> } = {}) {
    const i = codeAndMessage.indexOf(':');
    const code = i === -1 ? codeAndMessage : codeAndMessage.slice(0, i);
    const message = i === -1 ? code.replace(/_/g, ' ') : codeAndMessage.slice(i + 1);
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.status = options.status ?? statusByCode[code] ?? 400;
    this.details = options.details;
    this.headers = options.headers;
  }

  toResponse(): Response {
    return Response.json(
      { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) } },
      { status: this.status, headers: this.headers },
    );
  }
}

const DOWN_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
  '08000',
  '08003',
  '08006',
]);

/** Whether an error means the database could not be reached (vs. a bug, a conflict or a constraint). */
export function isDatabaseDown(err: unknown): boolean {
  const e = err as { code?: string; message?: string; cause?: unknown } | undefined;
  if (!e || typeof e !== 'object') return false;
  if (e.code && DOWN_CODES.has(e.code)) return true;
  // A query error wraps the driver's error: judge by that, never by the SQL text in the message.
  if (e.cause) return isDatabaseDown(e.cause);
  return !!e.message && /ECONNREFUSED|connection terminated|connection closed|PGlite is closed|database is not initialised/i.test(e.message);
}

/**
 * Runs `work`, and once more after a short pause if it failed because its database connection was
 * cut (a restart or failover, a terminated backend, a proxy's reset): the pool's next connection
 * usually works. Only for work that is safe to repeat (idempotent, or rolled back whole).
 */
export async function onceMoreIfDatabaseDown<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (!isDatabaseDown(err)) throw err;
    await new Promise((r) => setTimeout(r, 50 + Math.random() * 50));
    return work();
  }
}

/** Turns anything thrown in a route into the API's error shape; details are logged, never returned. */
export function errorResponse(err: unknown): Response {
  if (err instanceof AppError) return err.toResponse();
  if (isDatabaseDown(err)) {
    logger.error({ err }, 'database unavailable');
    return new AppError('unavailable:The database is not reachable right now. Try again in a moment.').toResponse();
  }
  logger.error({ err }, 'unhandled error');
  return Response.json({ error: { code: 'internal', message: 'Something went wrong on our side.' } }, { status: 500 });
}
