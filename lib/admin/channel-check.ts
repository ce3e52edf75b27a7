import { getDb, type Db } from '@/db/client';
import { getChannelById } from '@/db/queries/channels';
import { writeAudit } from '@/lib/audit';
import type { Actor } from '@/lib/auth/roles';
import { createTwilioClient } from '@/lib/channels/twilio-client';
import { AppError } from '@/lib/errors';
import { logger } from '@/lib/logger';

export type CredentialCheck = { ok: boolean; message: string; accountName?: string; accountStatus?: string };

type TwilioFailure = { status?: number; code?: number | string; message?: string };

/** Plain words for why Twilio said no; never echoes the request (it carries the credentials). */
export function describeTwilioFailure(err: unknown): string {
  const e = (err ?? {}) as TwilioFailure;
  if (e.status === 401 || e.code === 20003) return 'Twilio rejected these credentials: the Account SID or auth token is wrong.';
  if (e.status === 403) return 'Twilio refused access with these credentials (403). Check that the auth token belongs to this account.';
  if (e.status === 404) return 'Twilio has no account with this Account SID.';
  if (typeof e.status === 'number') return `Twilio answered with an error (HTTP ${e.status}). Try again in a moment.`;
  if (typeof e.code === 'string' && /ENOTFOUND|ECONNREFUSED|ETIMEDOUT|ECONNRESET|EAI_AGAIN/.test(e.code)) {
    return `Parley could not reach Twilio (${e.code}). Check this server's internet access.`;
  }
  return 'Parley could not reach Twilio. Check this server\'s internet access and try again.';
}

/** "Check credentials": fetches the channel's Twilio account with its (or the given, unsaved) credentials. */
export async function checkChannelCredentials(
  actor: Actor,
  id: string,
  overrides: { accountSid?: string; authToken?: string } = {},
  db: Db = getDb(),
): Promise<CredentialCheck> {
  const channel = await getChannelById(db, { id });
  if (!channel) throw new AppError('not_found:No such channel.');
  const accountSid = overrides.accountSid ?? channel.accountSid;
  if (!accountSid) return { ok: false, message: 'This channel has no Account SID set.' };
  if (!overrides.authToken && !channel.authTokenEncrypted) return { ok: false, message: 'This channel has no auth token set.' };

  let result: CredentialCheck;
  try {
    const client = createTwilioClient(channel, { accountSid, authToken: overrides.authToken });
    const account = await client.api.v2010.accounts(accountSid).fetch();
    result =
      account.status === 'active'
        ? { ok: true, message: `The credentials work: Twilio account "${account.friendlyName}" is active.`, accountName: account.friendlyName, accountStatus: account.status }
        : {
            ok: false,
            message: `The credentials work, but the Twilio account "${account.friendlyName}" is ${account.status}: it cannot send messages.`,
            accountName: account.friendlyName,
            accountStatus: account.status,
          };
  } catch (err) {
    const e = err as TwilioFailure;
    // Only the status and code: the error object holds the request, and with it the credentials.
    logger.warn({ channelId: id, status: e.status, code: e.code }, 'channel credential check failed');
    result = { ok: false, message: describeTwilioFailure(err) };
  }
  await writeAudit(db, {
    actorId: actor.id,
    action: 'channel.credentials_checked',
    entity: 'channel',
    entityId: id,
    after: { ok: result.ok, accountStatus: result.accountStatus ?? null, unsavedCredentials: !!(overrides.accountSid || overrides.authToken) },
  });
  return result;
}
