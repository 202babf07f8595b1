import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { type Browser, type BrowserContext, type Locator, type Page, chromium } from 'playwright-core';

/**
 * Browser tests drive the real portal served by the real API (DESIGN §10: through the real UI).
 * Chromium is the system one (CI installs the `chromium` package); CHROMIUM_PATH points elsewhere.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
];
export const SCREENS_DIR = path.resolve('tests/artifacts/screens');

export type PortalSlug = 'admin' | 'correcteur' | 'eleve';

export const launchBrowser = (): Promise<Browser> =>
  chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });

/** A fresh browser profile (its own cookies) on the API's origin; French, as a school's PCs are. */
export const newContext = (
  browser: Browser,
  baseURL: string,
  options: { width?: number; height?: number; locale?: string } = {},
): Promise<BrowserContext> =>
  browser.newContext({
    baseURL,
    viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
    locale: options.locale ?? 'fr-FR',
    timezoneId: 'Europe/Paris',
  });

/**
 * Signs in through a portal's form as a person would, and waits until the portal has left the
 * sign-in page (for a temporary password: the forced change page). Any earlier session of the
 * context is dropped first: a signed-in person is sent past the form. `shot` names a screenshot of
 * the filled form.
 */
export const signIn = async (page: Page, portal: PortalSlug, login: string, password: string, shot?: string): Promise<void> => {
  await page.context().clearCookies();
  await page.goto(`/connexion/${portal}`);
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill(password);
  if (shot) await screenshot(page, shot);
  await page.locator('form button[type="submit"]').click();
  await page.waitForURL((url) => !url.pathname.startsWith('/connexion/'));
};

/** A full-page screenshot under tests/artifacts/screens (or `dir`); returns its path. */
export const screenshot = async (page: Page, name: string, dir = SCREENS_DIR): Promise<string> => {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  // Transitions finished: a progress bar is shown where it ends, not halfway through its animation.
  await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
  return file;
};

/** Resolves once the image is decoded (scrolled to first: lazy images load only in view). */
export const imageLoaded = async (page: Page, image: Locator): Promise<void> => {
  await image.scrollIntoViewIfNeeded();
  await page.waitForFunction(
    (element: { complete?: boolean; naturalWidth?: number }) => Boolean(element.complete && element.naturalWidth),
    await image.elementHandle(),
  );
};
