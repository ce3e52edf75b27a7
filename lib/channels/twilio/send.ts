import type { Channel } from '@/db/schema';
import type { OutboundMessage, SendResult, SentLookup } from '../types';
import { createTwilioClient, MESSAGES_TIMEOUT_MS, type TwilioBases } from './client';
import { toProviderSendError } from './errors';
import { fromTwilioStatus } from './parse';

// Twilio addresses WhatsApp users as `whatsapp:+E164`; a bare number would go out as SMS.
const whatsapp = (e164: string) => (e164.startsWith('whatsapp:') ? e164 : `whatsapp:${e164}`);

/**
 * `statusCallbackUrl`: where Twilio posts this message's status callbacks. It carries the Parley
 * message and attempt (Twilio signs that URL with the rest): a callback for a sid the send job could
 * not record still finds its message, and one of an attempt before an agent's retry does not take
 * over the retry.
 */
export async function sendTwilioMessage(
  channel: Channel,
  m: OutboundMessage,
  { bases, statusCallbackUrl }: { bases: TwilioBases; statusCallbackUrl: string },
): Promise<SendResult> {
  const client = createTwilioClient(channel, { bases, timeoutMs: MESSAGES_TIMEOUT_MS });
  try {
    const created = await client.messages.create({
      from: whatsapp(m.from),
      to: whatsapp(m.to),
      statusCallback: statusCallbackUrl,
      ...(m.template
        ? { contentSid: m.template.providerTemplateId, contentVariables: JSON.stringify(m.template.variables) }
        : m.body
          ? { body: m.body }
          : {}),
      ...(m.mediaUrl ? { mediaUrl: [m.mediaUrl] } : {}),
    });
    return { providerMessageId: created.sid, status: fromTwilioStatus(created.status) };
  } catch (err) {
    throw toProviderSendError(err);
  }
}

export async function findSentTwilioMessages(channel: Channel, lookup: SentLookup, { bases }: { bases: TwilioBases }): Promise<SendResult[]> {
  const client = createTwilioClient(channel, { bases, timeoutMs: MESSAGES_TIMEOUT_MS });
  try {
    // List Messages answers newest first. A queued message has no date_sent yet, so the
    // DateSent filters would miss exactly the messages looked for: match on date_created.
    // One page, the newest 50: an attempt of the last minutes is among them.
    const page = await client.messages.page({ to: whatsapp(lookup.to), from: whatsapp(lookup.from), pageSize: 50 });
    return page.instances
      .filter(
        (m) =>
          m.direction.startsWith('outbound') &&
          m.dateCreated.getTime() >= lookup.since.getTime() &&
          (m.body ?? '') === lookup.body &&
          Number(m.numMedia ?? 0) > 0 === lookup.withMedia,
      )
      .sort((a, b) => a.dateCreated.getTime() - b.dateCreated.getTime())
      .map((m) => ({ providerMessageId: m.sid, status: fromTwilioStatus(m.status) }));
  } catch (err) {
    throw toProviderSendError(err);
  }
}
