// The orders panel end to end: the built headless host's real order desk (its
// receiver process, journal and aggregates) fed by the rehearsal simulator and by
// real HTTP requests to its webhook, shown in Debian's Chromium. Figures on screen are
// checked against each other (per-SKU units add up to the total, stock left is
// stock minus units) and against what the receiver answered.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/chromium';
import { startHostProcess, type HostProcess } from './support/hostProcess';

const screenshots = 'docs/screenshots';
const token = `e2e-${randomBytes(6).toString('hex')}`;
let host: HostProcess | undefined;
let browser: Browser | undefined;
let page: Page;
let prompter: Page;
const pageErrors: string[] = [];

async function attrOf(locator: Locator, name: string, value: string, timeout = 15_000): Promise<void> {
  await expect.poll(() => locator.getAttribute(name), { timeout, interval: 100 }).toBe(value);
}

const valueOf = async (testId: string, on: Page = page): Promise<number> => Number(await on.getByTestId(testId).getAttribute('data-value'));

interface SkuRow {
  readonly sku: string;
  readonly units: number;
  readonly stockLeft: number | null;
}

/** The whole panel read in one go in the page, so the figures compared come from one snapshot. */
async function readPanel(): Promise<{ orders: number; units: number; gmv: number; skus: SkuRow[] }> {
  return (await page.evaluate(`(() => {
    const value = (id) => Number(document.querySelector('[data-testid="' + id + '"]').dataset.value);
    const skus = [...document.querySelectorAll('tr[data-testid^="orders-sku-"]')].map((r) => ({
      sku: r.dataset.testid.slice('orders-sku-'.length),
      units: Number(r.dataset.units),
      stockLeft: r.dataset.stockLeft === '' ? null : Number(r.dataset.stockLeft),
    }));
    return { orders: value('orders-count'), units: value('orders-units'), gmv: value('orders-gmv'), skus };
  })()`)) as { orders: number; units: number; gmv: number; skus: SkuRow[] };
}

/** Full buyer names the simulator uses: none may reach the screen unmasked. */
const fullNames = ['Wang Hong', 'Zhang Wei', 'Chen Jie', 'Maria Rossi', 'Zhao Lei', 'Yang Fan', 'Anna Müller', 'Wu Mei', 'Nguyễn Thị Lan'];
const demoStock: Readonly<Record<string, number>> = {
  'RG-SOL-050': 25,
  'RG-ETN-100': 40,
  'NK-SAP-HALO': 30,
  'NK-PRL-085': 60,
  'RG-SIG-925': 50,
  'ER-STD-060': 35,
  'BR-TEN-300': 8,
};

describe('orders panel', () => {
  beforeAll(async () => {
    host = await startHostProcess(token);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1600, height: 1200 } });
    page.on('pageerror', (e) => pageErrors.push(`control room: ${e.message}`));
    await page.goto(host.url);
    await page.getByTestId('orders-panel').waitFor({ timeout: 30_000 });
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await host?.stop();
  });

  it('starts at zero and names where the webhook listens', async () => {
    for (const id of ['orders-count', 'orders-units', 'orders-gmv', 'orders-per-minute', 'orders-rejected', 'orders-duplicates']) expect(await valueOf(id)).toBe(0);
    expect(await page.getByTestId('orders-ticker').innerText()).toBe('No orders yet.');
    await expect.poll(() => page.getByTestId('orders-receiver').innerText(), { timeout: 15_000 }).toMatch(/^Webhook http:\/\/127\.0\.0\.1:\d+\/orders\//);
  });

  it('counts simulated orders live: counters, the ticker with masked buyers, sales and stock per SKU', async () => {
    // A segment on air, so the teleprompter has a product whose sales it shows.
    await page.getByTestId('rundown-take').click();
    await attrOf(page.getByTestId('rundown-panel'), 'data-on-air', 'solitaire-ring');
    await page.getByTestId('orders-sim-rate').fill('40');
    await page.getByTestId('orders-simulate').click();
    await attrOf(page.getByTestId('orders-panel'), 'data-simulating', 'true');

    await expect.poll(() => valueOf('orders-count'), { timeout: 15_000 }).toBeGreaterThan(0);
    const first = await valueOf('orders-count');
    await page.waitForTimeout(1_500);
    expect(await valueOf('orders-count')).toBeGreaterThan(first);
    expect(await valueOf('orders-per-minute')).toBeGreaterThan(0);
    expect(await valueOf('orders-gmv')).toBeGreaterThan(0);

    const ticker = page.getByTestId('orders-ticker');
    await expect.poll(async () => Number(await ticker.getAttribute('data-count')), { timeout: 5_000 }).toBe(8);
    const lines = await ticker.locator('li').allInnerTexts();
    for (const line of lines) {
      expect(line).toMatch(/\*/);
      for (const name of fullNames) expect(line).not.toContain(name);
    }
    // Several SKUs are selling, each with its stock left beside it.
    await expect.poll(async () => (await readPanel()).skus.length, { timeout: 10_000 }).toBeGreaterThan(2);
  });

  it('shows the on-air product selling on the teleprompter', async () => {
    const context = await browser!.newContext({ viewport: { width: 1920, height: 1080 } });
    prompter = await context.newPage();
    prompter.on('pageerror', (e) => pageErrors.push(`teleprompter: ${e.message}`));
    const url = new URL(host!.url);
    url.searchParams.set('view', 'teleprompter');
    await prompter.goto(url.href);
    await prompter.getByTestId('prompter-side').waitFor({ timeout: 30_000 });
    await expect.poll(async () => Number(await prompter.getByTestId('prompter-orders').getAttribute('data-count')), { timeout: 10_000 }).toBe(4);
    expect(Number(await prompter.getByTestId('prompter-per-minute').locator('b').innerText())).toBeGreaterThan(0);
  });

  it('holds still when the simulator stops, and every figure agrees with the others', async () => {
    // Long enough for repeated deliveries (3 % of them) to have happened.
    await expect.poll(() => valueOf('orders-count'), { timeout: 30_000 }).toBeGreaterThan(200);
    await page.getByTestId('orders-simulate').click();
    await attrOf(page.getByTestId('orders-panel'), 'data-simulating', 'false');
    await page.waitForTimeout(1_000); // deliveries in flight land
    const stopped = await readPanel();
    await page.waitForTimeout(1_500);
    expect(await readPanel()).toEqual(stopped);

    expect(await valueOf('orders-duplicates')).toBeGreaterThan(0);
    expect(stopped.units).toBeGreaterThanOrEqual(stopped.orders);
    expect(stopped.gmv).toBeGreaterThan(0);
    // GMV in the orders' currency, formatted as a buyer reads it.
    const gmvText = await page.getByTestId('orders-gmv').innerText();
    const currency = /GMV ([A-Z]{3})$/.exec(gmvText)?.[1] ?? '';
    expect(gmvText.split('\n')[0]).toBe(new Intl.NumberFormat('en', { style: 'currency', currency }).format(stopped.gmv));
    expect(stopped.skus.reduce((sum, r) => sum + r.units, 0)).toBe(stopped.units);
    for (const row of stopped.skus) {
      const start = demoStock[row.sku];
      if (start === undefined) expect(row.stockLeft).toBeNull();
      else expect(row.stockLeft).toBe(start - row.units);
    }
    // The rundown and the teleprompter show the same stock left for the ring on air.
    const ring = stopped.skus.find((r) => r.sku === 'RG-SOL-050');
    const ringLeft = ring?.stockLeft ?? 25;
    expect(await page.getByTestId('rundown-row-solitaire-ring').innerText()).toContain(`${Math.max(0, ringLeft)}/25`);
    await attrOf(prompter.getByTestId('prompter-stock'), 'data-left', String(Math.max(0, ringLeft)));
    expect(await prompter.getByTestId('prompter-units').locator('b').innerText()).toBe(String(ring?.units ?? 0));
  });

  it('shows a receiver address that really answers', async () => {
    const shown = (await page.getByTestId('orders-receiver').locator('code').first().innerText()).trim();
    // No shop webhook is configured in a fresh studio: the path answers that no adapter is there.
    const answer = await fetch(shown.replace('{adapter}', 'no-such-shop'), { method: 'POST', body: '{}' });
    expect(answer.status).toBe(404);
    expect(await answer.json()).toEqual({ error: 'no order adapter at this path' });
    expect(await valueOf('orders-rejected')).toBe(0);
  });

  it('keeps a picture of the orders panel for the docs', async () => {
    await page.getByTestId('orders-simulate').click();
    await attrOf(page.getByTestId('orders-panel'), 'data-simulating', 'true');
    await page.waitForTimeout(3_000);
    mkdirSync(screenshots, { recursive: true });
    await page.getByTestId('orders-panel').screenshot({ path: `${screenshots}/orders.png` });
    await page.getByTestId('orders-simulate').click();
    await attrOf(page.getByTestId('orders-panel'), 'data-simulating', 'false');
  });

  it('raised no uncaught error in any page', () => {
    expect(pageErrors).toEqual([]);
  });
});
