import { expect, type Locator, type Page } from '@playwright/test';

export type SettingsTab = 'channels' | 'queues' | 'users' | 'quick-replies' | 'templates' | 'api-tokens';

/** The admin console under /settings. */
export class SettingsPage {
  constructor(readonly page: Page) {}

  async goto(tab: SettingsTab = 'channels') {
    await this.page.goto(`/settings/${tab}`);
    await expect(this.page.getByTestId(`${tab}-panel`)).toBeVisible({ timeout: 90_000 });
  }

  async openTab(tab: SettingsTab) {
    await this.page.getByTestId(`settings-tab-${tab}`).click();
    await expect(this.page.getByTestId(`${tab}-panel`)).toBeVisible();
  }

  dialog(name: string): Locator {
    return this.page.getByTestId(`${name}-dialog`);
  }

  async createQueue(q: { name: string; routing?: 'Offer to all' | 'Assign to least busy'; acceptSeconds?: string; completionMinutes?: string }) {
    await this.page.getByTestId('queue-new').click();
    const d = this.dialog('queue');
    await d.getByLabel('Name').fill(q.name);
    if (q.routing) await d.getByLabel('Routing rule').selectOption({ label: q.routing });
    if (q.acceptSeconds) await d.getByLabel('Accept timeout (seconds)').fill(q.acceptSeconds);
    if (q.completionMinutes) await d.getByLabel('Completion timeout (minutes)').fill(q.completionMinutes);
    await d.getByTestId('queue-save').click();
  }

  async createUser(u: { name: string; email: string; password: string; role?: string; languages?: string[]; queues?: string[]; maxChats?: string }) {
    await this.page.getByTestId('user-new').click();
    const d = this.dialog('user');
    await d.getByLabel('Name').fill(u.name);
    await d.getByLabel('Email').fill(u.email);
    if (u.role) await d.getByLabel('Role').selectOption(u.role);
    if (u.maxChats) await d.getByLabel('Max chats at once').fill(u.maxChats);
    await d.getByLabel('Password').fill(u.password);
    for (const l of u.languages ?? []) await d.getByTestId(`user-lang-${l}`).check();
    for (const q of u.queues ?? []) await d.getByTestId(`user-queue-${q}`).check();
    await d.getByTestId('user-save').click();
  }

  async fillChannel(c: {
    name?: string;
    provider?: 'twilio' | 'simulator';
    phoneNumber?: string;
    accountSid?: string;
    authToken?: string;
    queue?: string;
    language?: string;
    country?: string;
    environment?: 'sandbox' | 'production';
  }) {
    const d = this.dialog('channel');
    if (c.provider) await d.getByLabel('Provider').selectOption(c.provider);
    if (c.name !== undefined) await d.getByLabel('Name').fill(c.name);
    if (c.phoneNumber !== undefined) await d.getByLabel('WhatsApp number').fill(c.phoneNumber);
    if (c.accountSid !== undefined) await d.getByLabel('Account SID').fill(c.accountSid);
    if (c.authToken !== undefined) await d.getByLabel('Auth token').fill(c.authToken);
    if (c.queue) await d.getByLabel('Queue').selectOption({ label: c.queue });
    if (c.language) await d.getByLabel('Language').selectOption(c.language);
    if (c.country) await d.getByLabel('Default country').fill(c.country);
    if (c.environment) await d.getByLabel('Environment').selectOption(c.environment);
  }

  async saveChannel() {
    await this.dialog('channel').getByTestId('channel-save').click();
  }

  fieldError(id: string): Locator {
    return this.page.getByTestId(`error-${id}`);
  }

  async checkCredentials(): Promise<Locator> {
    await this.dialog('channel').getByTestId('channel-check').click();
    return this.page.getByTestId('channel-check-result');
  }

  async closeDialog() {
    await this.page.keyboard.press('Escape');
  }

  channelRow(name: string): Locator {
    return this.page.getByTestId('channels-table').locator('tr', { hasText: name });
  }

  async createQuickReply(r: { shortcut: string; language: string; text: string }) {
    await this.page.getByTestId('quick-reply-new').click();
    const d = this.dialog('quick-reply');
    await d.getByLabel('Shortcut').fill(r.shortcut);
    await d.getByLabel('Language').selectOption(r.language);
    await d.getByLabel('Text').fill(r.text);
  }

  async importTemplates(channelLabel: string | RegExp) {
    const select = this.page.getByLabel(/Import from Twilio/);
    const option = select.locator('option', { hasText: channelLabel });
    await select.selectOption((await option.first().getAttribute('value'))!);
    await this.page.getByTestId('template-import').click();
    return this.page.getByTestId('template-import-result');
  }
}
