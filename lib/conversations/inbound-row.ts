import type { Channel, Message } from '@/db/schema';
import type { InboundRow } from '@/db/queries/inbound';
import type { InboundMessage } from '@/lib/channels';
import { toE164 } from '@/lib/phone';

const VCARD_TYPES = /^text\/(x-)?vcard|^text\/directory/i;

/** The kind Parley files a message as: a card shared as a vCard file counts as contacts, not media. */
export function inboundKind(m: InboundMessage): Message['kind'] {
  if (m.media.length) return m.media.every((x) => x.contentType && VCARD_TYPES.test(x.contentType)) ? 'contacts' : 'media';
  if (m.location) return 'location';
  if (m.choice) return 'button';
  if (m.contacts.length) return 'contacts';
  return 'text';
}

function inboundBody(m: InboundMessage): string | null {
  if (m.text) return m.text;
  if (m.contacts.length) return m.contacts.map((c) => [c.name, ...c.phones].filter(Boolean).join(' ')).join('\n') || null;
  // Parley has no reactions yet: one is filed as a text replying to the message it reacts to.
  if (m.reaction?.emoji) return m.reaction.emoji;
  return null;
}

/** An inbound message as the filing statement takes it: the customer's number in E.164, its kind and body. */
export function toInboundRow(channel: Channel, m: InboundMessage): InboundRow {
  return {
    channelId: channel.id,
    queueId: channel.queueId,
    channelLanguage: channel.language,
    phone: toE164(m.from, channel.defaultCountry) ?? (m.waId ? toE164(`+${m.waId}`) : null) ?? m.from,
    waId: m.waId,
    profileName: m.profileName,
    kind: inboundKind(m),
    body: inboundBody(m),
    providerMessageId: m.providerMessageId,
    location: m.location,
    raw: m.raw,
    replyToProviderId: m.replyToProviderMessageId ?? m.reaction?.toProviderMessageId ?? null,
  };
}
