import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getAuthOptions } from '@/lib/auth/options';
import { LOGIN_THROTTLE } from '@/lib/auth/throttle';
import { CLIENT_IP_HEADER } from '@/lib/security/client-ip';
import { startTestApp, type TestApp } from '../helpers/app';

// Blocks shortened 100×: 15 min → 9 s (account + address), 5 min → 3 s (account), 1 h → 36 s (address).
const SCALE = 0.01;
const blockMs = (rule: keyof typeof LOGIN_THROTTLE) => LOGIN_THROTTLE[rule].blockSeconds * SCALE * 1000;

let app: TestApp;
beforeAll(async () => {
  // Addresses vary through X-Forwarded-For, as a proxy in front of Parley would set it.
  app = await startTestApp({ env: { LOGIN_BLOCK_SCALE: String(SCALE), TRUST_PROXY: 'true' } });
});
afterAll(() => app?.close());

type Answer = { status: number; retryAfter: number | null; code?: string; message?: string };

async function login(email: string, password: string, ip: string): Promise<Answer> {
  const res = await app.fetch('/api/v1/auth/token', { method: 'POST', json: { email, password }, headers: { 'x-forwarded-for': ip } });
  const body = (await res.json()) as { error?: { code: string; message: string } };
  const ra = res.headers.get('retry-after');
  return { status: res.status, retryAfter: ra === null ? null : Number(ra), code: body.error?.code, message: body.error?.message };
}

/** Tries the right password every 250 ms until it is accepted; answers how long that took. */
async function waitUntilAccepted(email: string, password: string, ip: string, boundMs: number): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    const a = await login(email, password, ip);
    if (a.status === 201) return Date.now() - t0;
    expect(a.status).toBe(429);
    if (Date.now() - t0 > boundMs) throw new Error(`still refused after ${boundMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const tally = (answers: Answer[]) => answers.reduce<Record<number, number>>((m, a) => ({ ...m, [a.status]: (m[a.status] ?? 0) + 1 }), {});

describe('password guessing on POST /api/v1/auth/token', () => {
  it('25 wrong passwords then the right one from one address: throttled, the right one refused until the block ends', async () => {
    const u = await app.createUser({ role: 'agent', email: 'guessed@example.test' });
    const answers: Answer[] = [];
    for (let i = 0; i < 25; i++) answers.push(await login(u.email, `guess-${i}`, '198.51.100.10'));
    console.log('25 wrong passwords:', JSON.stringify(tally(answers)));
    expect(answers.slice(0, 4).map((a) => a.status)).toEqual([401, 401, 401, 401]);
    expect(answers.slice(4).every((a) => a.status === 429)).toBe(true);

    const right = await login(u.email, u.password, '198.51.100.10');
    expect(right).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(right.message).toMatch(/^Too many sign-in attempts\. Try again in \d+ (seconds?|minutes?)\.$/);
    expect(right.retryAfter).toBeGreaterThan(0);
    expect(right.retryAfter! * 1000).toBeLessThanOrEqual(blockMs('pair') + 1000);

    // Early on, from the same address: another account works; the same account from elsewhere too.
    const other = await app.createUser({ role: 'agent', email: 'colleague@example.test' });
    expect((await login(other.email, other.password, '198.51.100.10')).status).toBe(201);
    expect((await login(u.email, u.password, '203.0.113.50')).status).toBe(201);

    const waited = await waitUntilAccepted(u.email, u.password, '198.51.100.10', blockMs('pair') + 5000);
    console.log(`right password accepted ${waited} ms after the first refusal check (block ${blockMs('pair')} ms at scale ${SCALE})`);
  });

  it('guessing spread over many addresses locks the account for minutes at most, and the real user gets in after', async () => {
    const u = await app.createUser({ role: 'agent', email: 'spread@example.test' });
    const answers: Answer[] = [];
    for (let i = 0; i < 12; i++) answers.push(await login(u.email, `guess-${i}`, `192.0.2.${i + 1}`));
    console.log('12 wrong passwords from 12 addresses:', JSON.stringify(tally(answers)));
    expect(answers.slice(0, 9).every((a) => a.status === 401)).toBe(true);
    expect(answers.slice(9).every((a) => a.status === 429)).toBe(true);

    const real = await login(u.email, u.password, '203.0.113.77');
    expect(real.status).toBe(429);
    // At most the account block (5 minutes, shortened here), never the address's hour.
    expect(real.retryAfter! * 1000).toBeLessThanOrEqual(blockMs('account') + 1000);
    expect(LOGIN_THROTTLE.account.blockSeconds).toBeLessThanOrEqual(5 * 60);
    const waited = await waitUntilAccepted(u.email, u.password, '203.0.113.77', blockMs('account') + 5000);
    console.log(`real user from another address accepted after ${waited} ms (account block ${blockMs('account')} ms at scale ${SCALE})`);
  });

  it('one address trying many accounts is blocked for the address, not for the accounts elsewhere', async () => {
    const u = await app.createUser({ role: 'agent', email: 'bystander@example.test' });
    const answers: Answer[] = [];
    for (let i = 0; i < LOGIN_THROTTLE.address.failures; i++) answers.push(await login(`nobody-${i}@example.test`, 'guess', '198.51.100.200'));
    console.log(`${LOGIN_THROTTLE.address.failures} unknown accounts from one address:`, JSON.stringify(tally(answers)));
    const fromThere = await login(u.email, u.password, '198.51.100.200');
    expect(fromThere.status).toBe(429);
    expect(fromThere.retryAfter! * 1000).toBeGreaterThan(blockMs('account'));
    expect((await login(u.email, u.password, '203.0.113.78')).status).toBe(201);
  }, 180_000);

  it('does not tell an unknown email from a known one', async () => {
    const u = await app.createUser({ role: 'agent', email: 'known@example.test' });
    const known: Answer[] = [];
    const unknown: Answer[] = [];
    for (let i = 0; i < 6; i++) known.push(await login(u.email, 'wrong', '198.51.100.30'));
    for (let i = 0; i < 6; i++) unknown.push(await login('ghost-of-known@example.test', 'wrong', '198.51.100.31'));
    const shape = (a: Answer) => `${a.status} ${a.code} ${a.message?.replace(/\d+/g, 'N')}`;
    expect(known.map(shape)).toEqual(unknown.map(shape));
  });

  it('parallel guesses cannot slip past the limit: at most 4 are answered 401', async () => {
    const u = await app.createUser({ role: 'agent', email: 'parallel@example.test' });
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => login(u.email, `guess-${i}`, '198.51.100.40')));
    console.log('20 parallel wrong passwords:', JSON.stringify(tally(answers)));
    expect(answers.filter((a) => a.status === 401).length).toBeLessThanOrEqual(LOGIN_THROTTLE.pair.failures - 1);
    expect(answers.filter((a) => a.status !== 401).every((a) => a.status === 429)).toBe(true);
  });

  it('an admin’s password reset lifts the account’s blocks', async () => {
    const a = await app.createUser({ role: 'admin', email: 'throttle-admin@example.test' });
    const adminToken = await app.tokenFor(a.email, a.password);
    const u = await app.createUser({ role: 'agent', email: 'forgetful@example.test' });
    for (let i = 0; i < 5; i++) await login(u.email, 'what was it', '198.51.100.50');
    expect((await login(u.email, u.password, '198.51.100.50')).status).toBe(429);
    const res = await app.fetch(`/api/v1/users/${u.id}`, { method: 'PATCH', token: adminToken, json: { password: 'the new one, written down' } });
    expect(res.status).toBe(200);
    expect((await login(u.email, 'the new one, written down', '198.51.100.50')).status).toBe(201);
  });
});

describe('the sign-in form (next-auth credentials authorize)', () => {
  type Authorize = (c: Record<string, string>, req: { headers: Record<string, string> }) => Promise<unknown>;
  const authorize = () => (getAuthOptions().providers[0] as unknown as { options: { authorize: Authorize } }).options.authorize;

  it('shares the throttle with the token API and says how long to wait', async () => {
    const u = await app.createUser({ role: 'agent', email: 'form@example.test' });
    const req = { headers: { [CLIENT_IP_HEADER]: '198.51.100.60', 'user-agent': 'Playwright' } };
    const outcomes: string[] = [];
    for (let i = 0; i < 4; i++) outcomes.push(String(await authorize()({ email: u.email, password: 'nope' }, req)));
    expect(outcomes).toEqual(['null', 'null', 'null', 'null']);
    await expect(authorize()({ email: u.email, password: 'nope' }, req)).rejects.toThrow(/^rate_limited:Too many sign-in attempts\. Try again in \d+ seconds?\.$/);
    await expect(authorize()({ email: u.email, password: u.password }, req)).rejects.toThrow(/^rate_limited:/);
    // The token API from the same address is blocked for this account too.
    expect((await login(u.email, u.password, '198.51.100.60')).status).toBe(429);
  });

  it('signs in with the right password and records the session with its address and browser', async () => {
    const u = await app.createUser({ role: 'agent', email: 'form-ok@example.test' });
    const user = (await authorize()({ email: u.email, password: u.password }, { headers: { [CLIENT_IP_HEADER]: '198.51.100.61', 'user-agent': 'Playwright' } })) as {
      id: string;
      sessionId: string;
    };
    expect(user).toMatchObject({ id: u.id, sessionId: expect.any(String) });
  });
});

// Last: it blocks the test's own address (127.0.0.1) for the rest of the file.
describe('the address the throttle counts', () => {
  it('a client cannot pick its own address: a forged address header is overwritten by the front door', async () => {
    const u = await app.createUser({ role: 'agent', email: 'nobody-knows-where@example.test' });
    const forged = (email: string, password: string, i: number) =>
      app
        .fetch('/api/v1/auth/token', { method: 'POST', json: { email, password }, headers: { [CLIENT_IP_HEADER]: `192.0.2.${i}` } })
        .then((r) => r.status);
    const answers: number[] = [];
    for (let i = 0; i < LOGIN_THROTTLE.address.failures + 2; i++) answers.push(await forged(`stranger-${i}@example.test`, 'guess', i));
    // Every guess counted against the one real address (the TCP peer), whatever the header said.
    expect(answers.slice(0, LOGIN_THROTTLE.address.failures - 1).every((s) => s === 401)).toBe(true);
    expect(answers.at(-1)).toBe(429);
    // The real user, elsewhere, is not affected.
    expect((await login(u.email, u.password, '203.0.113.79')).status).toBe(201);
  }, 180_000);
});
