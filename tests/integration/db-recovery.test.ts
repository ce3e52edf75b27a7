import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, inArray } from 'drizzle-orm';
import postgres from 'postgres';
import { attachments, messages } from '@/db/schema';
import { startTestApp, type TestApp } from '../helpers/app';
import { baseDatabaseUrl } from '../helpers/db';
import { createTwilioChannel, eventually, inboundParams, postInbound, type TestChannel } from '../helpers/twilio';

// What a database restart, a failover or an administrator's pg_terminate_backend does to a running
// Parley: every connection of its pool is cut, again and again, while Twilio keeps posting.
const onPostgres = Boolean(baseDatabaseUrl);

let app: TestApp;
let ch: TestChannel;
// Stands in for Twilio's media host: the media job (pg-boss, its own pool) must work afterwards too.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
let media: Server;
let mediaBase = '';

beforeAll(async () => {
  if (!onPostgres) return;
  media = createServer((_req, res) => void res.writeHead(200, { 'content-type': 'image/png', 'content-length': PNG.length }).end(PNG));
  await new Promise<void>((r) => media.listen(0, '127.0.0.1', r));
  mediaBase = `http://127.0.0.1:${(media.address() as AddressInfo).port}`;
  app = await startTestApp({ driver: 'postgres', env: { TWILIO_MEDIA_HOSTS: new URL(mediaBase).host } });
  ch = await createTwilioChannel(app);
});
afterAll(async () => {
  await app?.close();
  media?.closeAllConnections();
  await new Promise((r) => (media ? media.close(r) : r(null)));
});

type Sent = { sid: string; status: number; ms: number };

/** `clients` loops posting one new message each until `until()` says stop. */
async function post(clients: number, until: () => boolean): Promise<Sent[]> {
  const sent: Sent[] = [];
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      while (!until()) {
        const p = inboundParams(ch.channel, { Body: `mensaje ${sent.length}` }, `+1415556${String(c).padStart(4, '0')}`);
        const t0 = performance.now();
        const status = await postInbound(app, ch, p)
          .then((r) => r.status)
          .catch(() => 0);
        sent.push({ sid: p.MessageSid!, status, ms: performance.now() - t0 });
      }
    }),
  );
  return sent;
}

describe.runIf(onPostgres)('the database cuts every connection, repeatedly', () => {
  it('answers 5xx while it happens, stores everything it acknowledged, and is fully back within seconds', async () => {
    const dbName = new URL(app.database.url!).pathname.slice(1);
    const admin = postgres(baseDatabaseUrl!, { max: 1, onnotice: () => {} });
    let killing = true;
    let kills = 0;
    const killer = (async () => {
      while (killing) {
        const r = await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${dbName} and pid <> pg_backend_pid()`;
        kills += r.length;
        await new Promise((res) => setTimeout(res, 250));
      }
    })();
    const chaosEnd = Date.now() + 6_000;
    const during = await post(8, () => Date.now() > chaosEnd);
    killing = false;
    await killer;
    await admin.end();

    // The database is healthy again. Within a few seconds every webhook must be answered 200, fast.
    const t0 = Date.now();
    let after: Sent[] = [];
    for (;;) {
      const windowEnd = Date.now() + 1_000;
      after = await post(8, () => Date.now() > windowEnd);
      const ok = after.filter((s) => s.status === 200).length;
      console.log(`after +${Date.now() - t0} ms: ${ok}/${after.length} ok (others: ${[...new Set(after.filter((s) => s.status !== 200).map((s) => s.status))].join(', ') || 'none'}), slowest ${Math.max(...after.map((s) => s.ms)).toFixed(0)} ms`);
      if ((ok === after.length && after.length >= 50) || Date.now() - t0 > 20_000) break;
    }
    const recovery = Date.now() - t0;
    console.log(`during: ${during.filter((s) => s.status === 200).length} ok, ${during.filter((s) => s.status !== 200).length} refused; ${kills} backends killed; back in ${recovery} ms`);

    expect(kills).toBeGreaterThan(8);
    // Between the cuts it goes on filing; a webhook whose transaction was cut twice gets a 5xx.
    expect(during.filter((s) => s.status === 200).length).toBeGreaterThan(50);
    expect(during.some((s) => s.status >= 500)).toBe(true);
    expect(during.filter((s) => s.status !== 200 && s.status < 500)).toEqual([]);
    expect(after.every((s) => s.status === 200)).toBe(true);
    expect(after.length).toBeGreaterThanOrEqual(50);
    // Unrepaired postgres.js needs its 10 s connect timeout (and more) here; repaired, about 2 s.
    expect(recovery).toBeLessThan(8_000);

    // Nothing acknowledged is missing.
    const acked = [...during, ...after].filter((s) => s.status === 200).map((s) => s.sid);
    const stored = await app.runtime.db.db.select({ sid: messages.providerMessageId }).from(messages).where(inArray(messages.providerMessageId, acked));
    expect(stored.length).toBe(acked.length);

    // Durable jobs run again: a photo sent now is downloaded.
    const photo = inboundParams(ch.channel, { NumMedia: '1', MediaUrl0: `${mediaBase}/Media/after-chaos`, MediaContentType0: 'image/png' }, '+14155569999');
    expect((await postInbound(app, ch, photo)).status).toBe(200);
    const [row] = await app.runtime.db.db.select().from(messages).where(eq(messages.providerMessageId, photo.MessageSid!));
    const ready = await eventually(async () => {
      const [a] = await app.runtime.db.db.select().from(attachments).where(eq(attachments.messageId, row!.id));
      return a?.status === 'ready' ? a : undefined;
    }, 20_000);
    expect(ready.size).toBe(PNG.length);
  }, 90_000);
});
