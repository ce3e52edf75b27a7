import type { Channel } from '@/db/schema';
import { logger } from '@/lib/logger';
import type { CredentialCheck, CredentialOverrides } from '../types';
import { createTwilioClient, type TwilioBases } from './client';
import { describeTwilioFailure, loggableTwilioFailure } from './errors';

/** "Check credentials": fetches the channel's Twilio account with its (or the given, unsaved) credentials. */
export async function checkTwilioCredentials(
  channel: Channel,
  overrides: CredentialOverrides,
  { bases }: { bases: TwilioBases },
): Promise<CredentialCheck> {
  const accountSid = overrides.accountSid ?? channel.accountSid;
  if (!accountSid) return { ok: false, message: 'This channel has no Account SID set.' };
  if (!overrides.authToken && !channel.authTokenEncrypted) return { ok: false, message: 'This channel has no auth token set.' };
  try {
    const client = createTwilioClient(channel, { bases, accountSid, authToken: overrides.authToken });
    const account = await client.api.v2010.accounts(accountSid).fetch();
    return account.status === 'active'
      ? { ok: true, message: `The credentials work: Twilio account "${account.friendlyName}" is active.`, accountName: account.friendlyName, accountStatus: account.status }
      : {
          ok: false,
          message: `The credentials work, but the Twilio account "${account.friendlyName}" is ${account.status}: it cannot send messages.`,
          accountName: account.friendlyName,
          accountStatus: account.status,
        };
  } catch (err) {
    logger.warn({ channelId: channel.id, ...loggableTwilioFailure(err) }, 'channel credential check failed');
    return { ok: false, message: describeTwilioFailure(err) };
  }
}
