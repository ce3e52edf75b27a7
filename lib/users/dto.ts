import type { User } from '@/db/schema';
import { homeFor } from '@/lib/auth/roles';

export type UserDto = {
  id: string;
  email: string;
  name: string;
  role: User['role'];
  languages: string[];
  maxChats: number;
  presence: User['presence'];
  active: boolean;
  home: string;
  createdAt: string;
};

/** The API's view of a user: never the password hash. */
export function toUserDto(u: User): UserDto {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    languages: u.languages,
    maxChats: u.maxChats,
    presence: u.presence,
    active: u.active,
    home: homeFor(u.role),
    createdAt: u.createdAt.toISOString(),
  };
}
