import type { IncomingHttpHeaders } from 'node:http';
import type { Channel, Message, MessageLocation, Template } from '@/db/schema';

/**
 * What Parley needs from a messaging provider (Twilio, the simulator, later Meta's Cloud API), in
 * provider-neutral words. One adapter per provider under lib/channels/<provider>/, listed once in
 * lib/channels/index.ts. Nothing outside lib/channels knows a provider's field names.
 *
 * The shape Meta's Cloud API adapter is expected to take (not built yet), to keep this honest:
 *   webhook.segment 'meta'; subpaths ['']; maxBodyBytes ~1 MB (a batch of entries)
 *   webhook.handshake: GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=… → 200 challenge, else 403
 *   webhook.verify: X-Hub-Signature-256 = HMAC-SHA256(app secret, rawBody)
 *   webhook.parse: entry[].changes[].value.messages[] → messages (text, image/audio/video/document/
 *     sticker → media with `ref` = the media id, location, contacts, interactive button_reply/list_reply
 *     → choice, button → choice, reaction → reaction, context.id → replyToProviderMessageId) and
 *     value.statuses[] → statuses (biz_opaque_callback_data → sentAs); one POST, many of each
 *   webhook.reply: 200 with an empty body
 *   send: POST /{phone-number-id}/messages (template by name + language); fetchMedia: GET /{media-id}
 *     for the URL, then the URL with the bearer token; templates: list + create + remove
 */

export type ProviderId = Channel['provider'];

// ---------------------------------------------------------------------------------------------
// Inbound

/** A file the customer sent, fetched later through `adapter.fetchMedia(channel, ref)`. */
export type InboundMedia = {
  /** The provider's handle on the file: Twilio's media URL, Meta's media id. */
  ref: string;
  contentType: string | null;
  filename?: string | null;
};

/** A contact card shared as structured data (Meta). Twilio shares contacts as vCard media instead. */
export type InboundContactCard = { name: string | null; phones: string[] };

/** The customer tapped a quick-reply button (of a template or an interactive message) or picked a list row. */
export type InboundChoice = { type: 'button' | 'list'; payload: string | null; text: string | null };

/** The customer reacted to a message with an emoji (null: the reaction was removed). */
export type InboundReaction = { emoji: string | null; toProviderMessageId: string };

/** One message a customer sent, as an adapter reads it out of a webhook. */
export type InboundMessage = {
  /** The provider's id for the message: the key that makes a retried webhook a no-op. */
  providerMessageId: string;
  /** The customer's address without any channel prefix (an E.164 number as the provider wrote it). */
  from: string;
  /** WhatsApp's id of the customer (the international number without "+"), when the provider gives it. */
  waId: string | null;
  profileName: string | null;
  text: string | null;
  media: InboundMedia[];
  location: MessageLocation | null;
  contacts: InboundContactCard[];
  choice: InboundChoice | null;
  reaction: InboundReaction | null;
  /** The provider's id of the message this one replies to (WhatsApp's "reply" on a bubble). */
  replyToProviderMessageId: string | null;
  /** Everything the provider sent about this message, kept on the message for audit. */
  raw: Record<string, string>;
};

/** A delivery report for a message Parley sent. */
export type StatusUpdate = {
  providerMessageId: string;
  /** Parley's status for it, or null for one Parley does not track (kept for audit only). */
  status: Message['status'] | null;
  /** The provider's own word, as received. */
  providerStatus: string;
  errorCode: string | null;
  /** In words an agent understands, when the provider has some for its code (else Parley says it generically). */
  errorReason: string | null;
  /**
   * The Parley message and send attempt the report is about, when the provider echoes what the send
   * gave it (Twilio: the StatusCallback URL's query; Meta: biz_opaque_callback_data).
   */
  sentAs: { messageId: string; attempt: number } | null;
  raw: Record<string, string>;
};

/** What one webhook request carries: several of each for providers that batch (Meta). */
export type WebhookBatch = { messages: InboundMessage[]; statuses: StatusUpdate[] };

/** A webhook request as it reached Parley, before anything was parsed. */
export type WebhookRequest = {
  method: string;
  /** The public URL the provider was given and signed: PUBLIC_URL + path + query (never the proxy's internal URL). */
  url: string;
  /** What follows /api/webhooks/{provider}/{channelId}: '' or e.g. '/status'. */
  subpath: string;
  headers: IncomingHttpHeaders;
  query: URLSearchParams;
  rawBody: Buffer;
};

export type WebhookReply = { status: number; headers: Record<string, string>; body: string };

export interface WebhookAdapter {
  /** The URL segment: /api/webhooks/{segment}/{channelId}. Adapters may share one (the simulator posts as Twilio). */
  readonly segment: string;
  /** The subpaths served under a channel's URL ('' is the channel's URL itself). */
  readonly subpaths: readonly string[];
  /** Bodies above this are refused (413) before anything else is done with them. */
  readonly maxBodyBytes: number;
  /** Throws AppError forbidden unless the provider signed exactly this request (bad_request if it is not one of its). */
  verify(channel: Channel, request: WebhookRequest): void;
  /** The messages and statuses a verified request carries; AppError bad_request when it lacks what it must have. */
  parse(channel: Channel, request: WebhookRequest): WebhookBatch;
  /** What the provider expects back once the batch is filed. */
  reply(channel: Channel, request: WebhookRequest, batch: WebhookBatch): WebhookReply;
  /** A verification GET the provider makes when the webhook is configured (Meta); absent: GET is refused. */
  handshake?(channel: Channel, request: WebhookRequest): WebhookReply;
}

// ---------------------------------------------------------------------------------------------
// Outbound

/** One outbound WhatsApp message, provider-neutral. Addresses are E.164 (`+14155550100`). */
export type OutboundMessage = {
  from: string;
  to: string;
  body?: string;
  /** One publicly fetchable URL (WhatsApp takes one media item per message). */
  mediaUrl?: string;
  /** An approved template: the provider's id for it (Twilio's ContentSid), its name and language, and variables ({"1": "Ana"}). */
  template?: { providerTemplateId: string; name: string; language: string; variables: Record<string, string> };
  /** The Parley message and attempt: the adapter has the provider echo them in status reports (StatusUpdate.sentAs). */
  sentAs: { messageId: string; attempt: number };
};

export type SendResult = { providerMessageId: string; status: Message['status'] | null };

/**
 * A provider refused or could not be reached. `retryable`: a network error, a 429 or a 5xx, or a code
 * the provider documents as transient: the same request may succeed later. `httpStatus` is set when
 * the provider answered (so it surely did not take the message); unset, the outcome is unknown.
 * `reason`: in words an agent understands.
 */
export class ProviderSendError extends Error {
  constructor(
    message: string,
    readonly details: { retryable: boolean; httpStatus?: number; code?: string; reason: string },
  ) {
    super(message);
    this.name = 'ProviderSendError';
  }
}

/** What an earlier attempt of a send would look like at the provider, if it went through. */
export type SentLookup = {
  from: string;
  to: string;
  /** The attempt started at or after this (allow for clock skew). */
  since: Date;
  /** The body the provider shows (a template's rendered text, a media message's caption, or ''). */
  body: string;
  withMedia: boolean;
};

// ---------------------------------------------------------------------------------------------
// Media, credentials, templates

/** Fetching a customer's file failed; `retryable` when a later try may work (media that 404s for a moment). */
export class MediaFetchError extends Error {
  constructor(
    readonly reason: string,
    readonly retryable = false,
  ) {
    super(reason);
    this.name = 'MediaFetchError';
  }
}

export type CredentialCheck = { ok: boolean; message: string; accountName?: string; accountStatus?: string };

/** Credentials typed into the channel form, not saved yet (Twilio: Account SID + auth token; Meta: account id + access token). */
export type CredentialOverrides = { accountSid?: string; authToken?: string };

/** A template as the provider lists it, in Parley's fields. */
export type ProviderTemplate = Omit<Template, 'id' | 'channelId' | 'createdAt' | 'updatedAt'>;

export interface TemplateAdapter {
  /** Every template of the channel's account; AppError (502) when the provider cannot be read. */
  list(channel: Channel): Promise<ProviderTemplate[]>;
}

// ---------------------------------------------------------------------------------------------

export interface ChannelAdapter {
  /** The `channels.provider` value this adapter serves. */
  readonly provider: ProviderId;
  /** The provider's name in messages people read ("Twilio could not be reached"). */
  readonly displayName: string;
  /** A send gives up after this long: whoever finds an attempt without an outcome waits this long before asking. */
  readonly sendTimeoutMs: number;
  /** Sandbox channels send at most one message per this many ms (absent: no pacing). */
  readonly sandboxSendIntervalMs?: number;
  readonly webhook: WebhookAdapter;
  /** Throws ProviderSendError. */
  send(channel: Channel, message: OutboundMessage): Promise<SendResult>;
  /** Messages the provider accepted that match `lookup`, oldest first (none: it did not go out). Throws ProviderSendError. */
  findSentMessages(channel: Channel, lookup: SentLookup): Promise<SendResult[]>;
  /** An OK response whose body is the file; throws MediaFetchError. */
  fetchMedia(channel: Channel, ref: string): Promise<Response>;
  checkCredentials(channel: Channel, overrides?: CredentialOverrides): Promise<CredentialCheck>;
  /** One of the provider's error codes in words an agent understands; null for a code it has none for. */
  describeError(code: string): string | null;
  templates?: TemplateAdapter;
}
