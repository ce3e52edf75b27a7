import { getDb } from '@/db/client';
import { listUsers as listUserRows } from '@/db/queries/users';
import { toUserDto, type UserDto } from './dto';

export async function listUsers(): Promise<{ items: UserDto[]; nextCursor: null }> {
  const rows = await listUserRows(getDb());
  return { items: rows.map(toUserDto), nextCursor: null };
}
