import { channels, contacts, conversations, messages, queues, type Conversation, type Message } from '@/db/schema';
import type { TestApp } from '../helpers/app';

const t = (iso: string, plusSeconds = 0) => new Date(Date.parse(iso) + plusSeconds * 1000);

/**
 * A small history: two queues and channels (English and Spanish), two agents, three contacts,
 * five conversations between March and April 2026 with known words, numbers and timings.
 */
export async function seedHistory(app: TestApp) {
  const db = app.runtime.db.db;
  const admin = await app.createUser({ role: 'admin', name: 'Ada Admin' });
  const supervisor = await app.createUser({ role: 'supervisor', name: 'Sam Supervisor' });
  const alice = await app.createUser({ role: 'agent', name: 'Alice Agent' });
  const bob = await app.createUser({ role: 'agent', name: 'Bob Agent' });
  const [sales, ventas] = await db
    .insert(queues)
    .values([{ name: 'Sales' }, { name: 'Ventas' }])
    .returning();
  const [chEn, chEs] = await db
    .insert(channels)
    .values([
      { name: 'WhatsApp US', provider: 'simulator', phoneNumber: '+14155550000', queueId: sales!.id, language: 'en' },
      { name: 'WhatsApp ES', provider: 'simulator', phoneNumber: '+34910000000', queueId: ventas!.id, language: 'es' },
    ])
    .returning();
  const [maria, john, ana] = await db
    .insert(contacts)
    .values([
      { name: 'María López', phone: '+34612345678', waId: '34612345678' },
      { name: 'John Smith', phone: '+14155550100', waId: '14155550100' },
      { name: 'Ana Gómez', phone: '+5215512345678', waId: '5215512345678' },
    ])
    .returning();

  const conv = async (v: Partial<Conversation> & Pick<Conversation, 'channelId' | 'contactId' | 'queueId' | 'language' | 'createdAt'>) => {
    const [row] = await db.insert(conversations).values({ lastMessageAt: v.createdAt, ...v }).returning();
    return row!;
  };
  const msgs = async (c: Conversation, list: (Partial<Message> & { body: string; direction?: Message['direction'] })[]) => {
    const values = list.map((m, i) => ({
      conversationId: c.id,
      channelId: c.channelId,
      direction: m.direction ?? 'inbound',
      kind: m.kind ?? 'text',
      status: m.status ?? (m.direction === 'outbound' ? 'delivered' : 'received'),
      createdAt: t(c.createdAt.toISOString(), (i + 1) * 20),
      ...m,
    }));
    return db.insert(messages).values(values as (typeof messages.$inferInsert)[]).returning();
  };

  const c1 = await conv({
    channelId: chEn!.id, contactId: john!.id, queueId: sales!.id, language: 'en', status: 'closed', assigneeId: alice.id,
    createdAt: t('2026-03-02T10:00:00Z'), assignedAt: t('2026-03-02T10:00:00Z', 30),
    firstResponseAt: t('2026-03-02T10:00:00Z', 90), closedAt: t('2026-03-02T10:00:00Z', 600), closedById: alice.id,
  });
  await msgs(c1, [
    { body: 'I want a refund for my order' },
    { body: 'Bob here, one moment please', direction: 'outbound', authorId: bob.id },
    { body: 'Transferred from Bob Agent to Alice Agent', kind: 'system', direction: 'outbound', status: 'delivered' },
    { body: 'Refunds take three days', direction: 'outbound', authorId: alice.id },
  ]);
  const c2 = await conv({
    channelId: chEs!.id, contactId: maria!.id, queueId: ventas!.id, language: 'es', status: 'closed', assigneeId: bob.id,
    createdAt: t('2026-03-10T09:00:00Z'), assignedAt: t('2026-03-10T09:00:00Z', 120),
    firstResponseAt: t('2026-03-10T09:00:00Z', 240), closedAt: t('2026-03-10T09:30:00Z'),
  });
  await msgs(c2, [
    { body: 'Los niños están corriendo en la tienda' },
    { body: '¿Dónde está mi pedido?' },
    { body: 'Su pedido llega mañana', direction: 'outbound', authorId: bob.id },
  ]);
  const c3 = await conv({
    channelId: chEn!.id, contactId: john!.id, queueId: sales!.id, language: 'en', status: 'active', assigneeId: bob.id,
    createdAt: t('2026-04-05T12:00:00Z'), assignedAt: t('2026-04-05T12:00:00Z', 10),
  });
  await msgs(c3, [
    { body: 'The package arrived broken' },
    { body: 'Sorry!', direction: 'outbound', authorId: bob.id, status: 'failed', errorCode: '63016', errorReason: 'The 24-hour window is closed' },
  ]);
  const c4 = await conv({
    channelId: chEs!.id, contactId: ana!.id, queueId: ventas!.id, language: 'es', status: 'waiting',
    createdAt: t('2026-04-06T08:00:00Z'),
  });
  await msgs(c4, [{ body: 'Quiero cancelar mi pedido' }]);
  const c5 = await conv({
    channelId: chEn!.id, contactId: maria!.id, queueId: sales!.id, language: 'en', status: 'closed', assigneeId: alice.id,
    createdAt: t('2026-04-10T16:00:00Z'), assignedAt: t('2026-04-10T16:00:00Z', 5),
    firstResponseAt: t('2026-04-10T16:00:00Z', 50), closedAt: t('2026-04-10T16:20:00Z'),
  });
  await msgs(c5, [
    { body: 'I am running late for the pickup' },
    { body: 'No problem, we wait', direction: 'outbound', authorId: alice.id },
  ]);

  return {
    users: { admin, supervisor, alice, bob },
    queues: { sales: sales!, ventas: ventas! },
    channels: { en: chEn!, es: chEs! },
    contacts: { maria: maria!, john: john!, ana: ana! },
    conversations: { c1, c2, c3, c4, c5 },
  };
}
