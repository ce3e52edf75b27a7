import { z } from 'zod';
import pkg from '@/package.json';
import { access, type Area } from '@/lib/auth/roles';
import { SESSION_COOKIE } from '@/lib/auth/session';
import { historyQuerySchema } from '@/lib/history/filters';
import { reportQuerySchema } from '@/lib/reports/report';
import { createApiTokenSchema } from './api-tokens/schema';
import { eraseContactSchema, searchContactsSchema } from './contacts/schema';
import { listErasuresSchema } from './erasures/schema';
import { tokenRequestSchema } from './auth/token/schema';
import { checkCredentialsSchema, createChannelSchema, updateChannelSchema } from './channels/schema';
import { sendMessageSchema } from './conversations/[id]/messages/send-schema';
import { transferSchema } from './conversations/[id]/transfer/schema';
import { listConversationsSchema } from './conversations/schema';
import { presenceSchema } from './me/presence/schema';
import { createQueueSchema, updateQueueSchema } from './queues/schema';
import { createQuickReplySchema, listQuickRepliesSchema, updateQuickReplySchema } from './quick-replies/schema';
import { createTemplateSchema, importTemplatesSchema, listTemplatesSchema, updateTemplateSchema } from './templates/schema';
import { createUserSchema, updateUserSchema } from './users/schema';
import { anyObject, itemsOf, page, ref, schemas, type Schema } from './openapi-schemas';

// The OpenAPI 3.1 description of /api/v1 (DESIGN.md §4). Request bodies and query parameters come
// from the routes' own zod schemas; responses are written by hand after the DTO types they name.

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Param = { name: string; in: 'path' | 'query'; required: boolean; description?: string; schema: Schema };
type Op = {
  summary: string;
  tag: string;
  /** Who may call: a role area of lib/auth/roles, any signed-in user, or anyone. */
  auth: Area | 'signedIn' | 'public';
  description?: string;
  query?: z.ZodObject | Param[];
  /** Descriptions of query parameters generated from a zod schema. */
  notes?: Record<string, string>;
  body?: z.ZodType;
  bodyOptional?: true;
  upload?: true;
  ok: { status?: number; schema?: Schema; csv?: true; zip?: true; description?: string; also?: { status: number; description: string } };
  /** Statuses beyond those implied by auth, parameters and body (409, 422, ...). */
  errors?: (keyof typeof errorResponses)[];
};

export type OpenApiDocument = {
  openapi: string;
  info: { title: string; version: string; description?: string };
  paths: Record<string, Partial<Record<Method, Schema>>>;
  components: { schemas: Record<string, Schema>; responses: Record<string, Schema>; securitySchemes: Record<string, Schema> };
  [key: string]: unknown;
};


const errorResponses = {
  400: 'validation_failed (with details.fields), or bad_request',
  401: 'unauthorized: no valid session or API token',
  403: 'forbidden: the caller’s role may not do this',
  404: 'not_found: it does not exist, or is not the caller’s to see',
  409: 'conflict (or already_taken, limit_reached, not_available, agent_unavailable): the current state does not allow it',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited: too many sign-in attempts; the Retry-After header says how many seconds to wait',
  422: 'window_closed: free text outside the 24-hour window (send a template), or unprocessable',
  502: 'twilio_error: Twilio could not be reached or refused',
} as const;

function toJsonSchema(schema: z.ZodType): Schema {
  const { $schema: _drop, ...json } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Schema;
  return json;
}

function queryParams(query: Op['query'], notes: Op['notes'] = {}): Param[] {
  if (!query) return [];
  if (Array.isArray(query)) return query;
  const json = toJsonSchema(query) as { properties?: Record<string, Schema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, schema]) => ({
    name,
    in: 'query' as const,
    required: json.required?.includes(name) ?? false,
    ...(notes[name] ? { description: notes[name] } : {}),
    schema,
  }));
}

const queryParam = (name: string, schema: Schema, description?: string): Param => ({ name, in: 'query', required: false, schema, ...(description ? { description } : {}) });

function operation(path: string, id: string, op: Op): Schema {
  const pathParams: Param[] = [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1]!, in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }));
  const parameters = [...pathParams, ...queryParams(op.query, op.notes)];
  const status = String(op.ok.status ?? 200);
  const content = op.ok.schema
    ? {
        'application/json': { schema: op.ok.schema },
        ...(op.ok.csv ? { 'text/csv': { schema: { type: 'string' } } } : {}),
      }
    : op.ok.zip
      ? { 'application/zip': { schema: { type: 'string', contentMediaType: 'application/zip' } } }
      : undefined;
  const errors = new Set<keyof typeof errorResponses>();
  if (parameters.length || op.body || op.upload) errors.add(400);
  if (op.auth !== 'public') errors.add(401);
  if (op.auth !== 'public' && op.auth !== 'signedIn' && access[op.auth].length < 3) errors.add(403);
  if (pathParams.length) errors.add(404);
  if (op.body) errors.add(415);
  for (const e of op.errors ?? []) errors.add(e);
  const roles = op.auth === 'public' ? 'Public: no authentication.' : op.auth === 'signedIn' ? 'Any signed-in user.' : `Roles: ${access[op.auth].join(', ')}.`;
  return {
    operationId: id,
    summary: op.summary,
    description: [op.description, roles].filter(Boolean).join('\n\n'),
    tags: [op.tag],
    ...(op.auth === 'public' ? { security: [] } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(op.body ? { requestBody: { required: !op.bodyOptional, content: { 'application/json': { schema: toJsonSchema(op.body) } } } } : {}),
    ...(op.upload
      ? {
          requestBody: {
            required: true,
            content: { 'multipart/form-data': { schema: { type: 'object', properties: { file: { type: 'string', contentMediaType: 'application/octet-stream' } }, required: ['file'] } } },
          },
        }
      : {}),
    responses: {
      [status]: { description: op.ok.description ?? (status === '201' ? 'Created' : status === '204' ? 'No content' : 'OK'), ...(content ? { content } : {}) },
      ...(op.ok.also ? { [op.ok.also.status]: { description: op.ok.also.description, content } } : {}),
      ...Object.fromEntries([...errors].sort().map((e) => [String(e), { $ref: `#/components/responses/E${e}` }])),
      default: { $ref: '#/components/responses/Error' },
    },
  };
}

const historyNotes = {
  from: 'A date (ISO 8601).',
  to: 'A date (ISO 8601).',
  contact: 'A phone number (any format) finds that contact; other text, words of the name.',
  q: 'Words in the messages.',
  cursor: 'The nextCursor of the previous page.',
};

const ops: [Method, string, string, Op][] = [
  ['get', '/openapi.json', 'getOpenApi', { summary: 'This OpenAPI description', tag: 'meta', auth: 'public', ok: { schema: anyObject } }],
  ['post', '/auth/token', 'createLoginToken', {
    summary: 'Log in with email and password for an API token', tag: 'auth', auth: 'public', body: tokenRequestSchema,
    description: 'Send the token as `Authorization: Bearer prl_...`. Wrong credentials answer 401. The token lasts 30 days and ends when the user’s password changes or an admin signs the user out everywhere. Repeated failures are throttled per account, per address and per both (429 with Retry-After): the right password is refused too until the wait is over.',
    ok: { status: 201, schema: ref('LoginToken') }, errors: [401, 429],
  }],
  ['get', '/me', 'getMe', { summary: 'The caller', tag: 'me', auth: 'signedIn', ok: { schema: ref('User') } }],
  ['put', '/me/presence', 'setPresence', { summary: 'Set the caller’s presence', tag: 'me', auth: 'agentWorkspace', body: presenceSchema, ok: { schema: ref('AgentState') }, errors: [404] }],
  ['get', '/me/queues', 'listMyQueues', { summary: 'The caller’s queues with live counters', tag: 'me', auth: 'agentWorkspace', ok: { schema: itemsOf(anyObject) } }],
  ['get', '/workspace', 'getWorkspace', { summary: 'Everything the agent workspace shows on load', tag: 'me', auth: 'agentWorkspace', ok: { schema: ref('Workspace') } }],

  ['get', '/conversations', 'listConversations', {
    summary: 'List conversations', tag: 'conversations', auth: 'conversations', query: listConversationsSchema,
    description: 'Agents see their own chats and their queues’ waiting chats. Waiting chats alone come oldest first, others newest first.',
    notes: { status: 'waiting, active or closed; several comma-separated: waiting,active', cursor: 'The nextCursor of the previous page.' },
    ok: { schema: page(ref('Conversation')) },
  }],
  ['get', '/conversations/{id}', 'getConversation', { summary: 'One conversation with its contact', tag: 'conversations', auth: 'conversations', ok: { schema: ref('Conversation') } }],
  ['post', '/conversations/{id}/accept', 'acceptConversation', { summary: 'Accept a waiting chat (the first accept wins)', tag: 'conversations', auth: 'agentWorkspace', ok: { schema: ref('Conversation') }, errors: [409] }],
  ['post', '/conversations/{id}/transfer', 'transferConversation', { summary: 'Transfer to an agent or a queue', tag: 'conversations', auth: 'conversations', body: transferSchema, ok: { schema: ref('Conversation') }, errors: [403, 409] }],
  ['post', '/conversations/{id}/resolve', 'resolveConversation', { summary: 'Close the chat', tag: 'conversations', auth: 'conversations', ok: { schema: ref('Conversation') }, errors: [403, 409] }],
  ['post', '/conversations/{id}/read', 'markConversationRead', { summary: 'Mark read up to the latest message', tag: 'conversations', auth: 'conversations', ok: { status: 204 } }],
  ['get', '/conversations/{id}/contact-history', 'getContactHistory', { summary: 'The contact’s conversations, newest first', tag: 'conversations', auth: 'conversations', ok: { schema: itemsOf(ref('ContactConversation')) } }],
  ['get', '/conversations/{id}/messages', 'listMessages', {
    summary: 'The conversation’s messages', tag: 'messages', auth: 'conversations',
    description: 'Newest page first; items oldest → newest. Pass `before=<nextCursor>` for the page before.',
    query: [
      queryParam('before', { type: 'string', format: 'uuid' }, 'The nextCursor of the previous answer.'),
      queryParam('cursor', { type: 'string', format: 'uuid' }, 'Same as before.'),
      queryParam('limit', { type: 'integer', minimum: 1, maximum: 100 }),
    ],
    ok: { schema: page(ref('Message')) },
  }],
  ['post', '/conversations/{id}/messages', 'sendMessage', {
    summary: 'Send a message', tag: 'messages', auth: 'conversations', body: sendMessageSchema,
    description: '`{clientId, text}`, `{clientId, templateId, variables}` or `{clientId, attachmentId, text?}`. 201 with the pending message; the same clientId again answers 200 with that same message, sent once.',
    ok: { status: 201, schema: ref('Message'), description: 'The pending message', also: { status: 200, description: 'This clientId was sent already: that same message' } },
    errors: [403, 409, 422],
  }],
  ['post', '/conversations/{id}/messages/{messageId}/retry', 'retryMessage', { summary: 'Send a failed outbound message again', tag: 'messages', auth: 'conversations', ok: { schema: ref('Message') }, errors: [403, 409, 422] }],
  ['post', '/attachments', 'uploadAttachment', {
    summary: 'Upload one file for an outbound message', tag: 'messages', auth: 'conversations', upload: true,
    ok: { status: 201, schema: ref('UploadedAttachment') }, errors: [413, 415, 422],
  }],

  ['get', '/history', 'searchHistory', {
    summary: 'Search past and current conversations', tag: 'history', auth: 'conversations', query: historyQuerySchema, notes: historyNotes,
    description: 'Supervisors and admins search everything; agents only chats they were assigned or wrote in.',
    ok: { schema: page(ref('HistoryItem')) },
  }],
  ['get', '/history/export', 'exportHistory', {
    summary: 'Export the filtered history', tag: 'history', auth: 'history',
    query: [...queryParams(historyQuerySchema.omit({ cursor: true, limit: true }), historyNotes), queryParam('format', { type: 'string', enum: ['csv', 'json'], default: 'csv' })],
    description: 'Streamed as an attachment; the X-Total-Count header gives the number of rows.',
    ok: { schema: { type: 'array', items: anyObject }, csv: true },
  }],
  ['get', '/history/{id}', 'getTranscript', { summary: 'A read-only transcript (audited). Agents: the chats they handled, and every chat of a customer whose chat they hold now', tag: 'history', auth: 'conversations', ok: { schema: ref('Transcript') } }],
  ['get', '/supervision', 'getLiveSummary', {
    summary: 'Live queues, agents and chats', tag: 'supervision', auth: 'supervise',
    query: [queryParam('since', { type: 'string', format: 'date-time' }, 'The start of “today” (the client’s midnight); default UTC midnight.')],
    ok: { schema: anyObject },
  }],
  ['get', '/reports', 'getReport', { summary: 'Volumes and times; format=csv&section=… for one chart’s numbers', tag: 'supervision', auth: 'supervise', query: reportQuerySchema, ok: { schema: anyObject, csv: true } }],

  ['get', '/users', 'listUsers', { summary: 'List users', tag: 'users', auth: 'settings', ok: { schema: page(ref('AdminUser')) } }],
  ['post', '/users', 'createUser', { summary: 'Create a user', tag: 'users', auth: 'settings', body: createUserSchema, ok: { status: 201, schema: ref('AdminUser') }, errors: [409] }],
  ['get', '/users/{id}', 'getUser', { summary: 'One user', tag: 'users', auth: 'settings', ok: { schema: ref('AdminUser') } }],
  ['patch', '/users/{id}', 'updateUser', {
    summary: 'Edit, reset the password, deactivate or reactivate', tag: 'users', auth: 'settings', body: updateUserSchema,
    description: 'A new password or deactivation ends the user’s sessions and the API tokens made by their password login; integration tokens made under /api-tokens keep working.',
    ok: { schema: ref('AdminUser') }, errors: [409],
  }],
  ['get', '/users/{id}/sessions', 'listUserSessions', { summary: 'The user’s signed-in browsers', tag: 'users', auth: 'settings', ok: { schema: page(ref('Session')) } }],
  ['delete', '/users/{id}/sessions', 'signOutEverywhere', {
    summary: 'Sign the user out everywhere', tag: 'users', auth: 'settings',
    description: 'Ends every session and every API token made by the user’s password login. Integration tokens stay (revoke them under /api-tokens).',
    ok: { schema: ref('SignedOutEverywhere') },
  }],
  ['delete', '/users/{id}/sessions/{sessionId}', 'endUserSession', { summary: 'End one of the user’s sessions', tag: 'users', auth: 'settings', ok: { schema: ref('Session') } }],

  ...crud('queues', 'queue', 'Queue', { create: createQueueSchema, update: updateQueueSchema }),
  ['get', '/queues/{id}/agents', 'listQueueAgents', { summary: 'The queue’s members with presence and load', tag: 'queues', auth: 'conversations', ok: { schema: itemsOf(anyObject) } }],
  ...crud('channels', 'channel', 'Channel', { create: createChannelSchema, update: updateChannelSchema }),
  ['post', '/channels/{id}/check', 'checkChannelCredentials', {
    summary: 'Check the Twilio credentials (optionally unsaved ones)', tag: 'channels', auth: 'settings', body: checkCredentialsSchema, bodyOptional: true,
    description: 'Answers 200 `{ok, message}` either way. The body is optional.', ok: { schema: ref('CredentialCheck') },
  }],
  ...crud('quick-replies', 'quick reply', 'QuickReply', { create: createQuickReplySchema, update: updateQuickReplySchema, list: listQuickRepliesSchema, readBy: 'conversations' }),
  ...crud('templates', 'template', 'Template', { create: createTemplateSchema, update: updateTemplateSchema, list: listTemplatesSchema, readBy: 'conversations', getBy: 'conversations' }),
  ['post', '/templates/import', 'importTemplates', { summary: 'Import the channel’s Twilio Content API templates', tag: 'templates', auth: 'settings', body: importTemplatesSchema, ok: { schema: ref('TemplateImport') }, errors: [404, 502] }],

  ['get', '/contacts', 'searchContacts', {
    summary: 'Find a contact by number or name (privacy requests)', tag: 'privacy', auth: 'settings', query: searchContactsSchema,
    notes: { q: '3+ digits of the number (or WhatsApp id), or words of the name (prefixes).' },
    ok: { schema: page(ref('PrivacyContact')) },
  }],
  ['get', '/contacts/{id}', 'getContactById', { summary: 'One contact with counts and conversations', tag: 'privacy', auth: 'settings', ok: { schema: ref('PrivacyContactDetail') } }],
  ['get', '/contacts/{id}/export', 'exportContact', {
    summary: 'Everything held about the contact, as a zip', tag: 'privacy', auth: 'settings',
    description: '`contact.json` (the contact, conversations, messages, attachments’ metadata) and the media files under `media/`, streamed. Audited.',
    ok: { zip: true },
  }],
  ['post', '/contacts/{id}/erase', 'eraseContact', {
    summary: 'Erase the contact everywhere', tag: 'privacy', auth: 'settings', body: eraseContactSchema,
    description:
      '`confirm` must be the contact’s phone number. Open conversations are resolved, then in one transaction the messages’ content, attachments (and their files), ' +
      'outbox events, status callbacks, simulator rows and the contact are removed; conversations and content-free message skeletons stay for reports, ' +
      'under a placeholder contact. A later message from the same number starts a new contact. The audit log records the counts, never the content.',
    ok: { schema: ref('ErasureReceipt') },
  }],
  ['get', '/erasures', 'listErasures', { summary: 'Latest erasure receipts and retention runs', tag: 'privacy', auth: 'settings', query: listErasuresSchema, ok: { schema: page(ref('ErasureReceipt')) } }],
  ['get', '/erasures/{id}', 'getErasure', { summary: 'One erasure receipt', tag: 'privacy', auth: 'settings', ok: { schema: ref('ErasureReceipt') } }],
  ['get', '/api-tokens', 'listApiTokens', { summary: 'List API tokens', tag: 'api-tokens', auth: 'settings', description: 'Every token: integration tokens made here and login tokens made by POST /auth/token (kind `login`).', ok: { schema: page(ref('ApiToken')) } }],
  ['post', '/api-tokens', 'createApiToken', { summary: 'Create an API token (shown once)', tag: 'api-tokens', auth: 'settings', body: createApiTokenSchema, ok: { status: 201, schema: ref('NewApiToken') }, errors: [404] }],
  ['delete', '/api-tokens/{id}', 'revokeApiToken', { summary: 'Revoke an API token', tag: 'api-tokens', auth: 'settings', ok: { schema: ref('ApiToken') } }],
];

/** List, create, read, update, delete of an admin resource (the same five routes for each). */
function crud(
  tag: string,
  noun: string,
  dto: keyof typeof schemas,
  s: { create: z.ZodType; update: z.ZodType; list?: z.ZodObject; readBy?: Area; getBy?: Area },
): [Method, string, string, Op][] {
  const name = dto;
  const plural = name.endsWith('y') ? `${name.slice(0, -1)}ies` : `${name}s`;
  return [
    ['get', `/${tag}`, `list${plural}`, { summary: `List ${noun === 'quick reply' ? 'quick replies' : `${noun}s`}`, tag, auth: s.readBy ?? 'settings', query: s.list, ok: { schema: page(ref(dto)) } }],
    ['post', `/${tag}`, `create${name}`, { summary: `Create a ${noun}`, tag, auth: 'settings', body: s.create, ok: { status: 201, schema: ref(dto) }, errors: [409] }],
    ['get', `/${tag}/{id}`, `get${name}`, { summary: `One ${noun}`, tag, auth: s.getBy ?? 'settings', ok: { schema: ref(dto) } }],
    ['patch', `/${tag}/{id}`, `update${name}`, { summary: `Edit a ${noun}`, tag, auth: 'settings', body: s.update, ok: { schema: ref(dto) }, errors: [409] }],
    ['delete', `/${tag}/{id}`, `delete${name}`, { summary: `Delete a ${noun}`, tag, auth: 'settings', description: 'Refused with 409 while it is in use.', ok: { status: 204 }, errors: [409] }],
  ];
}

function build(): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const [method, path, id, op] of ops) (paths[path] ??= {})[method] = operation(path, id, op);
  const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: ref('Error') } } });
  return {
    openapi: '3.1.0',
    info: {
      title: 'Parley',
      version: pkg.version,
      description: 'The UI’s own data API and the integration API are one. Lists answer `{items, nextCursor}` and page with `?cursor=`.',
    },
    servers: [{ url: '/api/v1' }],
    security: [{ bearerAuth: [] }, { sessionCookie: [] }],
    tags: [...new Set(ops.map(([, , , op]) => op.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: '`Authorization: Bearer prl_...`: a token from POST /auth/token or one an admin created under /api-tokens.' },
        sessionCookie: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'The next-auth session of a signed-in browser (`__Secure-` prefixed over HTTPS).' },
      },
      responses: {
        ...Object.fromEntries(Object.entries(errorResponses).map(([status, text]) => [`E${status}`, errorResponse(text)])),
        Error: errorResponse('Any other error, in the same shape (500 internal, 503 unavailable, ...)'),
      },
      schemas,
    },
  };
}

let cached: OpenApiDocument | undefined;

/** The OpenAPI 3.1 document of /api/v1, built once. */
export function buildOpenApi(): OpenApiDocument {
  return (cached ??= build());
}
