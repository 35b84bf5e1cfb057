// The control room end to end: the built headless host (real ffmpeg sources, real
// encoder, the built-in rehearsal ingest) driven through Debian's Chromium.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { Browser, Locator, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../test/support/nginxRtmp';
import { launchChromium } from './support/chromium';
import { startHostProcess, type HostProcess } from './support/hostProcess';

const screenshots = 'docs/screenshots';
const token = `e2e-${randomBytes(6).toString('hex')}`;
let host: HostProcess | undefined;
let browser: Browser | undefined;
let page: Page;
const pageErrors: string[] = [];

/** Playwright locators do not auto-wait inside vitest's expect: poll the attribute instead. */
async function attrOf(locator: Locator, name: string, value: string, timeout = 15_000): Promise<void> {
  await expect.poll(() => locator.getAttribute(name), { timeout, interval: 100 }).toBe(value);
}

const tile = (id: string): Locator => page.getByTestId(`tile-${id}`);
const rehearsalRow = (): Locator => page.locator('li.output', { hasText: 'Rehearsal' });
/** Evaluated in the page; a string because this tsconfig (Node) has no DOM types. */
const inPage = (expression: string): Promise<unknown> => page.evaluate(expression);

/** Mean brightness (0–255) of the picture the rehearsal ingest last decoded. */
async function ingestBrightness(): Promise<number> {
  const url = new URL('/preview/rehearsal.jpg', host?.url);
  url.searchParams.set('token', token);
  const response = await fetch(url);
  if (response.status !== 200) return Number.NaN;
  const stats = await sharp(Buffer.from(await response.arrayBuffer())).greyscale().stats();
  return stats.channels[0].mean;
}

describe('control room', () => {
  beforeAll(async () => {
    host = await startHostProcess(token);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(host.url);
  });

  afterAll(async () => {
    // Both, always, whatever failed: a leaked host keeps ffmpegs running.
    await browser?.close().catch(() => undefined);
    await host?.stop();
  });

  it('shows the three demo cameras live, programme red and preview green', async () => {
    for (const id of ['src-1', 'src-2', 'src-3']) await attrOf(tile(id), 'data-state', 'live', 45_000);
    await expect.poll(() => page.locator('[data-tally]').count()).toBeGreaterThanOrEqual(3);
    await attrOf(tile('src-1'), 'data-tally', 'program');
    await attrOf(tile('src-2'), 'data-tally', 'preview');
    await attrOf(tile('src-3'), 'data-tally', 'none');
    // Real pictures: each camera's multiview tile has drawn decoded frames.
    for (const id of ['src-1', 'src-2', 'src-3']) {
      await expect
        .poll(async () => Number(await tile(id).locator('canvas').getAttribute('data-frames')), { timeout: 15_000 })
        .toBeGreaterThan(2);
    }
    expect(await page.getByTestId('program-name').textContent()).toContain('Showroom');
  });

  it('puts a camera on preview with a click and takes it to programme with CUT', async () => {
    await tile('src-3').click();
    await attrOf(tile('src-3'), 'data-tally', 'preview');
    await attrOf(page.getByTestId('preview-monitor'), 'data-input', 'src-3');
    await page.getByTestId('cut-button').click();
    await attrOf(tile('src-3'), 'data-tally', 'program');
    await attrOf(page.getByTestId('program-monitor'), 'data-input', 'src-3');
    // A cut swaps the buses, as on a hardware switcher.
    await attrOf(tile('src-1'), 'data-tally', 'preview');
    expect(await page.getByTestId('program-name').textContent()).toContain('Factory');
  });

  it('previews with digit keys, cuts with Space and with Shift+digit, and ignores keys typed in a field', async () => {
    await page.keyboard.press('2');
    await attrOf(tile('src-2'), 'data-tally', 'preview');
    await page.keyboard.press('Space');
    await attrOf(tile('src-2'), 'data-tally', 'program');
    await attrOf(page.getByTestId('program-monitor'), 'data-input', 'src-2');

    await page.keyboard.press('Shift+1');
    await attrOf(tile('src-1'), 'data-tally', 'program');

    // A direct cut leaves the preview bus alone.
    const onPreview = await page.getByTestId('preview-monitor').getAttribute('data-input');
    expect(onPreview).not.toBe('src-2');
    const duration = page.getByTestId('transition-duration');
    await duration.focus();
    await page.keyboard.press('2');
    await page.keyboard.press('Escape');
    expect(await inPage('document.activeElement?.tagName')).not.toBe('INPUT');
    // Let a stray request land before asserting that nothing happened.
    await page.waitForTimeout(300);
    expect(await page.getByTestId('preview-monitor').getAttribute('data-input')).toBe(onPreview);
  });

  it('runs AUTO with a progress bar and ends with the preview on programme', async () => {
    const duration = page.getByTestId('transition-duration');
    await duration.fill('1500');
    await duration.press('Enter');
    await page.keyboard.press('Escape');
    await page.getByTestId('transition-dip').click();
    await attrOf(page.getByTestId('transition-dip'), 'aria-checked', 'true');
    await page.keyboard.press('F1');
    await attrOf(page.getByTestId('transition-mix'), 'aria-checked', 'true');

    const target = await page.getByTestId('preview-monitor').getAttribute('data-input');
    expect(target).toBeTruthy();
    await page.getByTestId('auto-button').click();
    await attrOf(page.getByTestId('auto-progress'), 'data-running', 'true', 2_000);
    await attrOf(page.getByTestId('program-monitor'), 'data-input', target ?? '', 10_000);
    await attrOf(page.getByTestId('auto-progress'), 'data-running', 'false', 5_000);
    await attrOf(tile(target ?? ''), 'data-tally', 'program');
  });

  it('adds a test pattern through the dialog and its tile goes LIVE', async () => {
    const before = await page.locator('[data-tally]').count();
    await page.getByTestId('add-source-button').click();
    const dialog = page.getByTestId('add-source-dialog');
    await dialog.waitFor();
    await page.getByTestId('source-name').fill('Jewelry close-up');
    await page.getByTestId('source-color').fill('#b5179e');
    await page.getByTestId('source-tone').fill('880');
    mkdirSync(screenshots, { recursive: true });
    await page.screenshot({ path: `${screenshots}/add-source.png` });
    await page.getByTestId('add-source-submit').click();
    await dialog.waitFor({ state: 'detached' });

    const added = page.locator('[data-tally]', { hasText: 'Jewelry close-up' });
    await added.waitFor();
    expect(await page.locator('[data-tally]').count()).toBe(before + 1);
    await attrOf(added, 'data-state', 'live', 45_000);
    await expect.poll(async () => Number(await added.locator('canvas').getAttribute('data-frames')), { timeout: 15_000 }).toBeGreaterThan(0);
  });

  it('marks a source without sound of its own "no audio" on its tile', async () => {
    await page.getByTestId('add-source-button').click();
    const dialog = page.getByTestId('add-source-dialog');
    await dialog.waitFor();
    await page.getByTestId('source-name').fill('Silent card');
    await page.getByTestId('source-tone').fill('0');
    await page.getByTestId('add-source-submit').click();
    await dialog.waitFor({ state: 'detached' });
    const silent = page.locator('[data-tally]', { hasText: 'Silent card' });
    const mark = silent.locator('[data-testid^="tile-no-audio-"]');
    await mark.waitFor();
    expect(await mark.textContent()).toBe('no audio');
    // The demo cameras carry tones: no mark.
    for (const id of ['src-1', 'src-2', 'src-3']) expect(await page.getByTestId(`tile-no-audio-${id}`).count()).toBe(0);
    const id = (await silent.getAttribute('data-testid'))!.replace('tile-', '');
    await page.getByTestId(`remove-${id}`).click();
    await page.getByTestId(`remove-confirm-${id}`).click();
    await silent.waitFor({ state: 'detached' });
  });

  it('refuses an invalid network feed URL and says why in the dialog', async () => {
    const before = await page.locator('[data-tally]').count();
    await page.getByTestId('add-source-button').click();
    await page.getByTestId('source-kind-networkFeed').click();
    await page.getByTestId('source-name').fill('Broken feed');
    await page.getByTestId('source-url').fill('not a url');
    await page.getByTestId('add-source-submit').click();
    const error = page.getByTestId('add-source-error');
    await error.waitFor();
    expect((await error.textContent())?.trim().length).toBeGreaterThan(5);
    expect(await page.getByTestId('add-source-dialog').isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await page.getByTestId('add-source-dialog').waitFor({ state: 'detached' });
    expect(await page.locator('[data-tally]').count()).toBe(before);
  });

  it('shows on its tile why a feed is not live, in words that say what to check', async () => {
    const port = await freePort(); // nothing listens there: a camera that is switched off
    await page.getByTestId('add-source-button').click();
    await page.getByTestId('source-kind-networkFeed').click();
    await page.getByTestId('source-name').fill('Farm gate');
    await page.getByTestId('source-url').fill(`rtmp://127.0.0.1:${port}/live/gate`);
    await page.getByTestId('add-source-submit').click();
    const feed = page.locator('[data-tally]', { hasText: 'Farm gate' });
    await attrOf(feed, 'data-state', 'reconnecting', 20_000);
    const reason = feed.locator('[data-testid^="tile-reason-"]');
    await expect.poll(() => reason.textContent(), { timeout: 10_000 }).toMatch(/^nothing answers at this address and port/);
    expect(await reason.getAttribute('title')).toMatch(/\(ffmpeg: Connection refused\)$/);
    // Clamped to three lines, so the slate keeps its label and the Retry button.
    const box = await reason.boundingBox();
    expect(box!.height).toBeLessThanOrEqual(3 * 16);
    expect(await feed.locator('[data-testid^="restart-"]').isVisible()).toBe(true);
    const id = (await feed.getAttribute('data-testid'))!.replace('tile-', '');
    await page.getByTestId(`remove-${id}`).click();
    await page.getByTestId(`remove-confirm-${id}`).click();
    await feed.waitFor({ state: 'detached' });
  });

  it('goes live on the rehearsal ingest and locks the canvas on air', async () => {
    const rehearsal = rehearsalRow();
    await rehearsal.waitFor();
    await page.getByTestId('go-live-button').click();
    await attrOf(rehearsal, 'data-state', 'live', 30_000);
    await attrOf(page.getByTestId('on-air'), 'data-on-air', 'true');
    expect(await page.getByTestId('canvas-size').isDisabled()).toBe(true);
    // The picture for the docs, once the bitrate and health figures have filled in,
    // with the transition back at a usual duration after the keyboard tests.
    await page.getByTestId('transition-duration').fill('500');
    await page.getByTestId('transition-duration').press('Enter');
    await page.keyboard.press('Escape');
    // Earlier tests scrolled the multiview to tiles they added: show it from the top.
    await inPage('document.querySelector(\'[data-testid="multiview"]\').scrollTop = 0');
    await page.waitForTimeout(2_000);
    await page.screenshot({ path: `${screenshots}/control-room.png` });
  });

  it('sends real media while live', async () => {
    const rehearsal = rehearsalRow();
    // "Live" must mean media flows: the meter counts bytes sent, the ingest decodes a
    // picture from what it received, and the programme monitor shows the encoded programme.
    await expect.poll(async () => Number(await rehearsal.getAttribute('data-bitrate')), { timeout: 15_000 }).toBeGreaterThan(100);
    const ingestPreview = new URL('/preview/rehearsal.jpg', host?.url);
    ingestPreview.searchParams.set('token', token);
    await expect.poll(async () => (await fetch(ingestPreview)).status, { timeout: 20_000 }).toBe(200);
    await expect
      .poll(() => inPage('document.querySelector(\'[data-testid="program-image"]\')?.naturalWidth ?? 0'), { timeout: 15_000 })
      .toBeGreaterThan(0);
    // The operator sees, beside the output, the picture the ingest decoded.
    await expect
      .poll(() => inPage('Number(document.querySelector(\'[data-testid="rehearsal-received"] canvas\')?.dataset.frames ?? 0)'), { timeout: 15_000 })
      .toBeGreaterThan(0);
  });

  it('fades the programme to black and back (B, or the FTB button), as the ingest receives it', async () => {
    const ftb = page.getByTestId('ftb-button');
    expect(await ingestBrightness()).toBeGreaterThan(50);
    await page.keyboard.press('b');
    await attrOf(ftb, 'data-black', 'true');
    await attrOf(ftb, 'data-fading', 'false', 10_000);
    await expect.poll(ingestBrightness, { timeout: 15_000, interval: 250 }).toBeLessThan(30); // video black is 16
    await ftb.click();
    await attrOf(ftb, 'data-black', 'false');
    await attrOf(ftb, 'data-fading', 'false', 10_000);
    await expect.poll(ingestBrightness, { timeout: 15_000, interval: 250 }).toBeGreaterThan(50);
  });

  it('ends the broadcast', async () => {
    const rehearsal = rehearsalRow();
    await attrOf(page.getByTestId('on-air'), 'data-on-air', 'true');
    await page.getByTestId('stop-all-button').click();
    await attrOf(rehearsal, 'data-state', 'idle', 15_000);
    await attrOf(page.getByTestId('on-air'), 'data-on-air', 'false');
    expect(await page.getByTestId('canvas-size').isDisabled()).toBe(false);
  });

  it('raised no uncaught error in the page', () => {
    expect(pageErrors).toEqual([]);
  });

  it('says so when the studio goes away', async () => {
    expect(await page.getByTestId('connection-banner').count()).toBe(0);
    await host?.stop();
    const banner = page.getByTestId('connection-banner');
    await banner.waitFor({ timeout: 10_000 });
    expect(await banner.textContent()).toMatch(/disconnected/i);
  });
});
