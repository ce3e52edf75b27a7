import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { channels, contacts, conversations, messages, queueMembers, queues, templates, type Message } from '@/db/schema';
import { getEncryptionKey } from '@/lib/auth/secret';
import { encryptSecret } from '@/lib/crypto';
import type { TestApp } from '../helpers/app';

export const AUTH_TOKEN = 'twilio-auth-token-for-tests';
const hex = (n: number) => randomBytes(n).toString('hex');
let phoneSeq = 100;

/** Rows for outbound tests, written directly (the admin and inbound areas own their APIs). */
export function fixtures(app: TestApp) {
  const db = () => app.runtime.db.db;
  return {
    async queue(memberIds: string[] = []) {
      const [q] = await db().insert(queues).values({ name: `Queue ${hex(3)}` }).returning();
      if (memberIds.length) await db().insert(queueMembers).values(memberIds.map((userId) => ({ queueId: q!.id, userId })));
      return q!;
    },
    async channel(queueId: string, opts: { environment?: 'sandbox' | 'production'; provider?: 'twilio' | 'simulator' } = {}) {
      const [c] = await db()
        .insert(channels)
        .values({
          name: `WhatsApp ${hex(2)}`,
          provider: opts.provider ?? 'twilio',
          phoneNumber: `+1415555${String(1000 + phoneSeq++).slice(-4)}`,
          accountSid: `AC${hex(16)}`,
          authTokenEncrypted: encryptSecret(AUTH_TOKEN, getEncryptionKey()),
          queueId,
          environment: opts.environment ?? 'production',
        })
        .returning();
      return c!;
    },
    async conversation(opts: {
      channelId: string;
      queueId: string;
      assigneeId?: string | null;
      lastInboundAt?: Date | null;
      status?: 'waiting' | 'active' | 'closed';
    }) {
      const [contact] = await db()
        .insert(contacts)
        .values({ phone: `+3460011${String(1000 + phoneSeq++).slice(-4)}`, name: 'Lucía' })
        .returning();
      const [c] = await db()
        .insert(conversations)
        .values({
          channelId: opts.channelId,
          contactId: contact!.id,
          queueId: opts.queueId,
          assigneeId: opts.assigneeId ?? null,
          status: opts.status ?? (opts.assigneeId ? 'active' : 'waiting'),
          language: 'es',
          lastInboundAt: opts.lastInboundAt === undefined ? new Date(Date.now() - 60 * 60 * 1000) : opts.lastInboundAt,
        })
        .returning();
      return { conversation: c!, contact: contact! };
    },
    async template(values: { body: string; status?: 'approved' | 'pending'; channelId?: string | null; variables?: Record<string, string> }) {
      const [t] = await db()
        .insert(templates)
        .values({
          contentSid: `HX${hex(16)}`,
          name: `order_ready_${hex(2)}`,
          language: 'es',
          body: values.body,
          status: values.status ?? 'approved',
          channelId: values.channelId ?? null,
          variables: values.variables ?? {},
        })
        .returning();
      return t!;
    },
    async message(id: string): Promise<Message> {
      const [m] = await db().select().from(messages).where(eq(messages.id, id));
      return m!;
    },
    /** Polls the message until `ok` holds (the send job runs asynchronously). */
    async waitForMessage(id: string, ok: (m: Message) => boolean, timeoutMs = 20_000): Promise<Message> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const [m] = await db().select().from(messages).where(eq(messages.id, id));
        if (m && ok(m)) return m;
        if (Date.now() > deadline) throw new Error(`message ${id} stuck at ${m?.status} (${m?.errorReason ?? ''})`);
        await new Promise((r) => setTimeout(r, 150));
      }
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
