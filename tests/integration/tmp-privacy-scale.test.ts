import { afterAll, beforeAll, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { eraseContact } from '@/lib/privacy/erase';
import { applyChannelRetention } from '@/lib/privacy/retention';
import { startTestApp, type TestApp } from '../helpers/app';
import { createAgent, createQueueWithAgents, customerWrites, type Agent } from '../helpers/routing';

let app: TestApp;
let admin: Agent;
beforeAll(async () => {
  app = await startTestApp();
  admin = await createAgent(app, { role: 'admin' });
});
afterAll(() => app?.close());

it('measures', async () => {
  const db = app.runtime.db.db;
  const { ch } = await createQueueWithAgents(app, {});
  const c = await customerWrites(app, ch, { from: '+14155559999', body: 'hello' });
  await db.execute(sql`update conversations set status = 'closed', closed_at = now() where id = ${c.id}::uuid`);
  // A big outbox and status-callback log from other conversations.
  await db.execute(sql`insert into events (type, conversation_id, payload, created_at)
    select 'message.created', gen_random_uuid(), '{"data":{"message":{"body":"x"}}}'::jsonb, now() - (g || ' seconds')::interval from generate_series(1, 1000000) g`);
  await db.execute(sql`insert into status_callbacks (channel_id, provider_message_id, status, raw)
    select ${ch.channel.id}::uuid, 'SM' || g, 'delivered', jsonb_build_object('To', 'whatsapp:+1415' || g) from generate_series(1, 300000) g`);
  await db.execute(sql`analyze`);
  const contactId = (await db.execute(sql`select contact_id from conversations where id = ${c.id}::uuid`)) as unknown as { contact_id: string }[];
  const t0 = performance.now();
  const r = await eraseContact(db, { actor: { id: admin.id, email: admin.email, name: admin.name, role: 'admin', via: 'token' }, contactId: contactId[0]!.contact_id });
  console.log('erase with 1M events, 300k status callbacks:', Math.round(performance.now() - t0), 'ms', JSON.stringify(r.counts));
  // Retention over 200k old closed messages.
  await db.execute(sql`insert into messages (conversation_id, channel_id, direction, kind, status, body, created_at)
    select ${c.id}::uuid, ${ch.channel.id}::uuid, 'inbound', 'text', 'received', 'old words ' || g, now() - interval '100 days' from generate_series(1, 200000) g`);
  await db.execute(sql`analyze`);
  const t1 = performance.now();
  const rr = await applyChannelRetention(db, { channelId: ch.channel.id, retentionDays: 30 });
  console.log('retention of 200k messages:', Math.round(performance.now() - t1), 'ms', JSON.stringify(rr.counts));
  const t2 = performance.now();
  await applyChannelRetention(db, { channelId: ch.channel.id, retentionDays: 30 });
  console.log('next run over the 200k skeletons:', Math.round(performance.now() - t2), 'ms');
}, 600_000);
