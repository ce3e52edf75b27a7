import { getDb } from '@/db/client';
import { createApiToken, listApiTokens } from '@/lib/admin/api-tokens';
import { requireActor } from '@/lib/auth/guard';
import { parseJson, route } from '@/lib/http/body';
import { createApiTokenSchema } from './schema';

export const GET = route(async (req) => {
  await requireActor(req, 'settings');
  return Response.json(await listApiTokens(getDb()));
});

/** 201 with `token`: the only time it is shown; Parley keeps only its hash. */
export const POST = route(async (req) => {
  const actor = await requireActor(req, 'settings');
  const input = await parseJson(req, createApiTokenSchema);
  return Response.json(await createApiToken(getDb(), { actor, input }), { status: 201, headers: { 'cache-control': 'no-store' } });
});
