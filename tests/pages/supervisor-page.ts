import { expect, type Locator, type Page } from '@playwright/test';

/** The supervisor's live queues, history search, transcript and reports pages. */
export class SupervisorPage {
  constructor(readonly page: Page) {}

  async gotoLive() {
    await this.page.goto('/live');
    await expect(this.page.getByTestId('live-view')).toBeVisible({ timeout: 90_000 });
    await expect(this.page.getByTestId('realtime-status')).toContainText('Live', { timeout: 30_000 });
  }

  liveChat(name: string): Locator {
    return this.page.getByTestId('live-chat').filter({ hasText: name });
  }

  queueRow(name: string): Locator {
    return this.page.locator(`[data-testid="queue-row"][data-queue="${name}"]`);
  }

  async openLiveChat(name: string) {
    await this.liveChat(name).click();
    await expect(this.page.getByTestId('live-transcript').getByTestId('transcript-contact')).toHaveText(name);
  }

  async resolveOpenChat() {
    await this.page.getByTestId('live-transcript').getByTestId('resolve').click();
  }

  async gotoHistory() {
    await this.page.goto('/history');
    await expect(this.page.getByTestId('history')).toBeVisible({ timeout: 90_000 });
  }

  async search(filters: { q?: string; contact?: string; status?: string }) {
    if (filters.q !== undefined) await this.page.getByTestId('filter-q').fill(filters.q);
    if (filters.contact !== undefined) await this.page.getByTestId('filter-contact').fill(filters.contact);
    if (filters.status !== undefined) await this.page.getByTestId('filter-status').selectOption(filters.status);
    await this.page.getByTestId('search').click();
  }

  results(): Locator {
    return this.page.getByTestId('history-row');
  }

  async openResult(name: string) {
    await this.results().filter({ hasText: name }).getByTestId('history-open').click();
    await expect(this.page.getByTestId('transcript-contact')).toHaveText(name, { timeout: 60_000 });
  }

  async exportCsv(): Promise<string> {
    const download = this.page.waitForEvent('download');
    await this.page.getByTestId('export-csv').click();
    const file = await download;
    const path = await file.path();
    const fs = await import('node:fs');
    return fs.readFileSync(path, 'utf8');
  }

  async gotoReports() {
    await this.page.goto('/reports');
    await expect(this.page.getByTestId('reports')).toBeVisible({ timeout: 90_000 });
  }
}
