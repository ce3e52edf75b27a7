import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { demoUsers, expect, signIn, test } from './fixtures';
import { LoginPage } from '../pages/login-page';

/**
 * A hostile page on another port of the same host: the same *site* as Parley, so the browser sends
 * Parley's SameSite=Lax session cookie with its requests. It tries what a CSRF page would: create an
 * admin (text/plain, no preflight), set presence with a plain form, upload a file, open Parley's
 * socket directly over WebSocket (no CORS there) and frame the inbox.
 */
function hostileSite(app: string): Promise<{ url: string; close: () => Promise<void> }> {
  const ioClient = fs.readFileSync(path.join(process.cwd(), 'node_modules/socket.io-client/dist/socket.io.min.js'));
  const page = `<!doctype html><html><body><h1>Win a prize</h1>
<form id="f" method="POST" action="${app}/api/v1/me/presence" target="sink" enctype="text/plain">
  <input name='{"presence":"away","x":"' value='"}'></form>
<iframe name="sink" id="sink"></iframe>
<iframe id="framed" src="${app}/inbox" width="400" height="300"></iframe>
<script src="/io.js"></script>
<script>
window.results = {};
(async () => {
  const body = JSON.stringify({ email: 'mallory@evil.test', name: 'Mallory', password: 'mallory-password', role: 'admin' });
  await fetch('${app}/api/v1/users', { method: 'POST', mode: 'no-cors', credentials: 'include',
    headers: { 'content-type': 'text/plain' }, body }).then(() => results.createAdmin = 'sent', e => results.createAdmin = String(e));
  const fd = new FormData(); fd.set('file', new Blob(['%PDF-1.4 x'], { type: 'application/pdf' }), 'x.pdf');
  await fetch('${app}/api/v1/attachments', { method: 'POST', mode: 'no-cors', credentials: 'include', body: fd })
    .then(() => results.upload = 'sent', e => results.upload = String(e));
  document.getElementById('f').submit();
  results.socket = await new Promise((resolve) => {
    const s = io('${app}', { transports: ['websocket'], reconnection: false, withCredentials: true });
    const events = [];
    s.onAny((name) => events.push(name));
    s.on('ready', () => { setTimeout(() => { resolve({ connected: true, events }); s.close(); }, 500); });
    s.on('connect_error', (e) => resolve({ connected: false, error: String(e && e.message) }));
    setTimeout(() => resolve({ connected: s.connected, events, timeout: true }), 8000);
  });
  results.done = true;
})();
</script></body></html>`;
  const server = http.createServer((req, res) => {
    if (req.url === '/io.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(ioClient);
    res.writeHead(200, { 'content-type': 'text/html' }).end(page);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => server.close(() => r())) });
    }),
  );
}

test("a page on another port of the same host cannot act as the signed-in admin, read their socket or frame Parley", async ({ browser, baseURL }) => {
  const ctx = await browser.newContext({ baseURL });
  await signIn(ctx.request, demoUsers.admin);
  const before = await (await ctx.request.get('/api/v1/me')).json();
  const hostile = await hostileSite(baseURL!);
  try {
    const page = await ctx.newPage();
    await page.goto(hostile.url);
    await page.waitForFunction(() => (window as unknown as { results?: { done?: boolean } }).results?.done, null, { timeout: 20_000 });
    const results = await page.evaluate(() => (window as unknown as { results: Record<string, unknown> }).results);
    // The socket handshake from that origin is refused, so none of the admin's events reach it.
    expect(results.socket).toMatchObject({ connected: false });
    // Nothing the page sent changed anything.
    const users = (await (await ctx.request.get('/api/v1/users')).json()) as { items: { email: string }[] };
    expect(users.items.map((u) => u.email)).not.toContain('mallory@evil.test');
    const after = await (await ctx.request.get('/api/v1/me')).json();
    expect(after.presence).toBe(before.presence);
    // The framed inbox did not render: frame-ancestors 'none' / X-Frame-Options DENY.
    const framed = page.frames().find((f) => f.url().includes('/inbox'));
    const framedText = framed ? await framed.locator('body').innerText().catch(() => '') : '';
    expect(framedText).not.toContain(demoUsers.admin.name);
    await page.screenshot({ path: 'test-results/screens/security-hostile-page.png' });
  } finally {
    await hostile.close();
    await ctx.close();
  }
});

test('sign-in never sends a person to another site, however the next= link is spelled', async ({ page, baseURL }) => {
  const login = new LoginPage(page);
  const app = new URL(baseURL!).host;
  for (const next of ['/\\evil.example/phish', '/\t/evil.example/phish', '//evil.example/phish']) {
    await page.context().clearCookies();
    await page.goto(`/login?next=${encodeURIComponent(next)}`);
    await login.signIn(demoUsers.agent.email, demoUsers.agent.password);
    await expect(page).toHaveURL(/\/inbox$/);
    expect(new URL(page.url()).host, next).toBe(app);
  }
});

test('pages run under a nonce CSP with no violation, and answer with the security headers', async ({ loginAs }) => {
  const page = await loginAs('admin');
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to (load|execute|apply|connect)/i.test(m.text())) violations.push(m.text());
  });
  for (const p of ['/settings', '/live', '/history', '/reports', '/inbox', '/simulator']) {
    const res = await page.goto(p);
    expect(res?.status(), p).toBe(200);
    const h = res!.headers();
    expect(h['content-security-policy'], p).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
    expect(h['x-frame-options'], p).toBe('DENY');
    expect(h['x-content-type-options'], p).toBe('nosniff');
    expect(h['referrer-policy'], p).toBe('same-origin');
    // The page hydrated: its client-side code ran (the signed-in shell's menu is interactive).
    await expect(page.getByTestId('current-user')).toBeVisible();
    await page.waitForLoadState('networkidle');
  }
  expect(violations).toEqual([]);
});
