import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/**
 * Debian's Chromium, driven by playwright-core (no browser download). `.ci/run` installs the
 * package; on a developer machine: `sudo apt-get install chromium`.
 */
export const CHROMIUM_PATH = process.env['FLEDGE_CHROMIUM'] ?? '/usr/bin/chromium';

/** Flags that keep Chromium from talking to anything but the page under test. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface LaunchedChromium {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Launch with a fresh temporary profile, removed on close. */
export async function launchChromium(viewport = { width: 1280, height: 900 }): Promise<LaunchedChromium> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: install it (apt-get install chromium) or set FLEDGE_CHROMIUM.`);
  }
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'fledge-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
    // Dates are rendered in UTC by the page; pin the rest for stable screenshots.
    locale: 'en-US',
    timezoneId: 'UTC',
    colorScheme: 'light',
  });
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}
