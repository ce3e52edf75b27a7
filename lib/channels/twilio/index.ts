import { getConfig } from '@/lib/config';
import type { ChannelAdapter, ProviderId } from '../types';
import { MESSAGES_TIMEOUT_MS, type TwilioBases } from './client';
import { checkTwilioCredentials } from './credentials';
import { describeTwilioError } from './errors';
import { fetchTwilioMedia } from './media';
import { findSentTwilioMessages, sendTwilioMessage } from './send';
import { listTwilioTemplates } from './templates';
import { twilioWebhook } from './webhook';

// Twilio's WhatsApp sandbox accepts at most one message per 3 s per number; more are refused.
export const SANDBOX_INTERVAL_MS = 3000;

/** What makes one Twilio-speaking provider differ from another: where its API is, and whose media hosts get credentials. */
export type TwilioFlavour = {
  provider: ProviderId;
  bases: () => TwilioBases;
  /** Hosts that media is fetched from with the channel's credentials (host or host:port). */
  mediaHosts: () => string[];
};

/** The Twilio adapter, for Twilio itself or any flavour of it (the simulator is one, at another base URL). */
export function createTwilioAdapter(flavour: TwilioFlavour): ChannelAdapter {
  const statusCallbackUrl = (channelId: string, sentAs: { messageId: string; attempt: number }) =>
    `${getConfig().publicUrl}/api/webhooks/${twilioWebhook.segment}/${channelId}/status?messageId=${sentAs.messageId}&attempt=${sentAs.attempt}`;
  return {
    provider: flavour.provider,
    displayName: 'Twilio',
    sendTimeoutMs: MESSAGES_TIMEOUT_MS,
    sandboxSendIntervalMs: SANDBOX_INTERVAL_MS,
    webhook: twilioWebhook,
    send: (channel, message) =>
      sendTwilioMessage(channel, message, { bases: flavour.bases(), statusCallbackUrl: statusCallbackUrl(channel.id, message.sentAs) }),
    findSentMessages: (channel, lookup) => findSentTwilioMessages(channel, lookup, { bases: flavour.bases() }),
    fetchMedia: (channel, ref) => fetchTwilioMedia(channel, ref, { credentialHosts: flavour.mediaHosts() }),
    checkCredentials: (channel, overrides = {}) => checkTwilioCredentials(channel, overrides, { bases: flavour.bases() }),
    describeError: describeTwilioError,
    templates: { list: (channel) => listTwilioTemplates(channel, { bases: flavour.bases() }) },
  };
}

export const twilioAdapter = createTwilioAdapter({
  provider: 'twilio',
  bases: () => {
    const config = getConfig();
    return { api: config.twilioApiBaseUrl, content: config.twilioContentBaseUrl };
  },
  mediaHosts: () => getConfig().twilioMediaHosts,
});
