import type { z } from 'zod';
import { AppError, errorResponse } from '@/lib/errors';

type Handler<C> = (req: Request, ctx: C) => Promise<Response> | Response;

/** Wraps a route handler: any thrown error becomes the API's `{error: {code, message}}` shape. */
export function route<C = unknown>(handler: Handler<C>): Handler<C> {
  return async (req, ctx) => {
    try {
      return await handler(req, ctx);
    } catch (err) {
      return errorResponse(err);
    }
  };
}

const MAX_JSON_BYTES = 1024 * 1024;

/**
 * Whether the body is declared as JSON: the media type itself, not a substring of the header. A page
 * of another site may send `text/plain; x=application/json` without asking first (a "simple" CORS
 * request); only a real JSON type needs the preflight it would fail.
 */
export function isJsonContentType(header: string | null): boolean {
  const essence = (header ?? '').split(';')[0]!.trim().toLowerCase();
  return essence === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(essence);
}

/** Reads a JSON body (application/json only; 1 MB); null for an empty body. */
export async function readJsonBody(req: Request): Promise<unknown> {
  if (!isJsonContentType(req.headers.get('content-type'))) {
    throw new AppError('unsupported_media_type:Send the body as application/json.');
  }
  const length = Number(req.headers.get('content-length') ?? 0);
  if (length > MAX_JSON_BYTES) throw new AppError('payload_too_large:The request body is too large.');
  let text: string;
  try {
    text = await req.text();
  } catch {
    throw new AppError('payload_too_large:The request body is too large.');
  }
  if (Buffer.byteLength(text) > MAX_JSON_BYTES) throw new AppError('payload_too_large:The request body is too large.');
  if (!text.trim()) return null;
  try {
    return withoutNul(JSON.parse(text));
  } catch {
    throw new AppError('bad_request:The body is not valid JSON.');
  }
}

/** Parses a JSON body against a zod schema; 400 with the field problems when it does not fit. */
export async function parseJson<S extends z.ZodType>(req: Request, schema: S): Promise<z.infer<S>> {
  const body = await readJsonBody(req);
  if (body === null) throw new AppError('bad_request:The body is not valid JSON.');
  return parseWith(schema, body);
}

/**
 * Postgres text cannot hold U+0000: a NUL anywhere in what a person typed would fail the insert
 * and lose the whole message. It carries no meaning in chat text, so it is dropped at the door.
 */
export function stripNul(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '') : text;
}

export function withoutNul<T>(value: T): T {
  if (typeof value === 'string') return stripNul(value) as T;
  if (Array.isArray(value)) return value.map(withoutNul) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [stripNul(k), withoutNul(v)])) as T;
  }
  return value;
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    const first = fields[0];
    throw new AppError(
      `validation_failed:${first ? (first.path ? `${first.path}: ${first.message}` : first.message) : 'Invalid input.'}`,
      { details: { fields } },
    );
  }
  return parsed.data;
}

export function searchParams(req: Request): Record<string, string> {
  return Object.fromEntries(new URL(req.url).searchParams);
}
