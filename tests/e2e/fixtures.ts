import { test as base, expect, type APIRequestContext, type Page } from '@playwright/test';

// The demo logins seeded on an empty database (lib/setup/demo.ts).
export const demoUsers = {
  admin: { email: 'admin@parley.test', password: 'parley-admin', name: 'Ada Admin' },
  supervisor: { email: 'supervisor@parley.test', password: 'parley-super', name: 'Sam Supervisor' },
  agent: { email: 'agent@parley.test', password: 'parley-agent', name: 'Alex Agent' },
  agente: { email: 'agente@parley.test', password: 'parley-agente', name: 'Lucía Agente' },
} as const;
export type DemoUser = keyof typeof demoUsers;

/** Signs a browser context in through next-auth's credentials flow (the same one the login form uses). */
export async function signIn(request: APIRequestContext, creds: { email: string; password: string }) {
  const { csrfToken } = (await (await request.get('/api/auth/csrf')).json()) as { csrfToken: string };
  const res = await request.post('/api/auth/callback/credentials', {
    form: { csrfToken, email: creds.email, password: creds.password, json: 'true' },
  });
  expect(res.ok(), `sign-in of ${creds.email}`).toBeTruthy();
  const me = await request.get('/api/v1/me');
  expect(me.status(), `session of ${creds.email}`).toBe(200);
}

type Fixtures = {
  /** A new page in its own browser context, signed in as a demo user (or any email/password). */
  loginAs: (who: DemoUser | { email: string; password: string }) => Promise<Page>;
};

export const test = base.extend<Fixtures>({
  loginAs: async ({ browser, baseURL }, use) => {
    const contexts: Awaited<ReturnType<typeof browser.newContext>>[] = [];
    await use(async (who) => {
      const ctx = await browser.newContext({ baseURL, viewport: { width: 1280, height: 720 } });
      contexts.push(ctx);
      await signIn(ctx.request, typeof who === 'string' ? demoUsers[who] : who);
      return ctx.newPage();
    });
    for (const c of contexts) await c.close();
  },
});

export { expect };
