import { getDb } from '@/db/client';
import { getUserById } from '@/db/queries/users';
import { AppError } from '@/lib/errors';
import { toUserDto, type UserDto } from './dto';

export async function getUserProfile({ userId }: { userId: string }): Promise<UserDto> {
  const user = await getUserById(getDb(), { id: userId });
  if (!user) throw new AppError('not_found:No such user.');
  return toUserDto(user);
}
