import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count } from 'drizzle-orm';
import { contacts, conversations, messages, statusCallbacks } from '@/db/schema';
import { isValidTwilioSignature } from '@/lib/channels/twilio/signature';
import { encryptSecret } from '@/lib/crypto';
import { startTestApp, type TestApp } from '../helpers/app';
import {
  createTwilioChannel,
  inboundParams,
  postSigned,
  signTwilio,
  statusPath,
  webhookPath,
  type TestChannel,
} from '../helpers/twilio';

// Parley runs behind a proxy: Twilio signs the public URL, the request arrives on 127.0.0.1.
const PUBLIC = 'https://parley.example.com';

let app: TestApp;
let ch: TestChannel;
let other: TestChannel;

beforeAll(async () => {
  app = await startTestApp({ env: { PUBLIC_URL: PUBLIC } });
  ch = await createTwilioChannel(app);
  other = await createTwilioChannel(app);
});
afterAll(() => app?.close());

async function stored() {
  const db = app.runtime.db.db;
  const [m] = await db.select({ n: count() }).from(messages);
  const [c] = await db.select({ n: count() }).from(conversations);
  const [p] = await db.select({ n: count() }).from(contacts);
  const [s] = await db.select({ n: count() }).from(statusCallbacks);
  return { messages: m!.n, conversations: c!.n, contacts: p!.n, statusCallbacks: s!.n };
}

describe('X-Twilio-Signature', () => {
  it("passes Twilio's documented example (token 12345, myapp.php?foo=1&bar=2)", () => {
    const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    const params = { CallSid: 'CA1234567890ABCDE', Caller: '+14158675309', Digits: '1234', From: '+14158675309', To: '+18005551212' };
    const expected = 'RSOYDt4T1cUTdK1PDd93/VVr8B8=';
    expect(signTwilio('12345', url, params)).toBe(expected);
    const channel = { authTokenEncrypted: encryptSecret('12345', process.env.ENCRYPTION_KEY!) };
    expect(isValidTwilioSignature(channel, { signature: expected, url, params })).toBe(true);
    expect(isValidTwilioSignature(channel, { signature: expected, url, params: { ...params, Digits: '1235' } })).toBe(false);
    expect(isValidTwilioSignature(channel, { signature: expected, url: url.replace('foo=1', 'foo=2'), params })).toBe(false);
  });

  it('accepts a webhook signed over PUBLIC_URL + path, with TwiML', async () => {
    const path = webhookPath(ch.channel);
    const res = await postSigned(app, path, inboundParams(ch.channel), { authToken: ch.authToken, signedUrl: PUBLIC + path });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/xml/);
    expect(await res.text()).toMatch(/<Response\/>$/);
    expect((await stored()).messages).toBe(1);
  });

  it('covers the query string Twilio was configured with', async () => {
    const path = `${webhookPath(ch.channel)}?tenant=acme`;
    const params = inboundParams(ch.channel);
    const ok = await postSigned(app, path, params, { authToken: ch.authToken, signedUrl: PUBLIC + path });
    expect(ok.status).toBe(200);
    const withoutQuery = await postSigned(app, path, inboundParams(ch.channel), {
      authToken: ch.authToken,
      signedUrl: PUBLIC + webhookPath(ch.channel),
    });
    expect(withoutQuery.status).toBe(403);
  });

  it('refuses forged, missing, wrong-URL and wrong-channel signatures with 403, storing nothing', async () => {
    const before = await stored();
    const path = webhookPath(ch.channel);
    const params = inboundParams(ch.channel);
    const cases: { name: string; res: Promise<Response> }[] = [
      { name: 'missing', res: postSigned(app, path, params, { authToken: ch.authToken, signature: null }) },
      { name: 'forged', res: postSigned(app, path, params, { authToken: ch.authToken, signature: 'RSOYDt4T1cUTdK1PDd93/VVr8B8=' }) },
      { name: 'wrong token', res: postSigned(app, path, params, { authToken: 'not-the-token', signedUrl: PUBLIC + path }) },
      // The internal URL the request reached, not the public one Twilio was given.
      { name: 'internal URL', res: postSigned(app, path, params, { authToken: ch.authToken, signedUrl: app.url + path }) },
      { name: 'other channel token', res: postSigned(app, path, params, { authToken: other.authToken, signedUrl: PUBLIC + path }) },
      {
        name: 'signed for the other channel',
        res: postSigned(app, path, params, { authToken: ch.authToken, signedUrl: PUBLIC + webhookPath(other.channel) }),
      },
      {
        name: 'tampered body',
        res: postSigned(app, path, { ...params, Body: 'changed' }, {
          authToken: ch.authToken,
          signature: signTwilio(ch.authToken, PUBLIC + path, params),
        }),
      },
      {
        name: 'status callback, forged',
        res: postSigned(app, statusPath(ch.channel), { MessageSid: 'SM1', MessageStatus: 'read' }, { authToken: 'x', signedUrl: PUBLIC + statusPath(ch.channel) }),
      },
    ];
    for (const c of cases) {
      const res = await c.res;
      expect(res.status, c.name).toBe(403);
    }
    expect(await stored()).toEqual(before);
  });

  it('answers 404 for an unknown or inactive channel and 400 for a body that is not a Twilio form', async () => {
    const params = inboundParams(ch.channel);
    const unknown = '/api/webhooks/twilio/00000000-0000-4000-8000-000000000000';
    expect((await postSigned(app, unknown, params, { authToken: ch.authToken, signedUrl: PUBLIC + unknown })).status).toBe(404);
    expect((await postSigned(app, '/api/webhooks/twilio/not-a-uuid', params, { authToken: ch.authToken })).status).toBe(404);
    // A malformed escape in the id is a 404 too, and the server keeps serving.
    expect((await postSigned(app, '/api/webhooks/twilio/%E0%A4%A', params, { authToken: ch.authToken })).status).toBe(404);
    expect((await app.fetch(webhookPath(ch.channel), { method: 'GET' })).status).toBe(405);

    const inactive = await createTwilioChannel(app, { active: false });
    const p2 = webhookPath(inactive.channel);
    expect((await postSigned(app, p2, params, { authToken: inactive.authToken, signedUrl: PUBLIC + p2 })).status).toBe(404);

    const path = webhookPath(ch.channel);
    const json = await app.fetch(path, {
      method: 'POST',
      json: params,
      headers: { 'x-twilio-signature': signTwilio(ch.authToken, PUBLIC + path, {}) },
    });
    expect(json.status).toBe(400);
    const noSid = { ...params };
    delete noSid.MessageSid;
    delete noSid.SmsMessageSid;
    delete noSid.SmsSid;
    expect((await postSigned(app, path, noSid, { authToken: ch.authToken, signedUrl: PUBLIC + path })).status).toBe(400);
    const huge = { ...params, Body: 'x'.repeat(200_000) };
    expect((await postSigned(app, path, huge, { authToken: ch.authToken, signedUrl: PUBLIC + path })).status).toBe(413);
  });
});
