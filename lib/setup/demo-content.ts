import { randomBytes, randomUUID } from 'node:crypto';
import type { Db } from '@/db/client';
import { insertDemoContacts } from '@/db/queries/contacts';
import { insertDemoConversations } from '@/db/queries/conversations';
import { insertDemoMessages } from '@/db/queries/messages';
import { insertQuickReply } from '@/db/queries/quick-replies';
import { insertTemplate } from '@/db/queries/templates';
import type { Channel, messages } from '@/db/schema';
import { readableReason } from '@/lib/channels/twilio/errors';
import { sampleTemplates } from '@/lib/simulator/content';

/**
 * What the embedded demo holds besides its people, queues and channels, so that every screen has
 * something to show on first start: two weeks of finished chats (History, Reports, a returning
 * customer's earlier conversations), quick replies in both languages, and the simulator account's
 * approved templates. Timestamps are relative to `now`; the rest is the same on every install.
 */

type Line = readonly ['customer' | 'agent', string];
type Script = { language: 'en' | 'es'; lines: readonly Line[]; silentEnd?: boolean };

// {name}: the customer's first name; {agent}: the agent's first name.
const SCRIPTS: readonly Script[] = [
  {
    language: 'en',
    lines: [
      ['customer', 'Hi, my order #{order} has not arrived yet. It said delivery on Monday.'],
      ['agent', 'Hi {name}, this is {agent}. Sorry about that! Let me check order #{order} for you.'],
      ['agent', 'The courier had a delay at the depot. It is out for delivery today and should reach you before 6 pm.'],
      ['customer', 'Great, thanks for checking!'],
      ['agent', 'You are welcome. Anything else I can help with?'],
      ['customer', 'No, that is all 👍'],
    ],
  },
  {
    language: 'en',
    lines: [
      ['customer', 'Hello, I want a refund for the blue jacket, it is too small.'],
      ['agent', 'Hi {name}! I can help with that. Would you prefer a refund or a larger size?'],
      ['customer', 'A refund please.'],
      ['agent', 'Done: a return label is on its way by email. The refund reaches your card within 5 business days of us receiving the jacket.'],
      ['customer', 'Perfect, thank you'],
    ],
  },
  {
    language: 'en',
    lines: [
      ['customer', 'Can I change the delivery address of order #{order}?'],
      ['agent', 'Hi {name}, {agent} here. Yes, as long as it has not shipped. What is the new address?'],
      ['customer', '221B Baker Street, London NW1 6XE'],
      ['agent', 'Updated! Order #{order} will go to 221B Baker Street.'],
    ],
  },
  {
    language: 'en',
    lines: [
      ['customer', 'My payment failed twice but the money left my account'],
      ['agent', 'Hi {name}, sorry for the worry. A failed payment is only held by your bank, never charged; it is released within 3 days.'],
      ['customer', 'Ok. Can I pay another way?'],
      ['agent', 'Yes: PayPal or a bank transfer both work. I have sent you a new payment link.'],
      ['customer', 'Paid with PayPal, it worked. Thanks'],
      ['agent', 'Confirmed on our side too. Your order is being packed.'],
    ],
  },
  {
    language: 'en',
    lines: [
      ['customer', 'Do you deliver to Canada?'],
      ['agent', 'Hi {name}! We do: 5–8 business days, free above $80.'],
      ['customer', 'And customs fees?'],
      ['agent', 'They are included in the price at checkout, nothing to pay on delivery.'],
    ],
    silentEnd: true,
  },
  {
    language: 'en',
    lines: [
      ['customer', 'The coffee machine I bought leaks water from the bottom'],
      ['agent', 'Hi {name}, this is {agent}. I am sorry! Could you send a photo of where it leaks?'],
      ['customer', 'It is under the water tank, a small puddle every time'],
      ['agent', 'That is covered by the warranty. I have booked a free replacement: the courier brings the new one and takes the old one.'],
      ['customer', 'Wow, that was easy. Thank you!'],
    ],
  },
  {
    language: 'en',
    lines: [
      ['customer', 'Hi, I never received my invoice for order #{order}'],
      ['agent', 'Hi {name}, I have just emailed it again. Please check your spam folder too.'],
      ['customer', 'Got it now, thanks'],
    ],
  },
  {
    language: 'en',
    lines: [
      ['customer', 'Is the discount code SPRING20 still valid?'],
      ['agent', 'Hi {name}! It ended on Sunday, but I can give you WELCOME10 for 10% off your next order.'],
    ],
    silentEnd: true,
  },
  {
    language: 'es',
    lines: [
      ['customer', 'Hola, mi pedido #{order} no ha llegado todavía'],
      ['agent', 'Hola {name}, soy {agent}. Lo siento mucho, reviso el pedido #{order} ahora mismo.'],
      ['agent', 'Hubo un retraso en el almacén de Madrid. Sale hoy y llega mañana antes de las 14:00.'],
      ['customer', 'Vale, muchas gracias'],
      ['agent', '¡De nada! ¿Te puedo ayudar con algo más?'],
      ['customer', 'No, eso es todo'],
    ],
  },
  {
    language: 'es',
    lines: [
      ['customer', 'Quiero devolver unas zapatillas, me quedan grandes'],
      ['agent', 'Hola {name}. Claro: ¿prefieres el reembolso o cambiarlas por otra talla?'],
      ['customer', 'Cambiarlas por una talla 39 por favor'],
      ['agent', 'Hecho. El mensajero recoge las tuyas y entrega la talla 39 el jueves.'],
      ['customer', '¡Genial, gracias!'],
    ],
  },
  {
    language: 'es',
    lines: [
      ['customer', '¿Hacéis envíos a Canarias?'],
      ['agent', 'Hola {name}, sí: de 3 a 5 días laborables, sin coste a partir de 50 €.'],
      ['customer', 'Perfecto'],
    ],
  },
  {
    language: 'es',
    lines: [
      ['customer', 'No me funciona el código de descuento VERANO15'],
      ['agent', 'Hola {name}, soy {agent}. Ese código solo vale para la primera compra. Te he enviado otro del 10 % por correo.'],
      ['customer', 'Ya lo tengo, gracias'],
    ],
  },
  {
    language: 'es',
    lines: [
      ['customer', 'Buenas, me cobraron dos veces el pedido #{order}'],
      ['agent', 'Hola {name}, lo siento. Veo los dos cargos: el segundo ya está anulado y lo verás devuelto en 2 o 3 días.'],
      ['customer', 'Vale, estaré atento'],
    ],
    silentEnd: true,
  },
];

const EN_NAMES = [
  'Emma Johnson', 'Liam Smith', 'Olivia Brown', 'Noah Davis', 'Ava Miller', 'James Wilson', 'Sophia Taylor', 'Lucas Moore',
  'Mia Anderson', 'Henry Thomas', 'Grace Lee', 'Jack Martin', 'Chloe White', 'Daniel Harris', 'Zoe Clark', 'Ethan Lewis',
];
const ES_NAMES = ['María López', 'Javier García', 'Lucía Fernández', 'Carlos Martínez', 'Ana Gómez', 'Pablo Sánchez', 'Elena Ruiz', 'Diego Torres'];

const QUICK_REPLIES = [
  { shortcut: 'hello', language: 'en', text: 'Hi {{contact.name}}, this is {{agent.name}}. How can I help you today?' },
  { shortcut: 'thanks', language: 'en', text: 'Thank you for contacting us, {{contact.name}}. Have a great day!' },
  { shortcut: 'tracking', language: 'en', text: 'You can follow your parcel at any time with the tracking link in your shipping email.' },
  { shortcut: 'hola', language: 'es', text: 'Hola {{contact.name}}, soy {{agent.name}}. ¿En qué puedo ayudarte?' },
  { shortcut: 'gracias', language: 'es', text: 'Gracias por escribirnos, {{contact.name}}. ¡Que tengas un buen día!' },
];

/** A small deterministic generator (mulberry32): the same demo on every install. */
function random(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  return { next, int, pick };
}

const sid = () => 'SM' + randomBytes(16).toString('hex');
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;

type Agent = { id: string; name: string };
type DemoChannel = Pick<Channel, 'id' | 'queueId' | 'language' | 'accountSid'> & { members: Agent[] };

/** Seeds the demo's sample content into a database that has just been given the demo's users, queues and channels. */
export async function seedDemoContent(db: Db, { channels, now = new Date() }: { channels: DemoChannel[]; now?: Date }): Promise<{ conversations: number; messages: number }> {
  for (const q of QUICK_REPLIES) await insertQuickReply(db, q);
  for (const channel of channels) {
    for (const t of sampleTemplates(channel.accountSid!)) {
      if (t.language === channel.language) await insertTemplate(db, { ...t, channelId: channel.id });
    }
  }

  const rnd = random(20260301);
  const byLanguage = (language: string) => channels.find((c) => c.language === language)!;
  const pool = { en: [...EN_NAMES], es: [...ES_NAMES] };
  const contactRows = [
    ...pool.en.map((name, i) => ({ name, language: 'en', phone: `+1555201${String(1000 + i * 37).padStart(4, '0')}` })),
    ...pool.es.map((name, i) => ({ name, language: 'es', phone: `+346${String(10000000 + i * 7919).padStart(8, '0')}` })),
  ].map((c) => ({ ...c, waId: c.phone.slice(1) }));
  const contacts = await insertDemoContacts(db, contactRows);
  const contactsOf = (language: string) => contacts.filter((c) => c.language === language);

  // Each day of the last two weeks (fewer at weekends), chats between 08:00 and 19:00 UTC that ended before now.
  type Planned = { script: Script; channel: DemoChannel; contactId: string; first: string; agent: Agent; start: number; order: number };
  const planned: Planned[] = [];
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  for (let daysAgo = 13; daysAgo >= 0; daysAgo--) {
    const day = today - daysAgo * DAY;
    const weekend = [0, 6].includes(new Date(day).getUTCDay());
    const count = weekend ? rnd.int(1, 2) : rnd.int(3, 6);
    for (let k = 0; k < count; k++) {
      const start = day + 8 * 60 * MINUTE + rnd.int(0, 11 * 60) * MINUTE + rnd.int(0, 59) * SECOND;
      if (start > now.getTime() - 3 * 60 * MINUTE) continue; // long finished by now
      const script = rnd.next() < 0.7 ? rnd.pick(SCRIPTS.filter((s) => s.language === 'en')) : rnd.pick(SCRIPTS.filter((s) => s.language === 'es'));
      const channel = byLanguage(script.language);
      const contact = rnd.pick(contactsOf(script.language));
      const agent = channel.members.length > 1 && rnd.next() < 0.4 ? channel.members[1]! : channel.members[0]!;
      planned.push({ script, channel, contactId: contact.id, first: (contact.name ?? '').split(' ')[0]!, agent, start, order: rnd.int(1000, 9999) });
    }
  }
  planned.sort((a, b) => a.start - b.start);

  const conversationRows = [];
  const all: (typeof messages.$inferInsert)[] = [];
  let silent = 0;
  for (const p of planned) {
    const conversationId = randomUUID();
    const fill = (text: string) =>
      text.replaceAll('{name}', p.first).replaceAll('{agent}', p.agent.name.split(' ')[0]!).replaceAll('{order}', String(p.order));
    const rows: (typeof messages.$inferInsert)[] = [];
    const at = (t: number) => new Date(t);
    let t = p.start;
    const [opening, ...rest] = p.script.lines;
    rows.push({ conversationId, channelId: p.channel.id, direction: 'inbound', kind: 'text', body: fill(opening![1]), status: 'received', providerMessageId: sid(), createdAt: at(t) });
    const assignedAt = t + rnd.int(5, 150) * SECOND;
    rows.push({ conversationId, channelId: p.channel.id, direction: 'outbound', kind: 'system', body: `${p.agent.name} accepted the chat.`, status: 'sent', createdAt: at(assignedAt) });
    t = assignedAt;
    let firstResponseAt: number | null = null;
    let lastInboundAt = p.start;
    // Every other chat that went silent (the first one too) did so because the agent's last message
    // never reached the phone: Reports' failed sends has something to show.
    const undelivered = p.script.silentEnd === true && silent++ % 2 === 0;
    for (const [i, [who, text]] of rest.entries()) {
      t += who === 'agent' ? rnd.int(20, 120) * SECOND : rnd.int(30, 300) * SECOND;
      if (who === 'agent') {
        firstResponseAt ??= t;
        const failed = undelivered && i === rest.length - 1 ? { status: 'undelivered' as const, errorCode: '30003', errorReason: readableReason('30003') } : { status: 'read' as const };
        rows.push({ conversationId, channelId: p.channel.id, direction: 'outbound', kind: 'text', body: fill(text), ...failed, providerMessageId: sid(), authorId: p.agent.id, createdAt: at(t) });
      } else {
        lastInboundAt = t;
        rows.push({ conversationId, channelId: p.channel.id, direction: 'inbound', kind: 'text', body: fill(text), status: 'received', providerMessageId: sid(), createdAt: at(t) });
      }
    }
    const lastMessageAt = t;
    const timedOut = p.script.silentEnd === true;
    const closedAt = timedOut ? t + 60 * MINUTE : t + rnd.int(30, 240) * SECOND;
    rows.push({
      conversationId,
      channelId: p.channel.id,
      direction: 'outbound',
      kind: 'system',
      body: timedOut ? 'Closed automatically after 60 minutes without messages.' : `Resolved by ${p.agent.name}.`,
      status: 'sent',
      createdAt: at(closedAt),
    });
    all.push(...rows);
    conversationRows.push({
      id: conversationId,
      channelId: p.channel.id,
      contactId: p.contactId,
      queueId: p.channel.queueId,
      assigneeId: p.agent.id,
      status: 'closed' as const,
      language: p.script.language,
      createdAt: at(p.start),
      assignedAt: at(assignedAt),
      firstResponseAt: firstResponseAt === null ? null : at(firstResponseAt),
      lastInboundAt: at(lastInboundAt),
      lastMessageAt: at(lastMessageAt),
      closedAt: at(closedAt),
      closedById: timedOut ? null : p.agent.id,
      closeReason: timedOut ? 'timeout' : 'resolved',
      updatedAt: at(closedAt),
    });
  }
  await insertDemoConversations(db, conversationRows);
  // In time order across conversations, so that messages.seq agrees with created_at.
  all.sort((a, b) => (a.createdAt as Date).getTime() - (b.createdAt as Date).getTime());
  await insertDemoMessages(db, all);
  return { conversations: conversationRows.length, messages: all.length };
}
