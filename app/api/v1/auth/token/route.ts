import { loginForApiToken } from '@/lib/auth/login';
import { toUserDto } from '@/lib/users/dto';
import { parseJson, route } from '@/lib/http';
import { tokenRequestSchema } from './schema';

export const POST = route(async (req) => {
  const input = await parseJson(req, tokenRequestSchema);
  const { token, expiresAt, user } = await loginForApiToken(input);
  return Response.json({ token, expiresAt, user: toUserDto(user) }, { status: 201 });
});
