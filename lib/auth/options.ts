import type { NextAuthOptions } from 'next-auth';
import { getDb } from '@/db/client';
import CredentialsProvider from 'next-auth/providers/credentials';
import { AppError } from '@/lib/errors';
import { logger } from '@/lib/logger';
import { clientIpOf } from '@/lib/security/client-ip';
import { signInWithPassword } from './login';
import { getAuthSecret } from './secret';
import { endSession, SESSION_MAX_AGE, startSession } from './sessions';

/** What the sign-in form receives as `error` when sign-in is throttled: `rate_limited:<message>`. */
export const RATE_LIMITED_PREFIX = 'rate_limited:';

export function getAuthOptions(): NextAuthOptions {
  return {
    secret: getAuthSecret(),
    session: { strategy: 'jwt', maxAge: SESSION_MAX_AGE },
    pages: { signIn: '/login', error: '/login' },
    providers: [
      CredentialsProvider({
        name: 'Email and password',
        credentials: { email: { label: 'Email', type: 'email' }, password: { label: 'Password', type: 'password' } },
        async authorize(credentials, req) {
          if (!credentials?.email || !credentials.password) return null;
          const headers = (req?.headers ?? {}) as Record<string, unknown>;
          const ip = clientIpOf(headers);
          let user;
          try {
            user = await signInWithPassword(getDb(), { email: credentials.email, password: credentials.password, ip });
          } catch (err) {
            // next-auth hands an error's message to the form as `error` (in the redirect URL): only ours.
            if (err instanceof AppError && err.code === 'rate_limited') throw new Error(RATE_LIMITED_PREFIX + err.message);
            logger.error({ err }, 'sign-in failed');
            throw new Error('unavailable');
          }
          if (!user) return null;
          const userAgent = typeof headers['user-agent'] === 'string' ? headers['user-agent'] : null;
          const session = await startSession(getDb(), { userId: user.id, userAgent, ip });
          return { id: user.id, email: user.email, name: user.name, role: user.role, sessionId: session.id };
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user) {
          token.role = (user as { role?: string }).role;
          // The server-side session this browser holds: lib/auth/session.ts checks it on every request.
          token.sid = (user as { sessionId?: string }).sessionId;
        }
        return token;
      },
      session({ session, token }) {
        return { ...session, user: { ...session.user, id: token.sub, role: token.role } };
      },
    },
    events: {
      async signOut({ token }) {
        const sid = (token as { sid?: unknown } | null)?.sid;
        if (typeof sid !== 'string') return;
        await endSession(getDb(), { sessionId: sid }).catch((err: unknown) => logger.error({ err }, 'sign-out could not end the session'));
      },
    },
  };
}
