import { expect, type Locator, type Page } from '@playwright/test';

export class InboxPage {
  constructor(readonly page: Page) {}

  async goto() {
    await this.page.goto('/inbox');
    await expect(this.page.getByTestId('agent-workspace')).toBeVisible({ timeout: 90_000 });
    await expect(this.page.getByTestId('realtime-status')).toContainText('Live', { timeout: 30_000 });
  }

  /** Resolves every active chat this agent holds (tests leave the agent's chat limit free for the next). */
  async resolveAllMine() {
    const me = (await (await this.page.request.get('/api/v1/me')).json()) as { id: string };
    const res = await this.page.request.get(`/api/v1/conversations?status=active&assigneeId=${me.id}&limit=200`);
    const { items } = (await res.json()) as { items: { id: string }[] };
    for (const c of items) await this.page.request.post(`/api/v1/conversations/${c.id}/resolve`, { data: {} });
  }

  async setPresence(p: 'available' | 'away' | 'offline') {
    await this.page.getByTestId(`presence-${p}`).click();
    await expect(this.page.getByTestId(`presence-${p}`)).toHaveAttribute('aria-pressed', 'true');
  }

  chat(name: string): Locator {
    return this.page.getByTestId('conversation-item').filter({ hasText: name });
  }

  waiting(name: string): Locator {
    return this.page.getByTestId('waiting-chats').getByTestId('conversation-item').filter({ hasText: name });
  }

  mine(name: string): Locator {
    return this.page.getByTestId('my-chats').getByTestId('conversation-item').filter({ hasText: name });
  }

  async accept(name: string) {
    await this.waiting(name).getByTestId('accept').click();
    await expect(this.mine(name)).toBeVisible();
    await this.mine(name).click();
    await expect(this.page.getByTestId('chat-title')).toHaveText(name);
  }

  input(): Locator {
    return this.page.getByTestId('composer-input');
  }

  async reply(text: string) {
    await this.input().fill(text);
    await this.input().press('Enter');
  }

  outbound(text?: string): Locator {
    const all = this.page.locator('[data-testid="message"][data-direction="outbound"]');
    return text ? all.filter({ hasText: text }) : all;
  }

  inbound(text?: string): Locator {
    const all = this.page.locator('[data-testid="message"][data-direction="inbound"]');
    return text ? all.filter({ hasText: text }) : all;
  }
}
