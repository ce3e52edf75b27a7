import { and, eq, inArray, ne, or } from 'drizzle-orm';
import { type Db } from '@/db/client';
import { getUserById, insertUser, listUsers, lockActiveAdminIds, updateUserRow } from '@/db/queries/users';
import { listQueueMembers, setUserQueues } from '@/db/queries/queues';
import { contacts, conversations, queueMembers, queues, type User } from '@/db/schema';
import { writeAudit } from '@/lib/audit';
import type { Actor, Role } from '@/lib/auth/roles';
import { hashPassword } from '@/lib/auth/password';
import { accessChanged, endPasswordCredentials } from '@/lib/auth/sessions';
import { clearAccountThrottle } from '@/lib/auth/throttle';
import { toConversationDto } from '@/lib/conversations/dto';
import { AppError } from '@/lib/errors';
import { publishEvents, recordEvents } from '@/lib/events/bus';
import type { DomainEvent } from '@/lib/events/types';
import { logger } from '@/lib/logger';
import { toUserDto, type UserDto } from '@/lib/users/dto';
import { isUniqueViolation } from '@/lib/http/db-errors';

export type AdminUserDto = UserDto & { queueIds: string[]; updatedAt: string };

export type CreateUserInput = {
  email: string;
  name: string;
  password: string;
  role: Role;
  languages: string[];
  maxChats?: number;
  active?: boolean;
  queueIds?: string[];
};
export type UpdateUserInput = Partial<CreateUserInput>;

function toAdminUserDto(u: User, queueIds: string[]): AdminUserDto {
  return { ...toUserDto(u), queueIds, updatedAt: u.updatedAt.toISOString() };
}

/** What the audit log keeps of a user: never the password hash. */
function snapshot(u: User, queueIds?: string[]) {
  return {
    email: u.email,
    name: u.name,
    role: u.role,
    languages: u.languages,
    maxChats: u.maxChats,
    active: u.active,
    ...(queueIds ? { queueIds } : {}),
  };
}

async function queueIdsOf(db: Db, userId: string): Promise<string[]> {
  const rows = await db.select({ queueId: queueMembers.queueId }).from(queueMembers).where(eq(queueMembers.userId, userId));
  return rows.map((r) => r.queueId);
}

async function assertQueuesExist(db: Db, ids: string[] | undefined) {
  if (!ids?.length) return;
  const found = await db.select({ id: queues.id }).from(queues).where(inArray(queues.id, ids));
  if (found.length !== new Set(ids).size) throw new AppError('validation_failed:queueIds: one of the queues does not exist.');
}

export async function listAdminUsers(db: Db): Promise<{ items: AdminUserDto[]; nextCursor: null }> {
  const [rows, members] = await Promise.all([listUsers(db), listQueueMembers(db)]);
  const byUser = new Map<string, string[]>();
  for (const m of members) byUser.set(m.id, [...(byUser.get(m.id) ?? []), m.queueId]);
  return { items: rows.map((u) => toAdminUserDto(u, byUser.get(u.id) ?? [])), nextCursor: null };
}

export async function getAdminUser(db: Db, { id }: { id: string }): Promise<AdminUserDto> {
  const user = await getUserById(db, { id });
  if (!user) throw new AppError('not_found:No such user.');
  return toAdminUserDto(user, await queueIdsOf(db, id));
}

export async function createUser(db: Db, { actor, input }: { actor: Actor; input: CreateUserInput }): Promise<AdminUserDto> {
  const passwordHash = await hashPassword(input.password);
  try {
    const dto = await db.transaction(async (tx) => {
      await assertQueuesExist(tx, input.queueIds);
      const user = await insertUser(tx, {
        email: input.email,
        name: input.name,
        passwordHash,
        role: input.role,
        languages: input.languages,
        maxChats: input.maxChats ?? 5,
        active: input.active ?? true,
      });
      const queueIds = [...new Set(input.queueIds ?? [])];
      if (queueIds.length) await setUserQueues(tx, { userId: user.id, queueIds });
      await writeAudit(tx, { actorId: actor.id, action: 'user.created', entity: 'user', entityId: user.id, after: snapshot(user, queueIds) });
      return toAdminUserDto(user, queueIds);
    });
    logger.info({ userId: dto.id, role: dto.role, by: actor.id }, 'user created');
    return dto;
  } catch (err) {
    if (isUniqueViolation(err, 'users_email_key')) throw new AppError('conflict:A user with this email already exists.', { details: { fields: [{ path: 'email', message: 'is already used by another user' }] } });
    throw err;
  }
}

export async function updateUser(db: Db, { actor, id, input }: { actor: Actor; id: string; input: UpdateUserInput }): Promise<AdminUserDto> {
  const passwordHash = input.password ? await hashPassword(input.password) : undefined;
  try {
    const { dto, published } = await db.transaction(async (tx) => {
      const before = await getUserById(tx, { id });
      if (!before) throw new AppError('not_found:No such user.');
      const beforeQueues = await queueIdsOf(tx, id);
      const losesAdmin = before.role === 'admin' && before.active && ((input.role && input.role !== 'admin') || input.active === false);
      if (losesAdmin) {
        if (actor.id === id && input.active === false) throw new AppError('conflict:You cannot deactivate your own account. Ask another admin.');
        const admins = await lockActiveAdminIds(tx);
        if (admins.filter((a) => a !== id).length === 0) {
          throw new AppError('conflict:This is the last active admin. Make another user an admin first.');
        }
      }
      await assertQueuesExist(tx, input.queueIds);
      const after = await updateUserRow(tx, {
        id,
        values: {
          ...(input.email !== undefined ? { email: input.email } : {}),
          ...(input.name !== undefined ? { name: input.name } : {}),
          ...(input.role !== undefined ? { role: input.role } : {}),
          ...(input.languages !== undefined ? { languages: input.languages } : {}),
          ...(input.maxChats !== undefined ? { maxChats: input.maxChats } : {}),
          ...(input.active !== undefined ? { active: input.active } : {}),
          ...(input.active === false ? { presence: 'offline' as const } : {}),
          ...(passwordHash ? { passwordHash } : {}),
        },
      });
      if (!after) throw new AppError('not_found:No such user.');
      const queueIds = input.queueIds ? [...new Set(input.queueIds)] : beforeQueues;
      if (input.queueIds) await setUserQueues(tx, { userId: id, queueIds });

      const deactivated = before.active && !after.active;
      const events = deactivated ? await releaseOpenChats(tx, id) : [];
      // A new password ends what the old one opened: browser sessions and password-login API tokens
      // (integration tokens stay; see endPasswordCredentials). Deactivation ends them too, so a
      // reactivated user signs in afresh.
      if (passwordHash || deactivated) await endPasswordCredentials(tx, { userId: id });
      if (passwordHash) await clearAccountThrottle(tx, { email: after.email });
      if (passwordHash) events.push(accessChanged(id, 'password_changed'));
      if (deactivated) events.push(accessChanged(id, 'deactivated'));
      if (before.role !== after.role) events.push(accessChanged(id, 'role_changed'));
      // Queues this user joined or left: their new member lists, so a connected agent's socket
      // joins or leaves the queue's room at once and its workspace reloads (no reconnect needed).
      const changed = [...queueIds.filter((q) => !beforeQueues.includes(q)), ...beforeQueues.filter((q) => !queueIds.includes(q))];
      if (changed.length) {
        const members = await listQueueMembers(tx, { queueIds: changed });
        for (const queueId of changed) {
          const memberIds = members.filter((m) => m.queueId === queueId).map((m) => m.id);
          events.push({ type: 'queue.updated', audience: { queueId, toQueue: true, userIds: [id] }, data: { queueId, reason: 'members', memberIds } });
        }
        events.push(accessChanged(id, 'queues_changed'));
      }
      await writeAudit(tx, {
        actorId: actor.id,
        action: deactivated ? 'user.deactivated' : before.active || !after.active ? 'user.updated' : 'user.reactivated',
        entity: 'user',
        entityId: id,
        before: snapshot(before, beforeQueues),
        after: { ...snapshot(after, queueIds), ...(passwordHash ? { passwordReset: true } : {}) },
      });
      return { dto: toAdminUserDto(after, queueIds), published: await recordEvents(tx, events) };
    });
    publishEvents(published);
    logger.info({ userId: id, by: actor.id, passwordReset: !!passwordHash }, 'user updated');
    return dto;
  } catch (err) {
    if (isUniqueViolation(err, 'users_email_key')) throw new AppError('conflict:A user with this email already exists.', { details: { fields: [{ path: 'email', message: 'is already used by another user' }] } });
    throw err;
  }
}

/** A deactivated agent's open chats go back to their queue (waiting, no assignee), and offers to it lapse. */
async function releaseOpenChats(tx: Db, userId: string): Promise<DomainEvent[]> {
  const rows = await tx
    .update(conversations)
    .set({ assigneeId: null, status: 'waiting', offeredToId: null, offeredAt: null, assignedAt: null })
    .where(and(ne(conversations.status, 'closed'), or(eq(conversations.assigneeId, userId), eq(conversations.offeredToId, userId))))
    .returning();
  if (!rows.length) return [];
  const people = await tx
    .select()
    .from(contacts)
    .where(inArray(contacts.id, rows.map((r) => r.contactId)));
  const byId = new Map(people.map((c) => [c.id, c]));
  return rows.map((c) => ({
    type: 'conversation.updated' as const,
    audience: { queueId: c.queueId, conversationId: c.id, userIds: [userId], toQueue: true },
    data: { conversation: toConversationDto(c, byId.get(c.contactId)!) },
  }));
}
