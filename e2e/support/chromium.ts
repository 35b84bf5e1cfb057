import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium, headless, with nothing reaching outside the machine (DESIGN.md §5). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CUECAST_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
