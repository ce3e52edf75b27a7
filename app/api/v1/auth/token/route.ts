import { getDb } from '@/db/client';
import { loginForApiToken } from '@/lib/auth/login';
import { toUserDto } from '@/lib/users/dto';
import { parseJson, route } from '@/lib/http/body';
import { clientIpOf } from '@/lib/security/client-ip';
import { tokenRequestSchema } from './schema';

/** 201 with a 30-day token; 401 for a wrong email or password; 429 (Retry-After) while guessing is throttled. */
export const POST = route(async (req) => {
  const input = await parseJson(req, tokenRequestSchema);
  const { token, expiresAt, user } = await loginForApiToken(getDb(), { ...input, ip: clientIpOf(req.headers) });
  return Response.json({ token, expiresAt, user: toUserDto(user) }, { status: 201 });
});
