// Component schemas of the OpenAPI description (app/api/v1/openapi.ts), written after the DTO
// types they name (lib/conversations/dto.ts, lib/users/dto.ts, lib/admin/*).

export type Schema = Record<string, unknown>;

const str = { type: 'string' };
const nstr = { type: ['string', 'null'] };
const id = { type: 'string', format: 'uuid' };
const nid = { type: ['string', 'null'], format: 'uuid' };
const time = { type: 'string', format: 'date-time' };
const ntime = { type: ['string', 'null'], format: 'date-time' };
const int = { type: 'integer' };
const nint = { type: ['integer', 'null'] };
const bool = { type: 'boolean' };
const strings = { type: 'array', items: str };
const enumOf = (...values: string[]) => ({ type: 'string', enum: values });
const stringMap = { type: 'object', additionalProperties: str };

/** An object whose properties are all required except those named in `optional`. */
function obj(properties: Record<string, Schema>, optional: string[] = []): Schema {
  return { type: 'object', properties, required: Object.keys(properties).filter((k) => !optional.includes(k)) };
}

// lib/privacy/contacts.ts
const privacyContactFields = {
  id,
  name: nstr,
  phone: str,
  waId: nstr,
  language: nstr,
  createdAt: time,
  counts: obj({ conversations: int, openConversations: int, messages: int, attachments: int }),
};

// lib/conversations/dto.ts
const contact = obj({ id, name: nstr, phone: str, waId: nstr, language: nstr });
const conversationFields = {
  id,
  channelId: id,
  queueId: id,
  assigneeId: nid,
  offeredToId: nid,
  offeredAt: { ...ntime, description: "When the chat was offered to offeredToId (least_busy); the offer lapses after the queue's acceptTimeoutSeconds." },
  status: enumOf('waiting', 'active', 'closed'),
  language: str,
  lastInboundAt: ntime,
  lastMessageAt: time,
  windowExpiresAt: { ...ntime, description: 'lastInboundAt + 24 h: free text may be sent until then.' },
  contact: { $ref: '#/components/schemas/Contact' },
  createdAt: time,
  assignedAt: ntime,
  firstResponseAt: ntime,
  closedAt: ntime,
  closedById: nid,
  closeReason: nstr,
};
const attachment = obj({
  id,
  contentType: nstr,
  size: nint,
  filename: nstr,
  status: enumOf('pending', 'ready', 'failed'),
  failureReason: nstr,
  url: { ...nstr, description: 'Set once the file is ready.' },
});
const message = obj(
  {
    id,
    conversationId: id,
    direction: enumOf('inbound', 'outbound'),
    kind: enumOf('text', 'media', 'location', 'contacts', 'button', 'template', 'system'),
    body: nstr,
    status: enumOf('received', 'pending', 'queued', 'sent', 'delivered', 'read', 'failed', 'undelivered'),
    errorCode: nstr,
    errorReason: nstr,
    providerMessageId: nstr,
    clientId: nstr,
    replyTo: { oneOf: [obj({ id: nid, providerMessageId: nstr }), { type: 'null' }] },
    location: { oneOf: [obj({ latitude: { type: 'number' }, longitude: { type: 'number' }, address: str, label: str }, ['address', 'label']), { type: 'null' }] },
    button: { oneOf: [obj({ text: nstr, payload: nstr }), { type: 'null' }] },
    forwarded: { type: ['string', 'null'], enum: ['forwarded', 'frequently', null] },
    referral: { oneOf: [stringMap, { type: 'null' }], description: 'The click-to-WhatsApp ad the chat came from.' },
    templateId: nid,
    templateVariables: { oneOf: [stringMap, { type: 'null' }] },
    attachments: { type: 'array', items: { $ref: '#/components/schemas/Attachment' } },
    author: { oneOf: [obj({ id, name: str }, ['name']), { type: 'null' }] },
    createdAt: time,
    updatedAt: time,
  },
  ['forwarded', 'referral'],
);

// lib/users/dto.ts, lib/admin/*.ts
const role = enumOf('admin', 'supervisor', 'agent');
const presence = enumOf('available', 'away', 'offline');
const userFields = { id, email: str, name: str, role, languages: strings, maxChats: int, presence, active: bool, home: str, createdAt: time };
const apiTokenFields = {
  id,
  name: str,
  kind: enumOf('login', 'integration'),
  user: obj({ id, name: str, email: str }),
  createdAt: time,
  lastUsedAt: ntime,
  expiresAt: ntime,
  revokedAt: ntime,
  status: enumOf('active', 'revoked', 'expired'),
};
const template = obj({
  id,
  channelId: nid,
  contentSid: str,
  name: str,
  language: str,
  category: nstr,
  body: str,
  variables: stringMap,
  status: enumOf('approved', 'pending', 'rejected', 'paused', 'disabled', 'unsubmitted'),
  createdAt: time,
  updatedAt: time,
});
const named = obj({ id, name: str });

export const schemas = {
  Error: obj({
    error: obj(
      {
        code: { type: 'string', description: 'Stable, machine-readable: validation_failed, not_found, window_closed, ...' },
        message: { type: 'string', description: 'For people.' },
        details: {
          type: 'object',
          description: 'validation_failed and some conflicts name the fields.',
          properties: { fields: { type: 'array', items: obj({ path: str, message: str }) } },
        },
      },
      ['details'],
    ),
  }),
  Contact: contact,
  Conversation: obj(conversationFields),
  Attachment: attachment,
  Message: message,
  User: obj(userFields),
  AdminUser: obj({ ...userFields, queueIds: { type: 'array', items: id }, updatedAt: time }),
  LoginToken: obj({ token: { type: 'string', description: 'prl_...' }, expiresAt: ntime, user: { $ref: '#/components/schemas/User' } }),
  AgentState: obj({ id, name: str, presence, load: int, maxChats: int }),
  UploadedAttachment: obj({ id, contentType: str, size: int, filename: nstr, url: str }),
  ContactConversation: obj({
    id,
    status: enumOf('waiting', 'active', 'closed'),
    createdAt: ntime,
    closedAt: ntime,
    queueName: nstr,
    channelName: nstr,
    assigneeName: nstr,
    messageCount: int,
  }),
  Workspace: obj({
    lastEventId: { type: 'integer', description: 'Pass as `auth.since` to the socket to receive everything after this snapshot.' },
    me: { $ref: '#/components/schemas/User' },
    queues: { type: 'array', items: { type: 'object' } },
    allQueues: { type: 'array', items: { type: 'object' } },
    channels: { type: 'array', items: { type: 'object' } },
    conversations: { type: 'array', items: { type: 'object', allOf: [{ $ref: '#/components/schemas/Conversation' }], properties: { unread: int, lastMessage: { type: ['object', 'null'] } } } },
  }),
  HistoryItem: obj({
    id,
    status: enumOf('waiting', 'active', 'closed'),
    language: str,
    contact: obj({ id, name: nstr, phone: str }),
    channel: named,
    queue: named,
    agent: { oneOf: [obj({ id, name: nstr }), { type: 'null' }] },
    startedAt: time,
    assignedAt: ntime,
    firstResponseAt: ntime,
    endedAt: ntime,
    closeReason: nstr,
    waitSeconds: { type: ['number', 'null'] },
    firstResponseSeconds: { type: ['number', 'null'] },
    messageCount: int,
  }),
  Transcript: obj({
    conversation: obj({
      ...conversationFields,
      channel: named,
      queue: named,
      agent: { oneOf: [named, { type: 'null' }] },
      closedBy: { oneOf: [named, { type: 'null' }] },
    }),
    messages: { type: 'array', items: { $ref: '#/components/schemas/Message' } },
  }),
  Queue: obj({
    id,
    name: str,
    routingRule: enumOf('offer_all', 'least_busy'),
    completionTimeoutMinutes: nint,
    acceptTimeoutSeconds: nint,
    memberIds: { type: 'array', items: id },
    members: { type: 'array', items: obj({ id, name: str, email: str, role: str, languages: strings, maxChats: int, presence: str, active: bool }) },
    counts: obj({ waiting: int, active: int, availableAgents: int }),
    createdAt: time,
    updatedAt: time,
  }),
  Channel: obj({
    id,
    name: str,
    provider: enumOf('twilio', 'simulator', 'meta'),
    simulator: bool,
    phoneNumber: str,
    accountSid: nstr,
    authTokenSet: { ...bool, description: 'The auth token itself is write-only.' },
    queueId: id,
    queueName: nstr,
    language: str,
    defaultCountry: str,
    environment: enumOf('sandbox', 'production'),
    active: bool,
    retentionDays: { ...nint, description: 'Days closed conversations’ message content and media are kept (a daily job removes older); null: forever.' },
    webhookUrl: str,
    statusCallbackUrl: str,
    messagesLast24h: int,
    conversationCount: int,
    createdAt: time,
    updatedAt: time,
  }),
  CredentialCheck: obj({ ok: bool, message: str, accountName: str, accountStatus: str }, ['accountName', 'accountStatus']),
  QuickReply: obj({ id, shortcut: str, language: str, text: str, queueIds: { type: ['array', 'null'], items: id }, createdAt: time, updatedAt: time }),
  Template: template,
  TemplateImport: obj({ created: int, updated: int, unchanged: int, items: { type: 'array', items: { $ref: '#/components/schemas/Template' } } }),
  // lib/privacy
  PrivacyContact: obj(privacyContactFields),
  PrivacyContactDetail: obj({
    ...privacyContactFields,
    conversations: {
      type: 'array',
      items: obj({ id, channelId: id, channelName: str, queueName: str, status: enumOf('waiting', 'active', 'closed'), messageCount: int, createdAt: time, closedAt: ntime }),
    },
  }),
  ErasureReceipt: obj({
    receiptId: id,
    kind: { ...enumOf('contact', 'retention'), description: 'contact: an admin erased one customer; retention: a channel’s daily retention run.' },
    contactId: { ...nid, description: 'The erased contact’s former id.' },
    channelId: nid,
    actorId: nid,
    cutoff: { ...ntime, description: 'Retention: content written before this was removed.' },
    erasedAt: time,
    finishedAt: { ...ntime, description: 'null while a retention run is still going.' },
    counts: { type: 'object', additionalProperties: int, description: 'Rows removed or emptied per kind (messages, attachments, events, statusCallbacks, ...).' },
    filesRemoved: { ...int, description: 'Media files deleted from disk (a file another row still uses is kept).' },
    filesPending: { ...int, description: 'Files still to delete: a process stopped first; the daily retention job finishes them.' },
  }),
  ApiToken: obj(apiTokenFields),
  NewApiToken: obj({ ...apiTokenFields, token: { type: 'string', description: 'prl_...: shown only in this answer.' } }),
  Session: obj({ id, createdAt: time, lastSeenAt: time, expiresAt: time, userAgent: nstr, ip: nstr }),
  SignedOutEverywhere: obj({ sessions: { type: 'integer', description: 'Sessions ended' }, loginTokens: { type: 'integer', description: 'Password-login API tokens revoked' } }),
} satisfies Record<string, Schema>;

export const ref = (name: keyof typeof schemas) => ({ $ref: `#/components/schemas/${name}` });
export const page = (item: Schema) => ({
  type: 'object',
  properties: { items: { type: 'array', items: item }, nextCursor: { type: ['string', 'null'] } },
  required: ['items', 'nextCursor'],
});
export const itemsOf = (item: Schema) => ({ type: 'object', properties: { items: { type: 'array', items: item } }, required: ['items'] });
export const anyObject = { type: 'object' };
