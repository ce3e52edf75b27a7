import { randomBytes } from 'node:crypto';
import { type Db } from '@/db/client';
import {
  channelConversationCounts,
  channelMessageCounts,
  countChannelConversations,
  deleteChannelRow,
  getChannelById,
  insertChannel,
  listChannels as listChannelRows,
  updateChannelRow,
} from '@/db/queries/channels';
import { getQueueById, listQueueRows } from '@/db/queries/queues';
import type { Channel } from '@/db/schema';
import { writeAudit } from '@/lib/audit';
import type { Actor } from '@/lib/auth/roles';
import { getEncryptionKey } from '@/lib/auth/secret';
import { getConfig } from '@/lib/config';
import { encryptSecret } from '@/lib/crypto';
import { AppError } from '@/lib/errors';
import { logger } from '@/lib/logger';
import { isUniqueViolation } from '@/lib/http/db-errors';

export type ChannelDto = {
  id: string;
  name: string;
  provider: Channel['provider'];
  simulator: boolean;
  phoneNumber: string;
  accountSid: string | null;
  authTokenSet: boolean;
  queueId: string;
  queueName: string | null;
  language: string;
  defaultCountry: string;
  environment: Channel['environment'];
  active: boolean;
  /** Days closed conversations' content and media are kept; null: forever. */
  retentionDays: number | null;
  webhookUrl: string;
  statusCallbackUrl: string;
  messagesLast24h: number;
  conversationCount: number;
  createdAt: string;
  updatedAt: string;
};

export type ChannelInput = {
  name: string;
  provider: 'twilio' | 'simulator';
  phoneNumber: string;
  accountSid?: string | null;
  authToken?: string;
  queueId: string;
  language: string;
  defaultCountry: string;
  environment: Channel['environment'];
  active?: boolean;
  retentionDays?: number | null;
};

export function channelUrls(id: string) {
  const base = getConfig().publicUrl;
  return { webhookUrl: `${base}/api/webhooks/twilio/${id}`, statusCallbackUrl: `${base}/api/webhooks/twilio/${id}/status` };
}

export function toChannelDto(c: Channel, extra: { queueName?: string | null; messagesLast24h?: number; conversationCount?: number } = {}): ChannelDto {
  return {
    id: c.id,
    name: c.name,
    provider: c.provider,
    simulator: c.provider === 'simulator',
    phoneNumber: c.phoneNumber,
    accountSid: c.accountSid,
    authTokenSet: !!c.authTokenEncrypted,
    queueId: c.queueId,
    queueName: extra.queueName ?? null,
    language: c.language,
    defaultCountry: c.defaultCountry,
    environment: c.environment,
    active: c.active,
    retentionDays: c.retentionDays,
    ...channelUrls(c.id),
    messagesLast24h: extra.messagesLast24h ?? 0,
    conversationCount: extra.conversationCount ?? 0,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

/** The audit log's view: the token only as set / not set. */
function snapshot(c: Channel) {
  const { authTokenEncrypted, createdAt: _c, updatedAt: _u, ...rest } = c;
  return { ...rest, authTokenSet: !!authTokenEncrypted };
}

const numberTaken = () =>
  new AppError('conflict:Another channel already uses this WhatsApp number.', {
    details: { fields: [{ path: 'phoneNumber', message: 'is already connected to another channel' }] },
  });

async function assertQueue(db: Db, queueId: string) {
  if (!(await getQueueById(db, { id: queueId }))) {
    throw new AppError('validation_failed:queueId: no such queue.', { details: { fields: [{ path: 'queueId', message: 'no such queue' }] } });
  }
}

export async function listChannels(db: Db): Promise<{ items: ChannelDto[]; nextCursor: null }> {
  const [rows, queues, msgs, convs] = await Promise.all([listChannelRows(db), listQueueRows(db), channelMessageCounts(db), channelConversationCounts(db)]);
  const queueNames = new Map(queues.map((q) => [q.id, q.name]));
  return {
    items: rows.map((c) =>
      toChannelDto(c, { queueName: queueNames.get(c.queueId), messagesLast24h: msgs.get(c.id) ?? 0, conversationCount: convs.get(c.id) ?? 0 }),
    ),
    nextCursor: null,
  };
}

export async function getChannel(db: Db, { id }: { id: string }): Promise<ChannelDto> {
  const c = await getChannelById(db, { id });
  if (!c) throw new AppError('not_found:No such channel.');
  const [queue, msgs, convs] = await Promise.all([getQueueById(db, { id: c.queueId }), channelMessageCounts(db), countChannelConversations(db, { id })]);
  return toChannelDto(c, { queueName: queue?.name, messagesLast24h: msgs.get(id) ?? 0, conversationCount: convs });
}

export async function createChannel(db: Db, { actor, input }: { actor: Actor; input: ChannelInput }): Promise<ChannelDto> {
  const config = getConfig();
  if (input.provider === 'simulator' && !config.simulatorEnabled) {
    throw new AppError('validation_failed:provider: simulator channels are disabled on this server (SIMULATOR_ENABLED=false).', {
      details: { fields: [{ path: 'provider', message: 'simulator channels are disabled on this server' }] },
    });
  }
  let accountSid = input.accountSid ?? null;
  let authToken = input.authToken;
  if (input.provider === 'simulator') {
    // The simulator plays Twilio: it gets credentials of its own so signatures are checked the same way.
    accountSid ??= 'AC' + randomBytes(16).toString('hex');
    authToken ??= randomBytes(16).toString('hex');
  } else if (!accountSid || !authToken) {
    const fields = [
      ...(!accountSid ? [{ path: 'accountSid', message: 'is required for a Twilio channel' }] : []),
      ...(!authToken ? [{ path: 'authToken', message: 'is required for a Twilio channel' }] : []),
    ];
    throw new AppError(`validation_failed:${fields[0]!.path}: ${fields[0]!.message}`, { details: { fields } });
  }
  try {
    const row = await db.transaction(async (tx) => {
      await assertQueue(tx, input.queueId);
      const c = await insertChannel(tx, {
        name: input.name,
        provider: input.provider,
        phoneNumber: input.phoneNumber,
        accountSid,
        authTokenEncrypted: encryptSecret(authToken!, getEncryptionKey()),
        queueId: input.queueId,
        language: input.language,
        defaultCountry: input.defaultCountry,
        environment: input.environment,
        active: input.active ?? true,
        retentionDays: input.retentionDays ?? null,
      });
      await writeAudit(tx, { actorId: actor.id, action: 'channel.created', entity: 'channel', entityId: c.id, after: snapshot(c) });
      return c;
    });
    logger.info({ channelId: row.id, provider: row.provider, by: actor.id }, 'channel created');
    return getChannel(db, { id: row.id });
  } catch (err) {
    if (isUniqueViolation(err)) throw numberTaken();
    throw err;
  }
}

export async function updateChannel(db: Db, { actor, id, input }: { actor: Actor; id: string; input: Partial<ChannelInput> }): Promise<ChannelDto> {
  const { authToken, provider, ...fields } = input;
  try {
    await db.transaction(async (tx) => {
      const before = await getChannelById(tx, { id });
      if (!before) throw new AppError('not_found:No such channel.');
      if (provider && provider !== before.provider) throw new AppError('validation_failed:provider: a channel cannot change provider; create a new channel.');
      if (fields.queueId) await assertQueue(tx, fields.queueId);
      const after = await updateChannelRow(tx, {
        id,
        values: { ...fields, ...(authToken ? { authTokenEncrypted: encryptSecret(authToken, getEncryptionKey()) } : {}) },
      });
      const action =
        fields.active === false && before.active ? 'channel.deactivated' : fields.active === true && !before.active ? 'channel.reactivated' : 'channel.updated';
      await writeAudit(tx, {
        actorId: actor.id,
        action,
        entity: 'channel',
        entityId: id,
        before: snapshot(before),
        after: { ...snapshot(after!), ...(authToken ? { authTokenReplaced: true } : {}) },
      });
    });
    logger.info({ channelId: id, by: actor.id, authTokenReplaced: !!authToken }, 'channel updated');
    return getChannel(db, { id });
  } catch (err) {
    if (isUniqueViolation(err)) throw numberTaken();
    throw err;
  }
}

/** A channel with conversations keeps its history: it can only be deactivated. */
export async function deleteChannel(db: Db, { actor, id }: { actor: Actor; id: string }): Promise<void> {
  await db.transaction(async (tx) => {
    const before = await getChannelById(tx, { id });
    if (!before) throw new AppError('not_found:No such channel.');
    const n = await countChannelConversations(tx, { id });
    if (n > 0) {
      throw new AppError(
        `conflict:This channel has ${n} conversation${n === 1 ? '' : 's'} and cannot be deleted; their history would be lost. Deactivate it instead.`,
      );
    }
    await deleteChannelRow(tx, { id });
    await writeAudit(tx, { actorId: actor.id, action: 'channel.deleted', entity: 'channel', entityId: id, before: snapshot(before) });
  });
  logger.info({ channelId: id, by: actor.id }, 'channel deleted');
}
