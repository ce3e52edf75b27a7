import { randomBytes } from 'node:crypto';
import type { Db } from '@/db/client';
import { insertChannel } from '@/db/queries/channels';
import { addQueueMembers, insertQueue } from '@/db/queries/queues';
import { countUsers, getUserByEmail, insertUser } from '@/db/queries/users';
import { hashPassword } from '@/lib/auth/password';
import { encryptSecret } from '@/lib/crypto';
import { seedDemoContent } from './demo-content';

// Demo logins for the embedded/demo mode only (README lists them); production seeds nothing.
export const demoLogins = [
  { email: 'admin@parley.test', password: 'parley-admin', name: 'Ada Admin', role: 'admin', languages: ['en'] },
  { email: 'supervisor@parley.test', password: 'parley-super', name: 'Sam Supervisor', role: 'supervisor', languages: ['en', 'es'] },
  { email: 'agent@parley.test', password: 'parley-agent', name: 'Alex Agent', role: 'agent', languages: ['en'] },
  { email: 'agente@parley.test', password: 'parley-agente', name: 'Lucía Agente', role: 'agent', languages: ['es', 'en'] },
] as const;

export type DemoResult = { seeded: boolean; logins: { email: string; password: string; role: string }[] };

/**
 * On an empty database: the demo contact center. Never runs twice, never touches existing data.
 * `content`: also two weeks of finished chats, quick replies and templates (demo-content.ts).
 */
export async function seedDemoIfEmpty(db: Db, { encryptionKey, content = true }: { encryptionKey: string; content?: boolean }): Promise<DemoResult> {
  const present = await demoLoginsPresent(db);
  if ((await countUsers(db)) > 0) return { seeded: false, logins: present };

  await db.transaction(async (tx) => {
    const created: Record<string, string> = {};
    for (const login of demoLogins) {
      const user = await insertUser(tx, {
        email: login.email,
        name: login.name,
        role: login.role,
        languages: [...login.languages],
        passwordHash: await hashPassword(login.password),
      });
      created[login.email] = user.id;
    }
    const support = await insertQueue(tx, { name: 'Support', routingRule: 'offer_all', completionTimeoutMinutes: 60 });
    const soporte = await insertQueue(tx, {
      name: 'Soporte',
      routingRule: 'least_busy',
      completionTimeoutMinutes: 60,
      acceptTimeoutSeconds: 120,
    });
    await addQueueMembers(tx, {
      queueId: support.id,
      userIds: [created['agent@parley.test']!, created['agente@parley.test']!],
    });
    await addQueueMembers(tx, { queueId: soporte.id, userIds: [created['agente@parley.test']!] });
    const agent = (email: string) => ({ id: created[email]!, name: demoLogins.find((l) => l.email === email)!.name });
    const channels = [];
    for (const ch of [
      { name: 'Support (simulator)', phoneNumber: '+15550100001', queueId: support.id, language: 'en', defaultCountry: 'US', members: [agent('agent@parley.test'), agent('agente@parley.test')] },
      { name: 'Soporte (simulador)', phoneNumber: '+34910000001', queueId: soporte.id, language: 'es', defaultCountry: 'ES', members: [agent('agente@parley.test')] },
    ]) {
      const { members, ...fields } = ch;
      const channel = await insertChannel(tx, {
        ...fields,
        provider: 'simulator',
        environment: 'sandbox',
        accountSid: 'AC' + randomBytes(16).toString('hex'),
        authTokenEncrypted: encryptSecret(randomBytes(16).toString('hex'), encryptionKey),
      });
      channels.push({ ...channel, members });
    }
    if (content) await seedDemoContent(tx, { channels });
  });
  return { seeded: true, logins: demoLogins.map(({ email, password, role }) => ({ email, password, role })) };
}

async function demoLoginsPresent(db: Db) {
  const out: DemoResult['logins'] = [];
  for (const l of demoLogins) {
    if (await getUserByEmail(db, { email: l.email })) out.push({ email: l.email, password: l.password, role: l.role });
  }
  return out;
}
