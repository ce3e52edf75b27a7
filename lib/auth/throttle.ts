import { eq, like, or } from 'drizzle-orm';
import { RateLimiterDrizzle, RateLimiterRes } from 'rate-limiter-flexible';
import { type Db } from '@/db/client';
import { rateLimits } from '@/db/schema';
import { getConfig } from '@/lib/config';
import { sha256Hex } from '@/lib/crypto';
import { AppError } from '@/lib/errors';

/**
 * Password guessing, limited three ways (every failure counts on all three; an attempt refused while
 * blocked counts on none, so hammering a blocked pair does not also lock the account or the address):
 * - one account from one address: 5 failures in an hour → that pair waits 15 minutes. The guesser at
 *   that address is stopped; the real user elsewhere is not affected.
 * - one account from anywhere: 10 failures in 10 minutes → 5 minutes. Guessing spread over many
 *   addresses is slowed, and a stranger can keep a real user out for minutes at a time, not hours.
 * - one address, any accounts: 50 failures in an hour → an hour. Trying many accounts from one place.
 * A success clears its pair and its account, and gives its address back the attempt (an office
 * behind one NAT signing in every morning never trips the address limit).
 */
export const LOGIN_THROTTLE = {
  pair: { failures: 5, windowSeconds: 60 * 60, blockSeconds: 15 * 60 },
  account: { failures: 10, windowSeconds: 10 * 60, blockSeconds: 5 * 60 },
  address: { failures: 50, windowSeconds: 60 * 60, blockSeconds: 60 * 60 },
} as const;

type Rule = keyof typeof LOGIN_THROTTLE;
const RULES = Object.keys(LOGIN_THROTTLE) as Rule[];
type Limiters = { scale: number; byRule: Record<Rule, RateLimiterDrizzle> };

// One set per database (tests open several in one process), shared by every request.
const cache = new WeakMap<Db, Limiters>();

function limitersFor(db: Db): Limiters {
  const scale = getConfig().loginBlockScale;
  const cached = cache.get(db);
  if (cached && cached.scale === scale) return cached;
  const make = (rule: Rule) =>
    new RateLimiterDrizzle({
      storeClient: db,
      schema: rateLimits,
      keyPrefix: `login-${rule}`,
      // `failures` allowed; the attempt after them is refused and starts the block.
      points: LOGIN_THROTTLE[rule].failures,
      duration: LOGIN_THROTTLE[rule].windowSeconds,
      blockDuration: LOGIN_THROTTLE[rule].blockSeconds * scale,
    });
  const limiters: Limiters = { scale, byRule: { pair: make('pair'), account: make('account'), address: make('address') } };
  cache.set(db, limiters);
  return limiters;
}

/** Hashed keys: the table holds no email or address a stranger typed. */
function keysFor(email: string, ip: string): Record<Rule, string> {
  const account = sha256Hex(`email:${email.trim().toLowerCase()}`).slice(0, 32);
  const address = sha256Hex(`ip:${ip}`).slice(0, 32);
  return { pair: `${account}:${address}`, account, address };
}

export function waitPhrase(ms: number): string {
  const s = Math.max(1, Math.ceil(ms / 1000));
  if (s < 60) return s === 1 ? '1 second' : `${s} seconds`;
  const m = Math.ceil(s / 60);
  if (m < 90) return m === 1 ? '1 minute' : `${m} minutes`;
  const h = Math.ceil(m / 60);
  return h === 1 ? '1 hour' : `${h} hours`;
}

export function rateLimitedError(ms: number): AppError {
  const retryAfter = Math.max(1, Math.ceil(ms / 1000));
  return new AppError(`rate_limited:Too many sign-in attempts. Try again in ${waitPhrase(ms)}.`, {
    headers: { 'retry-after': String(retryAfter) },
    details: { retryAfterSeconds: retryAfter },
  });
}

const isLimiterRes = (x: unknown): x is RateLimiterRes => x instanceof RateLimiterRes;

/**
 * Runs `verify` (a password check answering the user or null) under the sign-in throttle. Throws
 * `rate_limited` (429, Retry-After) while the account, the address or the pair is blocked; the
 * password is not even checked then, so a right one is refused too until the block ends.
 */
export async function throttleLogin<T>(
  db: Db,
  { email, ip, verify }: { email: string; ip: string; verify: () => Promise<T | null> },
): Promise<T | null> {
  const { byRule } = limitersFor(db);
  const keys = keysFor(email, ip);
  // Without a known address (no front door set it) every caller would share one address bucket,
  // and one stranger could lock everyone out for an hour: then only the account rules apply.
  const rules = ip === 'unknown' ? RULES.filter((r) => r !== 'address') : RULES;

  const states = await Promise.all(rules.map((r) => byRule[r].get(keys[r])));
  const waits = states.map((s, i) => (s && s.consumedPoints > LOGIN_THROTTLE[rules[i]!].failures ? s.msBeforeNext : 0));
  if (Math.max(...waits) > 0) throw rateLimitedError(Math.max(...waits));

  // Count the attempt before checking it: parallel guesses cannot all slip past the check above.
  const counted = await Promise.allSettled(rules.map((r) => byRule[r].consume(keys[r])));
  const refused = counted.filter((c) => c.status === 'rejected').map((c) => (c as PromiseRejectedResult).reason as unknown);
  if (refused.length) {
    const broken = refused.find((e) => !isLimiterRes(e));
    if (broken) throw broken;
    // Over a limit (the limiter has started its block): this attempt is refused unchecked, and the
    // rules it did not cross get their point back.
    await Promise.all(rules.map((r, i) => (counted[i]!.status === 'fulfilled' ? byRule[r].reward(keys[r]) : null)));
    throw rateLimitedError(Math.max(...refused.map((e) => (e as RateLimiterRes).msBeforeNext)));
  }

  const user = await verify();
  if (user) {
    await Promise.all([byRule.pair.delete(keys.pair), byRule.account.delete(keys.account), rules.includes('address') ? byRule.address.reward(keys.address) : null]);
    return user;
  }
  // The failure that reaches a limit starts its block now, and says so.
  const reached = rules.filter((r, i) => (counted[i] as PromiseFulfilledResult<RateLimiterRes>).value.consumedPoints >= LOGIN_THROTTLE[r].failures);
  if (reached.length) {
    const scale = getConfig().loginBlockScale;
    await Promise.all(reached.map((r) => byRule[r].block(keys[r], LOGIN_THROTTLE[r].blockSeconds * scale)));
    throw rateLimitedError(Math.max(...reached.map((r) => LOGIN_THROTTLE[r].blockSeconds * scale * 1000)));
  }
  return null;
}

/** An admin's password reset lifts the account's blocks (from every address), so the user can sign in with it at once. */
export async function clearAccountThrottle(db: Db, { email }: { email: string }): Promise<void> {
  const { account } = keysFor(email, '');
  await db.delete(rateLimits).where(or(eq(rateLimits.key, `login-account:${account}`), like(rateLimits.key, `login-pair:${account}:%`)));
}
