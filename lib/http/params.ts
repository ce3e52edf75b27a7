import { AppError } from '@/lib/errors';
import { readJsonBody } from '@/lib/http/body';
import { isUuid } from '@/lib/ids';


export type IdContext = { params: Promise<{ id: string }> };

/** The `[id]` of a route: a malformed id is simply not found (the database never sees it). */
export async function idParam(ctx: IdContext, what: string): Promise<string> {
  const { id } = await ctx.params;
  if (!isUuid(id)) throw new AppError(`not_found:No such ${what}.`);
  return id;
}

/** The JSON body when there is one (an optional body), else `{}`. */
export async function optionalJson(req: Request): Promise<unknown> {
  const declared = req.headers.get('content-type');
  if (!declared && Number(req.headers.get('content-length') ?? 0) === 0) {
    await req.text();
    return {};
  }
  return (await readJsonBody(req)) ?? {};
}
