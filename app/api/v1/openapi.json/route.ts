import { route } from '@/lib/http/body';
import { buildOpenApi } from '../openapi';

/** The OpenAPI 3.1 description of /api/v1: public, so integrators can fetch it before they have a token. */
export const GET = route(async () =>
  Response.json(buildOpenApi(), { headers: { 'cache-control': 'public, max-age=300' } }),
);
