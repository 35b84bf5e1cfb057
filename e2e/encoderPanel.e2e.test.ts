// The encoder panel end to end: the built headless host probes this machine's real
// ffmpeg in the background at start (no GPU here), and the control room shows it.
import { randomBytes } from 'node:crypto';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/chromium';
import { startHostProcess, type HostProcess } from './support/hostProcess';
import { RATE_MARGIN } from '../src/main/engine/encoder/autoEncoder';

const token = `e2e-${randomBytes(6).toString('hex')}`;
let host: HostProcess | undefined;
let browser: Browser | undefined;
let page: Page;
const pageErrors: string[] = [];

const panel = (): Locator => page.getByTestId('encoder-panel');
const probeState = (): Promise<string | null> => panel().getAttribute('data-probe-state');

describe('encoder panel', () => {
  beforeAll(async () => {
    host = await startHostProcess(token);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1600, height: 1200 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(host.url);
  });

  afterAll(async () => {
    // Both, always, whatever failed: a leaked host keeps ffmpegs running.
    await browser?.close().catch(() => undefined);
    await host?.stop();
  });

  it('shows x264 working with a measured speed and hardware unavailable with its reason', async () => {
    await panel().scrollIntoViewIfNeeded();
    await expect.poll(probeState, { timeout: 60_000, interval: 200 }).toBe('done');
    const x264 = page.getByTestId('encoder-libx264');
    expect(await x264.getAttribute('data-state')).toBe('working');
    expect(Number(await x264.getAttribute('data-fps'))).toBeGreaterThan(0);
    expect(await x264.textContent()).toMatch(/\d+(\.\d+)? fps/);

    // This machine has no GPU: every hardware family this ffmpeg lists is unavailable, with ffmpeg's reason.
    const nvenc = page.getByTestId('encoder-family-nvenc');
    expect(await nvenc.getAttribute('data-state')).toBe('unavailable');
    expect(await page.getByTestId('encoder-h264_nvenc').textContent()).toContain('Cannot load libcuda.so.1');
    expect(await page.locator('[data-testid^="encoder-family-"][data-state="unavailable"]').count()).toBeGreaterThanOrEqual(1);
    expect(await page.getByTestId('encoder-family-amf').getAttribute('data-state')).toBe('notListed');

    // Auto's choice and why: software, its measured speed, whether that holds 720p30
    // with the margin auto keeps (this shared 2-core machine measures either side of it), and the profile.
    const reason = (await page.getByTestId('encoder-auto-reason').textContent()) ?? '';
    expect(reason).toMatch(/^x264 veryfast: [\d.]+ fps at 1280x720( — cannot hold 30 fps)?; no hardware encoder works on this machine$/);
    const measured = Number(/: ([\d.]+) fps/.exec(reason)![1]);
    expect(reason.includes('cannot hold 30 fps')).toBe(measured < 30 * RATE_MARGIN);
    expect(await page.getByTestId('encoder-profile').textContent()).toMatch(/^H\.264 High@3\.1, CBR \d+ kbps/);
  });

  it('re-probes on request and comes back with a fresh result', async () => {
    const before = await panel().textContent();
    await page.getByTestId('encoder-reprobe').click();
    await expect.poll(probeState, { timeout: 10_000, interval: 50 }).toBe('probing');
    expect(await page.getByTestId('encoder-reprobe').isDisabled()).toBe(true);
    await expect.poll(probeState, { timeout: 60_000, interval: 200 }).toBe('done');
    expect(await panel().textContent()).toMatch(/Probed at 1280x720@30/);
    expect(before).toBeTruthy();
    expect(Number(await page.getByTestId('encoder-libx264').getAttribute('data-fps'))).toBeGreaterThan(0);
    expect(pageErrors).toEqual([]);
  });

  it('refuses settings the chosen encoder cannot honour, says why, and changes nothing', async () => {
    await page.getByTestId('encoder-choice').selectOption('libx264');
    await expect.poll(() => page.getByTestId('encoder-choice').inputValue(), { timeout: 10_000 }).toBe('libx264');
    await page.getByTestId('encoder-codec').selectOption('hevc');
    const error = page.getByTestId('encoder-settings-error');
    await error.waitFor({ timeout: 10_000 });
    expect(await error.textContent()).toMatch(/HEVC|hevc/);
    // Main kept H.264: the form shows main's snapshot, not what was asked.
    expect(await page.getByTestId('encoder-codec').inputValue()).toBe('h264');
  });

  it('encodes with x265 over HEVC when asked, and the health strip says so', async () => {
    // Choosing an encoder chooses its codec: x265 makes HEVC.
    await page.getByTestId('encoder-choice').selectOption('libx265');
    await expect.poll(() => page.getByTestId('encoder-choice').inputValue(), { timeout: 15_000 }).toBe('libx265');
    await expect.poll(() => page.getByTestId('encoder-codec').inputValue(), { timeout: 15_000 }).toBe('hevc');
    await expect.poll(async () => page.getByTestId('encoder-running').textContent(), { timeout: 30_000 }).toMatch(/x265/);
    // The programme monitor keeps showing pictures from the HEVC encoder stage.
    await page.screenshot({ path: 'docs/screenshots/encoder-panel.png' });
    expect(pageErrors).toEqual([]);
  });
});
