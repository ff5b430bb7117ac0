// Settings: a masked provider key, the system prompt, the default model, the theme, and the password
// (which the harness sets through OPENMOTOKO_PASSWORD, so the daemon refuses to change it and says why).
/** @param {import('../run.mjs').Harness} h */
export default async function ({ test, page, password }) {
  const screen = page.getByRole('main');
  const readSettings = () => page.evaluate(() => fetch('/api/settings').then((r) => r.json()));

  await test('settings-keys-and-prompt', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    const masked = await page.getByTestId('masked-genericApiKey').innerText();
    if (!masked.includes('0000') || masked.includes('sk-fake-key-for-tests')) throw new Error(`key not masked: ${masked}`);
    if (await page.getByLabel('OpenAI-compatible server key').inputValue() !== '') throw new Error('a key input is not write-only');

    await page.getByRole('textbox', { name: 'System prompt' }).fill('Answer like a pirate.');
    await page.getByRole('button', { name: 'Save system prompt' }).click();
    await screen.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    if ((await readSettings()).systemPrompt !== 'Answer like a pirate.') throw new Error('system prompt not stored');

    await page.getByRole('combobox', { name: 'Default model' }).selectOption('fast');
    await page.getByRole('button', { name: 'Save model' }).click();
    await page.waitForFunction(() => fetch('/api/settings').then((r) => r.json()).then((s) => s.defaultModel === 'fast'));
    await page.getByRole('combobox', { name: 'Default model' }).selectOption('generic/fake-model');
    await page.getByRole('button', { name: 'Save model' }).click();
    await page.waitForFunction(() => fetch('/api/settings').then((r) => r.json()).then((s) => s.defaultModel === 'generic/fake-model'));

    // A new key replaces the old one and is shown masked; the harness's key goes back afterwards.
    await page.getByLabel('Anthropic API key').fill('sk-ant-test-key-abcd1234');
    await page.getByRole('button', { name: 'Save providers' }).click();
    await page.getByTestId('masked-anthropicApiKey').filter({ hasText: '1234' }).waitFor();
    if ((await page.getByTestId('masked-anthropicApiKey').innerText()).includes('test-key')) throw new Error('new key shown in full');
    await page.getByRole('button', { name: 'Clear Anthropic API key' }).click();
    await page.getByTestId('masked-anthropicApiKey').filter({ hasText: 'not set' }).waitFor();
  });

  await test('settings-theme', async () => {
    await page.getByRole('radio', { name: 'Light' }).check();
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'light');
    if ((await readSettings()).theme !== 'light') throw new Error('theme not stored');
    await page.getByRole('radio', { name: 'Dark' }).check();
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
  });

  await test('settings-password', async () => {
    const form = page.getByRole('form', { name: 'Password' });
    await form.getByLabel('Current password').fill(password);
    await form.getByLabel('New password', { exact: true }).fill('a-new-password-1');
    await form.getByLabel('Repeat the new password').fill('a-different-one-2');
    await form.getByRole('button', { name: 'Change password' }).click();
    await form.getByRole('status').filter({ hasText: 'differ' }).waitFor();
    await form.getByLabel('Repeat the new password').fill('a-new-password-1');
    await form.getByRole('button', { name: 'Change password' }).click();
    // The harness's password comes from OPENMOTOKO_PASSWORD: the daemon cannot change it and says so.
    await form.getByRole('status').filter({ hasText: 'OPENMOTOKO_PASSWORD' }).waitFor();
    const status = await page.evaluate((pw) => fetch('/api/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ password: pw }) }).then((r) => r.status), password);
    if (status !== 200) throw new Error(`the harness password no longer works: ${status}`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
    await page.getByLabel('Message', { exact: true }).waitFor();
    await page.evaluate(() => fetch('/api/settings', { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: '{"systemPrompt":null}' }));
  });
}
