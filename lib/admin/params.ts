import { AppError } from '@/lib/errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type IdContext = { params: Promise<{ id: string }> };

/** The `[id]` of a route: a malformed id is simply not found (the database never sees it). */
export async function idParam(ctx: IdContext, what: string): Promise<string> {
  const { id } = await ctx.params;
  if (!UUID.test(id)) throw new AppError(`not_found:No such ${what}.`);
  return id;
}

/** The JSON body when there is one (an optional body), else `{}`. */
export async function optionalJson(req: Request): Promise<unknown> {
  const text = await req.text();
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError('bad_request:The body is not valid JSON.');
  }
}
