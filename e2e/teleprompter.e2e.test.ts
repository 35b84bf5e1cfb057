// The teleprompter page end to end: the built headless host with the demo show, the
// control room in one browser window and the teleprompter (1920x1080, a confidence
// monitor) in another, plus a tablet-sized one. What the host reads is checked in
// the page as laid out: computed sizes, transforms, scroll positions.
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
let control: Page;
let prompter: Page;
let tablet: Page | undefined;
const pageErrors: string[] = [];

async function attrOf(locator: Locator, name: string, value: string, timeout = 15_000): Promise<void> {
  await expect.poll(() => locator.getAttribute(name), { timeout, interval: 100 }).toBe(value);
}

/** Evaluated in the page; strings because this tsconfig (Node) has no DOM types. */
const inPage = (page: Page, expression: string): Promise<unknown> => page.evaluate(expression);
const script = (page: Page): Locator => page.getByTestId('prompter-script');
const scrollTop = async (page: Page = prompter): Promise<number> =>
  Number(await inPage(page, 'document.querySelector(\'[data-testid="prompter-script"]\').scrollTop'));
/** How far a marker sits below the reading line (30 % down the script area), in px. */
const fromReadingLine = async (page: Page, marker: string): Promise<number> =>
  Number(
    await inPage(
      page,
      `(() => {
        const s = document.querySelector('[data-testid="prompter-script"]');
        const m = s.querySelector('[data-marker="${marker}"]');
        return m.getBoundingClientRect().top - s.getBoundingClientRect().top - s.clientHeight * 0.3;
      })()`,
    ),
  );
const styleOf = async (page: Page, selector: string, property: string): Promise<string> =>
  String(await inPage(page, `getComputedStyle(document.querySelector('${selector}')).getPropertyValue('${property}')`));
const boxOf = async (locator: Locator): Promise<{ x: number; y: number; width: number; height: number }> => {
  const box = await locator.boundingBox();
  if (!box) throw new Error('not laid out');
  return box;
};

async function openPrompter(width: number, height: number): Promise<Page> {
  // A window of its own, as the confidence monitor or a tablet is: never a background tab.
  const context = await browser!.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(`teleprompter ${width}: ${e.message}`));
  const url = new URL(host!.url);
  url.searchParams.set('view', 'teleprompter');
  await page.goto(url.href);
  await page.getByTestId('prompter-glass').waitFor({ timeout: 30_000 });
  return page;
}

describe('teleprompter', () => {
  beforeAll(async () => {
    host = await startHostProcess(token);
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1600, height: 1200 } });
    control = await context.newPage();
    control.on('pageerror', (e) => pageErrors.push(`control room: ${e.message}`));
    await control.goto(host.url);
    await control.getByTestId('rundown-panel').waitFor({ timeout: 30_000 });
    prompter = await openPrompter(1920, 1080);
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await host?.stop();
  });

  it('reads ahead in the cued segment in very large text before the first take', async () => {
    const tally = prompter.getByTestId('prompter-tally');
    await attrOf(tally, 'data-tally', 'standby');
    expect(await tally.innerText()).toContain('STANDBY');
    await attrOf(script(prompter), 'data-segment', 'solitaire-ring');
    await expect.poll(() => script(prompter).innerText(), { timeout: 10_000 }).toContain('Good evening everyone');
    // The size is the shared setting, as the control room shows it.
    const fontSize = Number(await control.getByTestId('prompter-font-size').inputValue());
    expect(fontSize).toBeGreaterThanOrEqual(48);
    expect(await styleOf(prompter, '.prompter__line', 'font-size')).toBe(`${fontSize}px`);
    expect(parseFloat(await styleOf(prompter, '.prompter__line', 'line-height'))).toBeCloseTo(fontSize * 1.3, 0);
    expect(await prompter.getByTestId('prompter-markers').locator('button').allInnerTexts()).toEqual(['1 intro', '2 close-up', '3 details', '4 price', '5 close']);
    expect(await prompter.getByTestId('prompter-side').innerText()).toContain('UP NEXT');
  });

  it('follows a take made in the control room; the tally is red only while its input is on programme', async () => {
    await control.getByTestId('rundown-take').click();
    const tally = prompter.getByTestId('prompter-tally');
    await attrOf(tally, 'data-tally', 'program');
    expect(await tally.innerText()).toMatch(/^ON AIR: CLOSE-UP INSET/);
    expect(await styleOf(prompter, '[data-testid="prompter-tally"]', 'background-color')).toBe('rgb(229, 50, 45)');
    const side = prompter.getByTestId('prompter-side');
    expect(await side.innerText()).toContain('NOW');
    expect(await prompter.getByTestId('prompter-price').innerText()).toMatch(/€1,590\.00\s*€1,890\.00\s*ENDS IN 0[45]:\d\d/);
    expect(await prompter.getByTestId('prompter-stock').getAttribute('data-left')).toBe('25');
    await expect.poll(() => prompter.getByTestId('prompter-clock').innerText(), { timeout: 5_000 }).toMatch(/^0:0\d \/ 5:00\s+[45]:\d\d left$/);
    expect(await prompter.getByTestId('prompter-next').innerText()).toContain('Eternity Band');

    // The director cuts away to the factory: the host's camera is no longer on air.
    await control.keyboard.press('3');
    await attrOf(control.getByTestId('preview-monitor'), 'data-input', 'src-3');
    await control.getByTestId('cut-button').click();
    await attrOf(tally, 'data-tally', 'off');
    expect(await tally.innerText()).toMatch(/^OFF AIR: CLOSE-UP INSET\s+programme: Factory/);

    // The next take cuts back and brings its script in from the top.
    await control.getByTestId('rundown-take').click();
    await attrOf(script(prompter), 'data-segment', 'eternity-band');
    await attrOf(tally, 'data-tally', 'program');
    await expect.poll(() => script(prompter).innerText(), { timeout: 5_000 }).toContain('Next on the close-up');
    expect(await scrollTop()).toBe(0);
    expect(await prompter.getByTestId('prompter-markers').locator('button').allInnerTexts()).toEqual(['1 intro', '2 lab-grown', '3 details', '4 stack', '5 price']);
  });

  it('starts and stops auto-scroll with Space at the set speed, and steps with the pedal keys', async () => {
    const speed = Number(await control.getByTestId('prompter-speed').inputValue());
    const fontSize = Number(await control.getByTestId('prompter-font-size').inputValue());
    const pxPerSec = (speed * fontSize * 1.3) / 60;
    expect(pxPerSec).toBeGreaterThan(20);
    // The studio's start-up encoder probe keeps both cores busy for ~15 s, and Chromium
    // then paints a frame a second at times: measure the speed once it is done.
    await expect.poll(() => control.getByTestId('encoder-panel').getAttribute('data-probe-state'), { timeout: 60_000, interval: 200 }).toBe('done');

    await prompter.keyboard.press('Space');
    try {
      await attrOf(prompter.getByTestId('teleprompter'), 'data-running', 'true');
      await attrOf(control.getByTestId('prompter-running'), 'aria-pressed', 'true');
      const t0 = Date.now();
      const s0 = await scrollTop();
      await prompter.waitForTimeout(2_000);
      const moved = (await scrollTop()) - s0;
      const expected = (pxPerSec * (Date.now() - t0)) / 1000;
      // By the clock, not by frames; the band allows for the frame in flight at each end on a busy machine.
      expect(moved).toBeGreaterThan(expected * 0.7);
      expect(moved).toBeLessThan(expected * 1.3);
      await prompter.keyboard.press('Space');
      await attrOf(prompter.getByTestId('teleprompter'), 'data-running', 'false');
    } finally {
      // Whatever failed above, the next tests need a script that stands still.
      if ((await prompter.getByTestId('teleprompter').getAttribute('data-running')) === 'true') await control.getByTestId('prompter-running').click();
    }
    await prompter.waitForTimeout(300);
    const stopped = await scrollTop();
    await prompter.waitForTimeout(1_000);
    expect(Math.abs((await scrollTop()) - stopped)).toBeLessThanOrEqual(1);

    // Foot pedals send PageDown/PageUp and the arrows.
    const height = Number(await inPage(prompter, 'document.querySelector(\'[data-testid="prompter-script"]\').clientHeight'));
    const linePx = fontSize * 1.3;
    const steps: [string, number][] = [
      ['PageDown', height * 0.6],
      ['ArrowDown', 2 * linePx],
      ['ArrowUp', -2 * linePx],
      ['PageUp', -height * 0.6],
    ];
    for (const [key, delta] of steps) {
      const before = await scrollTop();
      await prompter.keyboard.press(key);
      await expect.poll(async () => (await scrollTop()) - before, { timeout: 2_000 }).toBeCloseTo(delta, -0.5);
    }

    // ← → change the shared speed, which the control room follows. Presses quicker than
    // the round trip to main all count.
    for (let i = 0; i < 3; i++) await prompter.keyboard.press('ArrowRight');
    await expect.poll(() => control.getByTestId('prompter-speed').inputValue(), { timeout: 5_000 }).toBe(String(speed + 6));
    for (let i = 0; i < 3; i++) await prompter.keyboard.press('ArrowLeft');
    await expect.poll(() => control.getByTestId('prompter-speed').inputValue(), { timeout: 5_000 }).toBe(String(speed));
  });

  it('jumps every teleprompter to a marker, which lands on the reading line', async () => {
    tablet = await openPrompter(1024, 768);
    await attrOf(script(tablet), 'data-segment', 'eternity-band');

    await prompter.getByTestId('prompter-marker-price').click();
    for (const page of [prompter, tablet]) await expect.poll(() => fromReadingLine(page, 'price'), { timeout: 5_000 }).toBeCloseTo(0, -0.5);

    // Key 2 on the tablet: the second marker, on both screens.
    await tablet.keyboard.press('2');
    for (const page of [prompter, tablet]) await expect.poll(() => fromReadingLine(page, 'lab-grown'), { timeout: 5_000 }).toBeCloseTo(0, -0.5);

    // The same marker again still jumps (the request is numbered), after the host scrolled on.
    await prompter.keyboard.press('PageDown');
    await expect.poll(() => fromReadingLine(prompter, 'lab-grown'), { timeout: 2_000 }).toBeLessThan(-100);
    await prompter.getByTestId('prompter-marker-lab-grown').click();
    await expect.poll(() => fromReadingLine(prompter, 'lab-grown'), { timeout: 5_000 }).toBeCloseTo(0, -0.5);
  });

  it('mirrors everything the host reads in the glass; MIRROR and the operator bar stay direct', async () => {
    const scriptBox = await boxOf(script(prompter));
    const sideBox = await boxOf(prompter.getByTestId('prompter-side'));
    expect(sideBox.x).toBeGreaterThan(scriptBox.x);
    expect(await prompter.getByTestId('prompter-mirror-indicator').count()).toBe(0);

    // The box shows main's setting, so it turns checked when main says so, not on the click itself.
    await control.getByTestId('prompter-mirror').click();
    await attrOf(prompter.getByTestId('teleprompter'), 'data-mirror', 'true');
    expect(await styleOf(prompter, '[data-testid="prompter-glass"]', 'transform')).toBe('matrix(-1, 0, 0, 1, 0, 0)');
    // The script and the tally are both inside the flipped glass: the host reads both right way round in the reflection.
    for (const testId of ['prompter-script', 'prompter-tally', 'prompter-side']) {
      expect(await inPage(prompter, `!!document.querySelector('[data-testid="${testId}"]').closest('[data-testid="prompter-glass"]')`)).toBe(true);
    }
    // On the raw screen the side panel moved to the left, so in the glass it is still on the right.
    expect((await boxOf(prompter.getByTestId('prompter-side'))).x).toBeLessThan((await boxOf(script(prompter))).x);
    const tally = prompter.getByTestId('prompter-tally');
    expect(await tally.isVisible()).toBe(true);
    expect((await boxOf(tally)).width).toBeCloseTo(1920, 0);
    expect(parseFloat(await styleOf(prompter, '.prompter-tally__main', 'font-size'))).toBeGreaterThanOrEqual(36);
    expect(await tally.innerText()).toMatch(/^ON AIR: CLOSE-UP INSET/);
    // Whoever looks at the screen itself reads MIRROR directly: nothing above it is transformed.
    const indicator = prompter.getByTestId('prompter-mirror-indicator');
    expect(await indicator.innerText()).toBe('MIRROR');
    expect(
      await inPage(
        prompter,
        `(() => { for (let e = document.querySelector('[data-testid="prompter-mirror-indicator"]'); e; e = e.parentElement) if (getComputedStyle(e).transform !== 'none') return false; return true; })()`,
      ),
    ).toBe(true);
    // Scrolling still works mirrored (only the horizontal axis flips).
    const before = await scrollTop();
    await prompter.keyboard.press('ArrowDown');
    await expect.poll(() => scrollTop(), { timeout: 2_000 }).toBeGreaterThan(before);
    mkdirSync(screenshots, { recursive: true });
    await prompter.screenshot({ path: `${screenshots}/teleprompter-mirror.png` });

    expect(await control.getByTestId('prompter-mirror').isChecked()).toBe(true);
    await control.getByTestId('prompter-mirror').click();
    await attrOf(prompter.getByTestId('teleprompter'), 'data-mirror', 'false');
    expect(await styleOf(prompter, '[data-testid="prompter-glass"]', 'transform')).toBe('none');
  });

  it("shows the director's message to the host on every teleprompter, until cleared", async () => {
    await control.getByTestId('director-message').fill('stretch 30 s');
    await control.getByTestId('director-message').press('Enter');
    for (const page of [prompter, tablet!]) {
      await expect.poll(() => page.getByTestId('prompter-message').innerText(), { timeout: 5_000 }).toMatch(/^stretch 30 s\s+0:0\d ago$/);
    }
    expect(await control.getByTestId('director-message').inputValue()).toBe('');
    await control.getByTestId('director-message-clear').click();
    for (const page of [prompter, tablet!]) await page.getByTestId('prompter-message').waitFor({ state: 'detached', timeout: 5_000 });
  });

  it('keeps a picture of the teleprompter for the docs', async () => {
    // The ring with its flash sale running, and a message from the director.
    await control.getByTestId('rundown-take-previous').click();
    await attrOf(script(prompter), 'data-segment', 'solitaire-ring');
    await control.getByTestId('director-message').fill('go to the farm next');
    await control.getByTestId('director-message').press('Enter');
    await prompter.getByTestId('prompter-message').waitFor();
    await prompter.keyboard.press('Home');
    await prompter.waitForTimeout(2_500); // past the message's flash
    await prompter.screenshot({ path: `${screenshots}/teleprompter.png` });
  });

  it('raised no uncaught error in any page', () => {
    expect(pageErrors).toEqual([]);
  });
});
