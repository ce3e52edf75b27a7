import { expect, test } from './fixtures';
import { SettingsPage } from '../pages/settings-page';
import { startTwilioContractMock } from './twilio-contract-mock';

// The server must talk to the Twilio contract mock this spec starts: run with
//   TWILIO_API_BASE_URL=http://127.0.0.1:4795 TWILIO_CONTENT_BASE_URL=http://127.0.0.1:4795 E2E_DEV=1 npx playwright test tests/e2e/admin.spec.ts
const twilioUrl = process.env.TWILIO_API_BASE_URL ?? '';
const twilioPort = Number(/^http:\/\/127\.0\.0\.1:(\d+)$/.exec(twilioUrl)?.[1] ?? 0);

const shots = (name: string) => `test-results/screens/admin-${name}.png`;
const suffix = Date.now().toString(36).slice(-4);

test.describe('admin console', () => {
  test.skip(!twilioPort || process.env.TWILIO_CONTENT_BASE_URL !== twilioUrl, 'set TWILIO_API_BASE_URL and TWILIO_CONTENT_BASE_URL to the same http://127.0.0.1:<port> (see the comment above)');

  // A cold dev server (E2E_DEV=1) compiles each settings page on first visit: minutes on a busy machine.
  test.setTimeout(process.env.E2E_DEV === '1' ? 900_000 : 180_000);

  let stopTwilio: (() => Promise<void>) | undefined;
  test.beforeAll(async () => {
    stopTwilio = (await startTwilioContractMock(twilioPort)).stop;
  });
  test.afterAll(async () => {
    await stopTwilio?.();
  });

  test('an admin sets up a queue, an agent, a Twilio channel, a Spanish quick reply and templates; the agent gets a chat', async ({ loginAs }) => {
    const page = await loginAs('admin');
    const settings = new SettingsPage(page);
    const queueName = `Ventas España ${suffix}`;
    const agent = { name: 'Carmen Rodríguez de la Fuente', email: `carmen-${suffix}@parley.test`, password: 'carmen-password' };

    // Queue
    await settings.goto('queues');
    await settings.createQueue({ name: queueName, routing: 'Offer to all', completionMinutes: '60' });
    const card = page.getByTestId('queues-list').locator('article', { hasText: queueName });
    await expect(card).toContainText('No members');
    await page.screenshot({ path: shots('queues'), fullPage: true });

    // Agent, in the new queue, speaking Spanish
    await settings.openTab('users');
    await settings.createUser({ ...agent, languages: ['es'], queues: [queueName] });
    const row = page.getByTestId(`user-row-${agent.email}`);
    await expect(row).toContainText(queueName);
    await expect(row).toContainText('es');
    // Inline validation: a second user with the same email.
    await settings.createUser({ ...agent, name: 'Copy' });
    await expect(settings.fieldError('user-email')).toHaveText('is already used by another user');
    await page.screenshot({ path: shots('users-duplicate-email') });
    await settings.closeDialog();

    // Twilio channel: inline errors first, then created and checked against Twilio's contract
    await settings.openTab('channels');
    await expect(page.getByTestId('public-url-warning')).toBeVisible();
    await expect(page.getByTestId('one-parley-note')).toBeVisible();
    await page.getByTestId('channel-new').click();
    await settings.fillChannel({ name: 'WhatsApp Ventas', phoneNumber: '600 12 34', accountSid: 'SK123', authToken: 'short', queue: queueName });
    await settings.saveChannel();
    await expect(settings.fieldError('channel-phone')).toContainText('E.164');
    await page.screenshot({ path: shots('channel-errors') });
    const sid = 'AC' + '0123456789abcdef'.repeat(2);
    await settings.fillChannel({ phoneNumber: '+34 911 23 45 67', accountSid: sid, authToken: '0123456789abcdef0123456789abcdef', language: 'es', country: 'ES' });
    await settings.saveChannel();
    await expect(page.getByTestId('channel-form-message')).toContainText('Channel created');
    const urls = page.getByTestId('webhook-urls');
    await expect(urls).toContainText('/api/webhooks/twilio/');
    await expect(urls).toContainText('/status');
    await expect(urls).toContainText('When a message comes in');
    await expect(settings.dialog('channel').getByTestId('channel-token')).toHaveValue('');
    const check = await settings.checkCredentials();
    await expect(check).toContainText('The credentials work');
    await page.screenshot({ path: shots('channel-created'), fullPage: true });
    await settings.closeDialog();
    await expect(settings.channelRow('WhatsApp Ventas')).toContainText('+34911234567');

    // A simulator channel into the same queue, so a customer can write without Twilio
    await page.getByTestId('channel-new').click();
    await settings.fillChannel({ provider: 'simulator', name: `Ventas (simulador) ${suffix}`, phoneNumber: `+3491000${Math.floor(1000 + Math.random() * 8999)}`, queue: queueName, language: 'es', country: 'ES' });
    await settings.saveChannel();
    await expect(page.getByTestId('channel-form-message')).toContainText('Channel created');
    await settings.closeDialog();
    await page.screenshot({ path: shots('channels'), fullPage: true });

    // Spanish quick reply with a preview
    await settings.openTab('quick-replies');
    await settings.createQuickReply({ shortcut: '/saludo', language: 'es', text: 'Hola {{contact.name}}, soy {{agent.name}}. ¿En qué puedo ayudarle?' });
    await expect(page.getByTestId('quick-reply-preview')).toHaveText('Hola María García, soy Ada Admin. ¿En qué puedo ayudarle?');
    await page.screenshot({ path: shots('quick-reply-form') });
    await settings.dialog('quick-reply').getByTestId('quick-reply-save').click();
    await expect(page.getByTestId('quick-reply-saludo-es')).toContainText('Spanish');
    await page.getByTestId('quick-reply-search').fill('ayudarle');
    await expect(page.getByTestId('quick-replies-list').locator('li')).toHaveCount(1);

    // Templates imported from the Content API
    await settings.openTab('templates');
    const result = await settings.importTemplates('WhatsApp Ventas');
    await expect(result).toContainText('3 new');
    const table = page.getByTestId('templates-table');
    await expect(table.locator('tr', { hasText: 'Media Test' }).getByTestId('template-status')).toHaveText('approved');
    await expect(table.locator('tr', { hasText: 'Video Highlights' }).getByTestId('template-status')).toHaveText('rejected');
    await page.screenshot({ path: shots('templates'), fullPage: true });

    // A customer writes to the simulator channel; the new agent, available, sees the chat.
    const channels = (await (await page.request.get('/api/v1/channels')).json()) as { items: { id: string; name: string }[] };
    const sim = channels.items.find((c) => c.name === `Ventas (simulador) ${suffix}`)!;
    const sent = await page.request.post(`/api/simulator/channels/${sim.id}/messages`, {
      data: { from: '+34600111222', profileName: 'María García', text: 'Hola, quiero información' },
    });
    expect(sent.status()).toBe(201);

    const agentPage = await loginAs(agent);
    expect((await agentPage.request.put('/api/v1/me/presence', { data: { presence: 'available' } })).ok()).toBe(true);
    await expect
      .poll(async () => {
        const res = await agentPage.request.get('/api/v1/conversations');
        const body = (await res.json()) as { items?: { channelId: string; contact: { name: string | null } }[] };
        return body.items?.filter((c) => c.channelId === sim.id).map((c) => c.contact.name) ?? [];
      }, { timeout: 30_000 })
      .toEqual(['María García']);
    await agentPage.goto('/inbox');
    await agentPage.waitForLoadState('networkidle').catch(() => {});
    await agentPage.screenshot({ path: shots('agent-inbox'), fullPage: true });
  });

  test('empty states and long names do not break the settings pages', async ({ loginAs }) => {
    const page = await loginAs('admin');
    const settings = new SettingsPage(page);
    await settings.goto('api-tokens');
    await page.getByLabel('Name').fill(`Integración con el CRM corporativo de ventas y postventa ${suffix}`);
    // A bad value is named next to its field, and the form keeps what was typed.
    await page.getByLabel('Expires after (days)').fill('0');
    await page.getByTestId('api-token-create').click();
    await expect(settings.fieldError('token-days')).toContainText('at least 1 day');
    await expect(page.getByLabel('Name')).toHaveValue(/Integración con el CRM/);
    await page.getByLabel('Expires after (days)').fill('');
    await page.getByTestId('api-token-create').click();
    await expect(page.getByTestId('api-token-value')).toContainText('prl_');
    await expect(settings.fieldError('token-days')).toHaveCount(0);
    await page.screenshot({ path: shots('api-tokens'), fullPage: true });
    await settings.openTab('queues');
    await settings.createQueue({ name: `Atención al cliente de reclamaciones y devoluciones internacionales ${suffix}`, acceptSeconds: '2' });
    await expect(settings.fieldError('queue-accept')).toContainText('at least 5 seconds');
    await settings.dialog('queue').getByLabel('Accept timeout (seconds)').fill('30');
    await settings.dialog('queue').getByTestId('queue-save').click();
    await expect(settings.dialog('queue')).toBeHidden();
    await page.screenshot({ path: shots('queues-long-name'), fullPage: true });
  });

  test('a queue that channels feed cannot be deleted: the admin is told why, and nothing changes', async ({ loginAs }) => {
    const page = await loginAs('admin');
    const settings = new SettingsPage(page);
    await settings.goto('queues');
    const support = page.locator('article', { has: page.getByRole('heading', { name: 'Support', exact: true }) });
    await support.getByRole('button', { name: 'Edit' }).click();
    const dialog = settings.dialog('queue');
    page.once('dialog', (d) => void d.accept());
    await dialog.getByTestId('queue-delete').click();
    await expect(dialog).toContainText('feed this queue. Point them at another queue first.');
    await expect(dialog.getByTestId('queue-delete')).toHaveText('Delete');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(page.getByRole('heading', { name: 'Support', exact: true })).toBeVisible();
  });

  test('deleting a quick reply says "Deleting…" on its own button while it runs, then it is gone', async ({ loginAs }) => {
    const page = await loginAs('admin');
    const shortcut = `borrar${suffix}`.toLowerCase();
    const made = await page.request.post('/api/v1/quick-replies', { data: { shortcut, language: 'es', text: 'Texto de prueba' } });
    expect(made.status(), await made.text()).toBe(201);
    const settings = new SettingsPage(page);
    await settings.goto('quick-replies');
    await page.getByTestId(`quick-reply-${shortcut}-es`).getByRole('button', { name: 'Edit' }).click();
    const dialog = settings.dialog('quick-reply');

    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await page.route('**/api/v1/quick-replies/*', async (route) => {
      if (route.request().method() === 'DELETE') await held;
      await route.fallback();
    });
    page.once('dialog', (d) => void d.accept());
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await expect(dialog.getByRole('button', { name: 'Deleting…' })).toBeDisabled();
    await expect(dialog.getByTestId('quick-reply-save')).toHaveText('Save changes');
    release();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId(`quick-reply-${shortcut}-es`)).toHaveCount(0);
    await page.unroute('**/api/v1/quick-replies/*');
  });
});
