import type { z } from 'zod';
import { AppError, errorResponse } from './errors';

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

/** Parses a JSON body against a zod schema; 400 with the field problems when it does not fit. */
export async function parseJson<S extends z.ZodType>(req: Request, schema: S): Promise<z.infer<S>> {
  const type = req.headers.get('content-type') ?? '';
  if (!type.includes('application/json')) {
    throw new AppError('unsupported_media_type:Send the body as application/json.');
  }
  const length = Number(req.headers.get('content-length') ?? 0);
  if (length > MAX_JSON_BYTES) throw new AppError('payload_too_large:The request body is too large.');
  let body: unknown;
  try {
    body = await req.json();
  } catch {
    throw new AppError('bad_request:The body is not valid JSON.');
  }
  return parseWith(schema, body);
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
