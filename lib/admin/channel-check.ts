import { getDb, type Db } from '@/db/client';
import { getChannelById } from '@/db/queries/channels';
import { writeAudit } from '@/lib/audit';
import type { Actor } from '@/lib/auth/roles';
import { adapterFor, type CredentialCheck, type CredentialOverrides } from '@/lib/channels';
import { AppError } from '@/lib/errors';

export type { CredentialCheck };

/** "Check credentials": asks the channel's provider whether its (or the given, unsaved) credentials work; audited. */
export async function checkChannelCredentials(
  actor: Actor,
  id: string,
  overrides: CredentialOverrides = {},
  db: Db = getDb(),
): Promise<CredentialCheck> {
  const channel = await getChannelById(db, { id });
  if (!channel) throw new AppError('not_found:No such channel.');
  const result = await adapterFor(channel.provider).checkCredentials(channel, overrides);
  await writeAudit(db, {
    actorId: actor.id,
    action: 'channel.credentials_checked',
    entity: 'channel',
    entityId: id,
    after: { ok: result.ok, accountStatus: result.accountStatus ?? null, unsavedCredentials: !!(overrides.accountSid || overrides.authToken) },
  });
  return result;
}
