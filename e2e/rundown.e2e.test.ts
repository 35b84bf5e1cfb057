// The rundown panel end to end: the built headless host with the demo jewelry show
// (real sources, the real switcher and metadata path), driven through Debian's
// Chromium. A take is judged by what main reports afterwards (the programme input,
// the metadata entry's frame), not by the button's own answer alone.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/chromium';
import { startHostProcess, type HostProcess } from './support/hostProcess';

const screenshots = 'docs/screenshots';
const token = `e2e-${randomBytes(6).toString('hex')}`;
let host: HostProcess | undefined;
let browser: Browser | undefined;
let page: Page;
const pageErrors: string[] = [];

const demoIds = ['solitaire-ring', 'eternity-band', 'sapphire-pendant', 'pearl-strand', 'workshop-signet', 'diamond-studs', 'tennis-bracelet'];

async function attrOf(locator: Locator, name: string, value: string, timeout = 15_000): Promise<void> {
  await expect.poll(() => locator.getAttribute(name), { timeout, interval: 100 }).toBe(value);
}

const row = (id: string): Locator => page.getByTestId(`rundown-row-${id}`);
const panel = (): Locator => page.getByTestId('rundown-panel');
/** Segment ids in the order the panel lists them (evaluated in the page: this tsconfig has no DOM types). */
const rowIds = async (): Promise<string[]> =>
  (await page.evaluate('[...document.querySelectorAll(\'[data-testid^="rundown-row-"]\')].map((r) => r.dataset.testid.slice(12))')) as string[];
/** The answered frame of the last take, as the panel shows it. */
const lastTakeFrame = async (): Promise<number> => Number(await page.getByTestId('rundown-last-take').getAttribute('data-frame'));

/** Takes and checks that the row, the programme and the "explaining" metadata all moved, on the answered frame. */
async function expectOnAir(id: string, input: string): Promise<number> {
  await attrOf(row(id), 'data-state', 'onAir');
  await attrOf(panel(), 'data-on-air', id);
  await attrOf(page.getByTestId('program-monitor'), 'data-input', input);
  await attrOf(page.getByTestId('rundown-last-take'), 'data-segment', id);
  const frame = await lastTakeFrame();
  expect(frame).toBeGreaterThan(0);
  // Main sent "explaining started" for it bound to that same programme frame.
  const explaining = page.locator(`[data-testid^="metadata-entry-"][data-kind="explaining"][data-frame="${frame}"]`);
  await expect.poll(() => explaining.count(), { timeout: 10_000 }).toBeGreaterThan(0);
  return frame;
}

describe('rundown panel', () => {
  beforeAll(async () => {
    host = await startHostProcess(token);
    browser = await launchChromium();
    // Tall enough that the whole demo rundown is in view: rows are dragged onto each other.
    page = await browser.newPage({ viewport: { width: 1600, height: 1200 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(host.url);
    await panel().waitFor({ timeout: 30_000 });
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await host?.stop();
  });

  it('shows the demo rundown with thumbnails, prices, stock, inputs and durations', async () => {
    await expect.poll(rowIds, { timeout: 15_000 }).toEqual(demoIds);
    expect(await page.getByTestId('rundown-count').textContent()).toBe('7 segments');
    expect(await panel().textContent()).toContain('Friday Night Jewelry Live');
    await attrOf(row('solitaire-ring'), 'data-state', 'next');
    expect(await page.locator('[data-testid^="rundown-row-"][data-state="onAir"]').count()).toBe(0);
    const ring = await row('solitaire-ring').innerText();
    for (const text of ['RG-SOL-050', '€1,590.00', '€1,890.00', 'flash 5:00', '25/25', 'Close-up inset', '5:00']) expect(ring).toContain(text);
    expect(await row('pearl-strand').innerText()).toContain('Farm');
    // Thumbnails are made with sharp after start: each row's picture arrives and decodes.
    await expect
      .poll(() => page.evaluate('[...document.querySelectorAll(".rundown-row__thumb img")].filter((i) => i.naturalWidth > 0).length'), { timeout: 30_000 })
      .toBe(7);
  });

  it('takes the cued segment: its row goes red, its input goes to programme, on the frame main answered', async () => {
    expect(await page.getByTestId('program-monitor').getAttribute('data-input')).toBe('src-1');
    await page.getByTestId('rundown-take').click();
    const first = await expectOnAir('solitaire-ring', 'scn-4');
    expect(await page.getByTestId('rundown-last-take').textContent()).toBe(`Took solitaire-ring on programme frame #${first}`);
    expect(await page.getByTestId('program-name').textContent()).toContain('Close-up');
    await attrOf(row('eternity-band'), 'data-state', 'next');
    // The on-air row counts its time against the target, and its flash sale runs.
    await expect.poll(() => page.getByTestId('rundown-time-solitaire-ring').textContent(), { timeout: 5_000 }).toMatch(/^0:0\d \/ 5:00\d:\d\d left$/);
    expect(await page.getByTestId('rundown-price-solitaire-ring').textContent()).toMatch(/ends 0[45]:\d\d/);

    // T takes the next one from the keyboard.
    await page.keyboard.press('t');
    const second = await expectOnAir('eternity-band', 'scn-4');
    expect(second).toBeGreaterThan(first);
    await attrOf(row('solitaire-ring'), 'data-state', 'none');
  });

  it('cues a segment with a click and takes it; Shift+T takes the one before', async () => {
    await row('pearl-strand').click();
    await attrOf(row('pearl-strand'), 'data-state', 'next');
    await attrOf(panel(), 'data-next', 'pearl-strand');
    await page.getByTestId('rundown-take').click();
    await expectOnAir('pearl-strand', 'src-2');
    expect(await page.getByTestId('program-name').textContent()).toContain('Farm');

    await page.keyboard.press('Shift+T');
    await expectOnAir('sapphire-pendant', 'src-1');
    expect(await page.getByTestId('program-name').textContent()).toContain('Showroom');
  });

  it('starts a flash sale on the product on air and switches the on-air graphics', async () => {
    // The pendant has no promo price: main refuses, and says why.
    await page.getByTestId('flash-sale-start').click();
    await expect.poll(() => page.getByTestId('toast').last().textContent(), { timeout: 5_000 }).toMatch(/has no promo price/);

    await row('pearl-strand').click();
    await page.getByTestId('rundown-take').click();
    await expectOnAir('pearl-strand', 'src-2');
    await page.getByTestId('flash-sale-seconds').fill('90');
    await page.getByTestId('flash-sale-start').click();
    await expect.poll(() => page.getByTestId('rundown-price-pearl-strand').textContent(), { timeout: 5_000 }).toMatch(/€279\.00€340\.00ends 01:(2\d|30)/);

    // On by default; a click takes it off, another puts it back.
    const offAndOn = async (testId: string) => {
      const toggle = page.getByTestId(testId);
      expect(await toggle.getAttribute('aria-pressed')).toBe('true');
      await toggle.click();
      await attrOf(toggle, 'aria-pressed', 'false');
      await toggle.click();
      await attrOf(toggle, 'aria-pressed', 'true');
    };
    await offAndOn('graphics-card');
    const ticker = page.getByTestId('graphics-ticker');
    const tickerOn = await ticker.getAttribute('aria-pressed');
    await ticker.click();
    await attrOf(ticker, 'aria-pressed', tickerOn === 'true' ? 'false' : 'true');
    await offAndOn('graphics-shoutouts');
  });

  it('reorders with the arrow buttons and by dragging a row', async () => {
    await page.getByTestId('rundown-down-solitaire-ring').click();
    await expect.poll(rowIds, { timeout: 5_000 }).toEqual(['eternity-band', 'solitaire-ring', ...demoIds.slice(2)]);
    await page.getByTestId('rundown-up-solitaire-ring').click();
    await expect.poll(rowIds, { timeout: 5_000 }).toEqual(demoIds);
    expect(await page.getByTestId('rundown-up-solitaire-ring').isDisabled()).toBe(true);

    await row('tennis-bracelet').dragTo(row('eternity-band'));
    await expect.poll(rowIds, { timeout: 5_000 }).toEqual(['solitaire-ring', 'tennis-bracelet', 'eternity-band', ...demoIds.slice(2, 6)]);
    await row('tennis-bracelet').dragTo(row('diamond-studs'));
    await expect.poll(rowIds, { timeout: 5_000 }).toEqual(demoIds);
  });

  it("refuses a bad edit with main's reason in the dialog and changes nothing; a good edit shows at once", async () => {
    const revision = await panel().getAttribute('data-revision');
    await page.getByTestId('rundown-edit-sapphire-pendant').click();
    const editor = page.getByTestId('segment-editor');
    await editor.waitFor();
    expect(await page.getByTestId('segment-sku').inputValue()).toBe('NK-SAP-HALO');
    expect(await page.getByTestId('segment-script').inputValue()).toContain('[[stone]]');

    await page.getByTestId('segment-price').fill('-5');
    await page.getByTestId('segment-save').click();
    const error = page.getByTestId('segment-editor-error');
    await expect.poll(() => error.textContent(), { timeout: 5_000 }).toMatch(/price must be 0 or more/);
    // A promo above the price: a rule across two fields, also main's.
    await page.getByTestId('segment-price').fill('890');
    await page.getByTestId('segment-promo-price').fill('990');
    await page.getByTestId('segment-save').click();
    await expect.poll(() => error.textContent(), { timeout: 5_000 }).toMatch(/promoPrice must be lower than price \(990 ≥ 890\)/);
    // A decimal comma never reaches main: the field cannot carry it as a number.
    await page.getByTestId('segment-promo-price').fill('12,50');
    await page.getByTestId('segment-save').click();
    await expect.poll(() => error.textContent(), { timeout: 5_000 }).toBe('promoPrice "12,50" is not a number (use a dot for decimals: 12.50)');
    expect(await editor.isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await editor.waitFor({ state: 'detached' });
    await page.waitForTimeout(300);
    expect(await panel().getAttribute('data-revision')).toBe(revision);
    expect(await page.getByTestId('rundown-price-sapphire-pendant').textContent()).toBe('€890.00');

    await page.getByTestId('rundown-edit-sapphire-pendant').click();
    await editor.waitFor();
    await page.getByTestId('segment-price').fill('850');
    await page.getByTestId('segment-promo-price').fill('799');
    await page.getByTestId('segment-save').click();
    await editor.waitFor({ state: 'detached', timeout: 5_000 });
    await expect.poll(() => page.getByTestId('rundown-price-sapphire-pendant').textContent(), { timeout: 5_000 }).toBe('€799.00€850.00');
    expect(await panel().getAttribute('data-revision')).not.toBe(revision);
  });

  it('refuses a CSV with bad rows whole, listing every reason by line, and changes nothing', async () => {
    const before = await rowIds();
    const revision = await panel().getAttribute('data-revision');
    const csv = [
      'id,sku,title,price,promoPrice,currency,stock,input,targetDurationSec,script',
      'ok-1,SKU-1,Good ring,100,,EUR,5,src-1,60,Hello',
      'bad-1,SKU-2,Price with comma,"12,50",,EUR,5,src-1,60,',
      'bad-2,SKU-3,Promo too high,100,120,eur,-1,src-1,60,',
      'ok-1,SKU-4,Same id,100,,EUR,5,src-9,60,',
      'bad-4,SKU-5,Short,100,,EUR,5,src-1,2,[[unclosed',
    ].join('\n');
    await page.getByTestId('rundown-import-open').click();
    const dialog = page.getByTestId('rundown-import');
    await dialog.waitFor();
    await page.getByTestId('rundown-import-file').setInputFiles({ name: 'show.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await expect.poll(() => page.getByTestId('rundown-import-chosen').textContent()).toBe('show.csv · CSV · 6 text lines');
    try {
      await page.getByTestId('rundown-import-submit').click();
      const error = page.getByTestId('rundown-import-error');
      await error.waitFor({ timeout: 5_000 });
      const title = await page.getByTestId('rundown-import-error-title').textContent();
      expect(title).toMatch(/^Rundown not imported: \d+ problems$/);
      const reasons = await error.locator('li').allTextContents();
      expect(reasons).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^line 3: price "12,50" is not a number/),
          expect.stringMatching(/^line 4: currency must be an ISO 4217 code/),
          expect.stringMatching(/^line 4: stock must be 0 or more/),
          expect.stringMatching(/^line 4: promoPrice must be lower than price/),
          expect.stringMatching(/^line 5: duplicate id "ok-1" \(also line 2\)/),
          expect.stringMatching(/^line 5: input "src-9" is not a camera or layout/),
          expect.stringMatching(/^line 6: targetDurationSec must be 5 or more/),
          expect.stringMatching(/^line 6: marker on script line 1 is not closed/),
        ]),
      );
      // Every line the refusal has is in the dialog, none cut.
      expect(reasons.length).toBe(Number(title!.match(/(\d+) problems/)![1]));
      expect(reasons.every((r) => /^line [2-6]\b/.test(r))).toBe(true);
    } finally {
      // Closed whatever the assertions said, so the next test starts on the panel.
      await page.keyboard.press('Escape');
    }
    await dialog.waitFor({ state: 'detached' });
    await page.waitForTimeout(300);
    expect(await rowIds()).toEqual(before);
    expect(await panel().getAttribute('data-revision')).toBe(revision);
  });

  it('reads the format from the file name: a JSON refusal is shown too, and other files are not sent', async () => {
    const revision = await panel().getAttribute('data-revision');
    await page.getByTestId('rundown-import-open').click();
    const dialog = page.getByTestId('rundown-import');
    await dialog.waitFor();
    try {
      const file = page.getByTestId('rundown-import-file');
      await file.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
      await expect.poll(() => page.getByTestId('rundown-import-error').innerText()).toContain('notes.txt: choose a .csv or .json rundown file');
      expect(await page.getByTestId('rundown-import-submit').isDisabled()).toBe(true);

      const json = JSON.stringify({ version: 2, segments: [{ id: 'x', sku: 'X', title: 'T', price: 1, currency: 'EUR', stock: 1, input: 'src-1', targetDurationSec: 60, promo_price: 1 }] });
      await file.setInputFiles({ name: 'Show.JSON', mimeType: 'application/json', buffer: Buffer.from(json) });
      await expect.poll(() => page.getByTestId('rundown-import-chosen').textContent()).toBe('Show.JSON · JSON · 1 text lines');
      await page.getByTestId('rundown-import-submit').click();
      await expect.poll(() => page.getByTestId('rundown-import-error').innerText(), { timeout: 5_000 }).toMatch(/version must be 1/);
    } finally {
      await page.keyboard.press('Escape');
    }
    await dialog.waitFor({ state: 'detached' });
    expect(await rowIds()).toEqual(demoIds);
    expect(await panel().getAttribute('data-revision')).toBe(revision);
  });

  it('keeps a picture of the running rundown for the docs', async () => {
    await row('workshop-signet').click();
    await attrOf(row('workshop-signet'), 'data-state', 'next');
    await page.getByTestId('director-message').fill('stretch 30 s, then the signet');
    await page.getByTestId('director-message').press('Enter');
    await expect.poll(() => page.getByTestId('director-message-showing').textContent(), { timeout: 5_000 }).toBe('Showing: “stretch 30 s, then the signet”');
    await page.keyboard.press('Escape');
    mkdirSync(screenshots, { recursive: true });
    await page.waitForTimeout(1_000);
    await panel().screenshot({ path: `${screenshots}/rundown.png` });
  });

  it('exports the rundown as CSV and JSON, ends the show, and imports a good CSV whole', async () => {
    const save = async (testId: string): Promise<string> => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
      return readFileSync((await download.path())!, 'utf8');
    };
    const csv = await save('rundown-export-csv');
    expect(csv.split('\r\n')[0]).toMatch(/^id,sku,/);
    expect(csv).toContain('sapphire-pendant,NK-SAP-HALO');
    const json = JSON.parse(await save('rundown-export-json')) as { title: string; segments: { id: string; price: number }[] };
    expect(json.title).toBe('Friday Night Jewelry Live');
    expect(json.segments.map((s) => s.id)).toEqual(demoIds);
    expect(json.segments.find((s) => s.id === 'sapphire-pendant')?.price).toBe(850);

    await page.getByTestId('rundown-end').click();
    await attrOf(panel(), 'data-on-air', '');
    await attrOf(page.getByTestId('rundown-last-take'), 'data-segment', '');
    expect(await page.getByTestId('rundown-last-take').textContent()).toMatch(/^Ended on programme frame #\d+$/);

    const good = ['id,sku,title,price,currency,stock,input,targetDurationSec,script', 'mug-1,MUG-1,Factory mug,12.5,EUR,100,src-3,60,"[[intro]] Hello\n[[price]] Only 12.50"', 'tee-1,TEE-1,Farm tee,20,EUR,40,src-2,90,Hi'].join('\r\n');
    await page.getByTestId('rundown-import-open').click();
    await page.getByTestId('rundown-import-file').setInputFiles({ name: 'merch.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
    await page.getByTestId('rundown-import-submit').click();
    await page.getByTestId('rundown-import').waitFor({ state: 'detached', timeout: 5_000 });
    await expect.poll(rowIds, { timeout: 5_000 }).toEqual(['mug-1', 'tee-1']);
    expect(await row('mug-1').innerText()).toContain('Factory');
  });

  it('raised no uncaught error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
