// The metadata timeline end to end: a product sent from the control room while the
// programme is live on a real nginx-rtmp goes into the stream as SEI on the frame main
// answered, the timeline shows it go out, and a player reading nginx finds it there.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeMetadata, type ProbeMessage } from '../src/main/studio/metadataProbe';
import { startNginxRtmp, type NginxRtmp } from '../test/support/nginxRtmp';
import { launchChromium } from './support/chromium';
import { startHostProcess, type HostProcess } from './support/hostProcess';

const screenshots = 'docs/screenshots';
const token = `e2e-${randomBytes(6).toString('hex')}`;
const streamKey = `cuecast-key-${randomBytes(8).toString('hex')}`;
const sku = `SKU-${randomBytes(3).toString('hex').toUpperCase()}`;
let nginx: NginxRtmp | undefined;
let host: HostProcess | undefined;
let browser: Browser | undefined;
let page: Page;
const pageErrors: string[] = [];
/** Stops the nginx reader if a test fails before it does. */
const reader = new AbortController();

const entries = (): Locator => page.locator('[data-testid^="metadata-entry-"][data-state]');
const entryOnFrame = (frame: number, kind: string): Locator => page.locator(`[data-testid^="metadata-entry-"][data-frame="${frame}"][data-kind="${kind}"]`);

/**
 * Records every data-state each timeline entry shows, in order, from inside the page:
 * polling from the test could miss a state that lasts one render. A string because the
 * Node tsconfig has no DOM types.
 */
const recordEntryStates = `(() => {
  const seen = (window.__entryStates = {});
  const look = () => {
    for (const el of document.querySelectorAll('[data-testid^="metadata-entry-"][data-state]')) {
      const list = (seen[el.dataset.testid] ??= []);
      if (list[list.length - 1] !== el.dataset.state) list.push(el.dataset.state);
    }
  };
  look();
  new MutationObserver(look).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
})()`;

const droppedFrames = async (): Promise<number> => Number(/\d+/.exec((await page.getByTestId('health-dropped').textContent()) ?? '')?.[0]);

/**
 * Waits for an entry to leave pending and checks how it went out: on its own frame
 * ("sent"), or on a later one ("late") only when the encoder dropped programme frames
 * meanwhile, as it does on a loaded 2-core machine (measured: 1 late in 80 sends, with
 * the health strip's drop counter rising by 9 in that second). Returns the state.
 */
async function expectWentOut(entry: Locator, droppedBefore: number): Promise<string> {
  await expect.poll(() => entry.getAttribute('data-state'), { timeout: 10_000, interval: 50 }).not.toBe('pending');
  const state = (await entry.getAttribute('data-state'))!;
  if (state !== 'sent') {
    expect(state).toBe('late');
    // The drop counter comes with the coalesced snapshot: give it a moment.
    await expect.poll(droppedFrames, { timeout: 3_000 }).toBeGreaterThan(droppedBefore);
  }
  return state;
}

async function sendResultFrame(): Promise<number> {
  const result = page.getByTestId('metadata-send-result');
  await result.waitFor();
  return Number(await result.getAttribute('data-frame'));
}

describe('metadata timeline', () => {
  beforeAll(async () => {
    nginx = await startNginxRtmp();
    host = await startHostProcess(token);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1600, height: 1300 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(host.url);
    // The start-up encoder probe test-encodes with every encoder for a few seconds; on a
    // 2-core machine the programme encoder then drops frames, and a change bound to a
    // dropped frame rides the next one ("late"). Measure on a settled studio.
    await page.locator('[data-testid="encoder-panel"][data-probe-state="done"]').waitFor({ timeout: 90_000 });

    // One live destination: nginx, added from its preset as an operator would.
    await page.getByTestId('destination-add').click();
    await page.getByTestId('preset-select').selectOption('nginx-rtmp');
    await page.getByTestId('destination-name').fill('nginx ingest');
    await page.getByTestId('destination-url').fill(nginx.url);
    await page.getByTestId('destination-key').fill(streamKey);
    await page.getByTestId('destination-save').click();
    const row = page.locator('[data-testid^="destination-row-"]', { hasText: 'nginx ingest' });
    await row.waitFor();
    const id = (await row.getAttribute('data-testid'))!.replace('destination-row-', '');
    await page.getByTestId(`destination-go-live-${id}`).click();
    // expect.poll works only inside a test; a locator wait does here.
    await page.locator(`[data-testid="destination-row-${id}"][data-state="live"]`).waitFor({ timeout: 30_000 });
  });

  afterAll(async () => {
    reader.abort();
    await browser?.close().catch(() => undefined);
    await host?.stop();
    await nginx?.stop();
  });

  it('sends a product while live: pending → sent on the answered frame, and nginx carries it as SEI', async () => {
    // A player on nginx, as a platform's viewer would be, before the product goes out.
    const found: ProbeMessage[] = [];
    let playing!: () => void;
    const isPlaying = new Promise<void>((resolve) => (playing = resolve));
    const probe = probeMetadata({
      input: `${nginx!.url}/${streamKey}`,
      timeoutMs: 40_000,
      signal: reader.signal,
      onPlaying: () => playing(),
      onMessage: (m) => {
        const payload = m.payload as { product?: { sku?: string } } | null;
        if (m.source === 'sei' && payload?.product?.sku === sku) {
          found.push(m);
          reader.abort();
        }
      },
    });
    await isPlaying;

    expect(await page.getByTestId('metadata-timeline').textContent()).toContain('Nothing sent yet.');
    await page.evaluate(recordEntryStates);
    await page.getByTestId('metadata-product-sku').fill(sku);
    await page.getByTestId('metadata-product-title').fill('Pearl earrings');
    await page.getByTestId('metadata-product-price').fill('24.5');
    const droppedBefore = await droppedFrames();
    await page.getByTestId('metadata-send-product').click();
    const frame = await sendResultFrame();
    expect(frame).toBeGreaterThan(0);

    const entry = entryOnFrame(frame, 'product');
    const state = await expectWentOut(entry, droppedBefore);
    // Every state the page rendered for it, in order: main broadcasts the pending entry
    // at once (before its access unit, about one frame later), so it is always seen.
    const testId = (await entry.getAttribute('data-testid'))!;
    const history = (await page.evaluate(`window.__entryStates[${JSON.stringify(testId)}]`)) as string[];
    expect(history).toEqual(['pending', state]);
    const text = (await entry.textContent())!;
    expect(text).toContain(`${sku} Pearl earrings — 24.5 EUR`);
    expect(text).toMatch(/^\d\d:\d\d:\d\d\.\d{3}#\d+product/);
    expect(text).toContain(`#${frame}`);
    expect(text).toMatch(/pts \d+\.\d{3} s/);
    expect(text).toContain('1 dest · 0 cue · 0 hook');
    const counter = page.getByTestId(state === 'sent' ? 'metadata-on-time' : 'metadata-late');
    await expect.poll(async () => Number(await counter.getAttribute('data-value'))).toBeGreaterThanOrEqual(1);

    // What the player read from nginx: our product, stamped with the same frame.
    await probe;
    expect(found.length).toBeGreaterThan(0);
    expect((found[0]!.payload as { frame: number; kind: string }).frame).toBe(frame);
    expect((found[0]!.payload as { frame: number; kind: string }).kind).toBe('product');
  });

  it('lists explaining started and ended, newest first', async () => {
    let droppedBefore = await droppedFrames();
    const productFrame = await sendResultFrame();
    await page.getByTestId('metadata-explaining-started').click();
    await expect.poll(sendResultFrame).toBeGreaterThan(productFrame);
    const started = await sendResultFrame();
    await expectWentOut(entryOnFrame(started, 'explaining'), droppedBefore);
    await page.waitForTimeout(400);
    droppedBefore = await droppedFrames();
    await page.getByTestId('metadata-explaining-ended').click();
    await expect.poll(sendResultFrame).toBeGreaterThan(started);
    const ended = await sendResultFrame();
    await expectWentOut(entryOnFrame(ended, 'explaining'), droppedBefore);
    const summaries = await page.locator('.timeline__summary').allTextContents();
    expect(summaries.slice(0, 3)).toEqual(['explaining ended', 'explaining started', `${sku} Pearl earrings — 24.5 EUR`]);
    expect(await entries().count()).toBe(3);

    mkdirSync(screenshots, { recursive: true });
    await page.getByTestId('metadata-timeline').screenshot({ path: `${screenshots}/metadata-timeline.png` });
  });

  it("refuses a product main cannot send, says why in the form, and lists nothing", async () => {
    await page.getByTestId('metadata-product-currency').fill('EU');
    await page.getByTestId('metadata-send-product').click();
    const error = page.getByTestId('metadata-send-error');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/currency must be an ISO 4217 code/);
    await page.waitForTimeout(300);
    expect(await entries().count()).toBe(3);
    expect(pageErrors).toEqual([]);
  });
});
