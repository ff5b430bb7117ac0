// Helpers the spec files share; each takes the harness's page.

/** GET a JSON API answer with the page's session. */
export const json = (page, path) => page.evaluate((p) => fetch(p).then((r) => r.json()), path);

/** Waits until check() is true (polled every 100 ms, `tries` times), else fails naming what never happened. */
export async function eventually(page, check, what, tries = 100) {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await page.waitForTimeout(100);
  }
  throw new Error(`never happened: ${what}`);
}

/** A full-page screenshot in the light theme too; only the page's attribute changes, no setting. */
export async function lightScreenshot(page, name) {
  const theme = await page.evaluate(() => document.documentElement.dataset.theme ?? '');
  await page.evaluate(() => { document.documentElement.dataset.theme = 'light'; });
  await page.screenshot({ path: new URL(`./out/${name}-light.png`, import.meta.url).pathname, fullPage: true });
  await page.evaluate((t) => { if (t) document.documentElement.dataset.theme = t; else delete document.documentElement.dataset.theme; }, theme);
}
