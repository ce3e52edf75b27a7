import pino from 'pino';

const g = globalThis as unknown as { __parleyLogger?: pino.Logger };

export const logger: pino.Logger =
  g.__parleyLogger ??
  (g.__parleyLogger = pino({
    level: process.env.LOG_LEVEL || (process.env.NODE_ENV === 'test' ? 'silent' : 'info'),
    base: { app: 'parley' },
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
