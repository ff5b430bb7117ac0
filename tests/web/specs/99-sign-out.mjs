// Last: signing out ends the session.
/** @param {import('../run.mjs').Harness} h */
export default async function ({ test, page, base, provider, password, metrics }) {
  await test('sign-out', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to OpenMotoko' }).waitFor();
    const status = await page.evaluate(() => fetch('/api/settings').then((r) => r.status));
    if (status !== 401) throw new Error(`after sign-out /api/settings answered ${status}`);
  });
}
