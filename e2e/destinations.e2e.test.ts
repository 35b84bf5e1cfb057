// The destinations panel end to end: the built headless host (real encoder, the
// built-in rehearsal ingest, a local recording) and a real nginx-rtmp on 127.0.0.1,
// driven through Debian's Chromium. What nginx received is decoded with ffprobe.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNginxRtmp, type NginxRtmp } from '../test/support/nginxRtmp';
import { decodeFrames } from '../test/support/streamProbe';
import { launchChromium } from './support/chromium';
import { startHostProcess, type HostProcess } from './support/hostProcess';

const screenshots = 'docs/screenshots';
const token = `e2e-${randomBytes(6).toString('hex')}`;
// A key that could be nowhere in the page by chance.
const streamKey = `cuecast-key-${randomBytes(8).toString('hex')}`;
let nginx: NginxRtmp | undefined;
let host: HostProcess | undefined;
let browser: Browser | undefined;
let page: Page;
let work: string;
const pageErrors: string[] = [];

async function attrOf(locator: Locator, name: string, value: string, timeout = 15_000): Promise<void> {
  await expect.poll(() => locator.getAttribute(name), { timeout, interval: 100 }).toBe(value);
}

const rows = (): Locator => page.locator('[data-testid^="destination-row-"]');
const rowNamed = (name: string): Locator => page.locator('[data-testid^="destination-row-"]', { hasText: name });
const count = (): Promise<string | null> => page.getByTestId('destinations-count').textContent();
let nginxRow: Locator;
let nginxId = '';

/** Copies a few seconds of what nginx serves to a file with ffmpeg (bounded), for ffprobe to decode. */
function captureFromNginx(url: string, file: string, seconds: number): Promise<void> {
  const args = ['-v', 'error', '-rw_timeout', '15000000', '-i', url, '-t', String(seconds), '-c', 'copy', '-y', '-f', 'flv', file];
  return new Promise((resolve, reject) => {
    execFile('ffmpeg', args, { timeout: (seconds + 25) * 1000 }, (err, _stdout, stderr) =>
      err ? reject(new Error(`capture from nginx failed: ${err.message} ${stderr}`)) : resolve(),
    );
  });
}

describe('destinations panel', () => {
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'cuecast-e2e-dest-'));
    nginx = await startNginxRtmp();
    host = await startHostProcess(token);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1600, height: 1300 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(host.url);
    await page.getByTestId('destinations-panel').waitFor({ timeout: 30_000 });
  });

  afterAll(async () => {
    // All of them, always, whatever failed: leaked servers keep ports and ffmpegs.
    await browser?.close().catch(() => undefined);
    await host?.stop();
    await nginx?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('adds an nginx-rtmp destination from its preset; the key is stored and never shown again', async () => {
    await expect.poll(() => rows().count(), { timeout: 15_000 }).toBe(2); // demo show: rehearsal + recording
    expect(await count()).toBe('2 destinations, 0 live');
    await page.getByTestId('destination-add').click();
    await page.getByTestId('destination-form').waitFor();
    await page.getByTestId('preset-select').selectOption('nginx-rtmp');

    // The preset says what it is and which carriers survive it, and prefills its URL template.
    const url = page.getByTestId('destination-url');
    expect(await url.inputValue()).toBe('rtmp://{host}:1935/live');
    expect(await page.getByTestId('destination-url-placeholders').locator('mark').allTextContents()).toEqual(['{host}']);
    expect(await page.getByTestId('preset-carrier-sei').getAttribute('data-support')).toBe('kept');
    expect(await page.getByTestId('preset-carrier-cue').getAttribute('data-support')).toBe('dropped');
    expect(await page.getByTestId('destination-cue-points').isChecked()).toBe(false);
    expect(await page.getByTestId('cue-points-warning').textContent()).toMatch(/drops cue points/);

    await page.getByTestId('destination-name').fill('nginx ingest');
    await url.fill(nginx!.url);
    expect(await page.getByTestId('destination-url-placeholders').count()).toBe(0);
    await page.getByTestId('destination-key').fill(streamKey);
    await page.getByTestId('destination-save').click();
    await page.getByTestId('destination-form').waitFor({ state: 'detached' });

    nginxRow = rowNamed('nginx ingest');
    await nginxRow.waitFor();
    nginxId = (await nginxRow.getAttribute('data-testid'))!.replace('destination-row-', '');
    expect(await rows().count()).toBe(3);
    expect(await page.getByTestId(`destination-key-${nginxId}`).textContent()).toBe('key stored');
    expect(await page.getByTestId(`destination-protocol-${nginxId}`).textContent()).toBe('RTMP');
    expect(await nginxRow.textContent()).toContain('nginx-rtmp / SRS (self-hosted)');
    expect(await nginxRow.getAttribute('data-state')).toBe('idle');
    // Nowhere in the page (inputs, attributes, text) and nowhere in the host's output.
    expect(await page.content()).not.toContain(streamKey);
    expect(host!.output()).not.toContain(streamKey);
  });

  it('goes live on that one destination: nginx receives decodable video and the row shows live figures', async () => {
    await page.getByTestId(`destination-go-live-${nginxId}`).click();
    await attrOf(nginxRow, 'data-state', 'live', 30_000);
    await expect.poll(async () => Number(await nginxRow.getAttribute('data-bitrate')), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await count()).toBe('3 destinations, 1 live');
    // Only that one: the rehearsal and the recording stay idle.
    expect(await page.locator('[data-testid^="destination-row-"][data-state="idle"]').count()).toBe(2);
    expect(await page.getByTestId(`destination-remove-${nginxId}`).isDisabled()).toBe(true);
    expect(await page.getByTestId(`destination-queue-${nginxId}`).textContent()).toMatch(/^queue \d+(\.\d)? (B|KB|MB)$/);

    // Judge by what arrived, not by our meter: 5 s read back from nginx and decoded. A
    // player joins mid-GOP and frames before the first keyframe (≤ 2 s) do not decode,
    // so at least 3 s of the 30 fps programme must: 60 frames leaves a slow machine margin.
    const file = join(work, 'from-nginx.flv');
    await captureFromNginx(`${nginx!.url}/${streamKey}`, file, 5);
    const decoded = await decodeFrames(file);
    expect(decoded.video.length).toBeGreaterThan(60);
    expect(decoded.audio.length).toBeGreaterThan(100);
    expect(Number(await nginxRow.getAttribute('data-bitrate'))).toBeGreaterThan(100);

    await page.getByTestId(`destination-stop-${nginxId}`).click();
    await attrOf(nginxRow, 'data-state', 'idle', 15_000);
    expect(await count()).toBe('3 destinations, 0 live');
  });

  it("refuses an invalid URL with main's reason inline and adds nothing", async () => {
    await page.getByTestId('destination-add').click();
    await page.getByTestId('destination-form').waitFor();
    await page.getByTestId('preset-select').selectOption('custom-rtmp');
    await page.getByTestId('destination-name').fill('Broken ingest');
    await page.getByTestId('destination-key').fill('abc');
    const error = page.getByTestId('destination-form-error');

    // Template placeholders left in: said before asking main.
    await page.getByTestId('destination-save').click();
    expect(await error.textContent()).toMatch(/Replace \{host\}, \{app\} in the URL/);

    // A URL main refuses: its reason, word for word, in the form.
    await page.getByTestId('destination-url').fill('rtmp://127.0.0.1:1935');
    await page.getByTestId('destination-save').click();
    await expect.poll(() => error.textContent(), { timeout: 5_000 }).toMatch(/^Invalid ingest URL: no application name/);
    await page.getByTestId('destination-url').fill('http://127.0.0.1/live');
    await page.getByTestId('destination-save').click();
    await expect.poll(() => error.textContent(), { timeout: 5_000 }).toMatch(/^Invalid ingest URL: unsupported scheme "http:\/\/"/);
    expect(await page.getByTestId('destination-form').isVisible()).toBe(true);

    await page.keyboard.press('Escape');
    await page.getByTestId('destination-form').waitFor({ state: 'detached' });
    await page.waitForTimeout(300); // a stray add would be broadcast within this
    expect(await rows().count()).toBe(3);
    expect(await rowNamed('Broken ingest').count()).toBe(0);
  });

  it('goes live on all destinations at once and stops them all', async () => {
    await page.getByTestId('go-live-button').click();
    const all = await rows().all();
    for (const row of all) await attrOf(row, 'data-state', 'live', 30_000);
    expect(await count()).toBe('3 destinations, 3 live');
    await attrOf(page.getByTestId('on-air'), 'data-on-air', 'true');
    expect(await page.getByTestId('go-live-button').isDisabled()).toBe(true);
    for (const row of all) await expect.poll(async () => Number(await row.getAttribute('data-bitrate')), { timeout: 15_000 }).toBeGreaterThan(0);
    // The recording names the file it writes.
    const recording = page.locator('[data-testid^="destination-row-"][data-kind="record"]');
    await expect.poll(() => recording.locator('[data-testid^="destination-files-"]').textContent(), { timeout: 10_000 }).toMatch(/\.flv/);

    // The rehearsal row shows what its ingest decoded: wait for a picture before the screenshot.
    const received = page.getByTestId('rehearsal-received').locator('canvas');
    await expect.poll(async () => Number(await received.getAttribute('data-frames')), { timeout: 15_000 }).toBeGreaterThan(0);
    mkdirSync(screenshots, { recursive: true });
    await page.waitForTimeout(1_500); // let the figures settle for the picture
    await page.getByTestId('destinations-panel').screenshot({ path: `${screenshots}/destinations.png` });

    await page.getByTestId('stop-all-button').click();
    for (const row of all) await attrOf(row, 'data-state', 'idle', 15_000);
    expect(await count()).toBe('3 destinations, 0 live');
    await attrOf(page.getByTestId('on-air'), 'data-on-air', 'false');
    expect(await page.getByTestId('stop-all-button').isDisabled()).toBe(true);
  });

  it('removes a destination only after confirmation', async () => {
    await page.getByTestId(`destination-remove-${nginxId}`).click();
    await page.getByTestId(`destination-remove-confirm-${nginxId}`).click();
    await nginxRow.waitFor({ state: 'detached', timeout: 10_000 });
    expect(await rows().count()).toBe(2);
    expect(await count()).toBe('2 destinations, 0 live');
  });

  it('raised no uncaught error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
