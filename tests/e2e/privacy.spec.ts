import fs from 'node:fs';
import type { Page } from '@playwright/test';
import { seriousViolations as panelViolations } from './axe';
import { expect, test } from './fixtures';
import { SimulatorApi, randomCustomer } from '../pages/simulator-api';

const shots = (name: string) => `test-results/screens/privacy-${name}.png`;
const seriousViolations = (page: Page) => panelViolations(page, { include: '[data-testid="privacy-panel"]' });

test.describe('contacts & privacy', () => {
  test.setTimeout(process.env.E2E_DEV === '1' ? 900_000 : 180_000);

  test('an admin finds a customer on a phone, exports their data, erases them with the typed number and gets a receipt', async ({ loginAs }) => {
    const page = await loginAs('admin');
    await page.setViewportSize({ width: 390, height: 844 });
    const sim = new SimulatorApi(page.request);
    const channel = await sim.channel('en');
    const customer = randomCustomer();
    await sim.send(channel.id, { from: customer, profileName: 'Priya Private', text: 'My card number ends in 4242' });
    await sim.send(channel.id, { from: customer, profileName: 'Priya Private', text: 'Please call me back' });

    await page.goto('/settings/privacy');
    await expect(page.getByTestId('privacy-panel')).toBeVisible({ timeout: 90_000 });
    await expect(page.getByTestId('settings-tab-privacy')).toHaveAttribute('aria-current', 'page');

    // Search by the last digits; the label names the field.
    await page.getByLabel('Find a contact').fill(customer.slice(-7));
    await page.getByLabel('Find a contact').press('Enter');
    const result = page.getByTestId(`privacy-result-${customer}`);
    await expect(result).toContainText('Priya Private');
    await expect(result).toContainText('2 messages');
    expect(await seriousViolations(page)).toEqual([]);
    await result.click();
    const card = page.getByTestId('privacy-contact');
    await expect(card).toContainText(customer);
    await expect(page.getByTestId('privacy-counts')).toContainText('Messages2');
    await page.screenshot({ path: shots('contact-390'), fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);

    // Export: a zip with contact.json.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('privacy-export').click()]);
    expect(download.suggestedFilename()).toMatch(/^parley-contact-.*\.zip$/);
    const zip = fs.readFileSync((await download.path())!);
    expect(zip.subarray(0, 2).toString()).toBe('PK');
    expect(zip.includes(Buffer.from('contact.json'))).toBe(true);

    // Erase: refused until the number is typed; focus starts in the field.
    await page.getByTestId('privacy-erase').click();
    const dialog = page.getByTestId('privacy-erase-dialog');
    await expect(dialog).toBeVisible();
    await expect(page.getByTestId('privacy-confirm')).toBeFocused();
    await expect(page.getByTestId('privacy-confirm-erase')).toBeDisabled();
    await page.getByLabel(`Type the number ${customer} to confirm`).fill('+15550000000');
    await expect(page.getByTestId('privacy-confirm-erase')).toBeDisabled();
    await page.getByTestId('privacy-confirm').fill(customer);
    await expect(page.getByTestId('privacy-confirm-erase')).toBeEnabled();
    await page.screenshot({ path: shots('erase-dialog-390') });
    expect(await seriousViolations(page)).toEqual([]);
    // Escape closes it without erasing, and focus returns to the Erase button.
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId('privacy-erase')).toBeFocused();
    await page.getByTestId('privacy-erase').click();
    await page.getByTestId('privacy-confirm').fill(customer);
    await page.getByTestId('privacy-confirm-erase').click();

    const receipt = page.getByTestId('privacy-receipt');
    await expect(receipt).toContainText('The contact was erased');
    await expect(receipt).toBeFocused();
    await expect(page.getByTestId('privacy-log')).toContainText('Contact erased');
    const receiptId = (await page.getByTestId('privacy-receipt-id').textContent())!.trim();
    const again = await page.request.get(`/api/v1/erasures/${receiptId}`);
    expect(again.status()).toBe(200);
    expect(await again.json()).toMatchObject({ kind: 'contact', counts: { messages: expect.any(Number) } });
    await page.screenshot({ path: shots('receipt-390'), fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);

    // Searching again finds nobody.
    await page.getByLabel('Find a contact').fill(customer.slice(-7));
    await page.getByTestId('privacy-search-submit').click();
    await expect(page.getByTestId('privacy-no-results')).toBeVisible();

    await page.setViewportSize({ width: 1280, height: 800 });
    await page.screenshot({ path: shots('desktop'), fullPage: true });
  });

  test('retention is set in the channel form and shown on the privacy tab', async ({ loginAs }) => {
    const page = await loginAs('admin');
    await page.goto('/settings/channels');
    await expect(page.getByTestId('channels-panel')).toBeVisible({ timeout: 90_000 });
    await page.getByTestId('channels-table').locator('tr').nth(1).getByTestId('channel-edit').click();
    const field = page.getByLabel('Keep messages for (days)');
    await expect(field).toHaveValue('');
    await field.fill('30');
    await page.getByTestId('channel-save').click();
    await expect(page.getByTestId('channel-form-message')).toContainText('Saved');
    await page.screenshot({ path: shots('channel-retention') });

    await page.goto('/settings/privacy');
    await expect(page.getByTestId('privacy-retention')).toContainText('Keeps 30 days');
    expect(await seriousViolations(page)).toEqual([]);
  });
});
