// Settings: a masked provider key, the system prompt, the default model, the theme, and the password
// (refused while it comes from OPENMOTOKO_PASSWORD, as the harness starts it; changed once the daemon
// is restarted with a password set by `openmotoko passwd`, which ends every other session).
/** @param {import('../run.mjs').Harness} h */
export default async function ({ test, page, base, password, restart, cli }) {
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

  await test('settings-password-changed', async () => {
    // A password set with `openmotoko passwd` (no OPENMOTOKO_PASSWORD) is the owner's to change here.
    const [stored, changed] = ['a-stored-password-1', 'a-changed-password-2'];
    await restart({ environment: { OPENMOTOKO_PASSWORD: null }, whileStopped: async () => {
      const passwd = await cli(['passwd'], `${stored}\n${stored}\n`);
      if (passwd.code !== 0) throw new Error(`passwd exited with ${passwd.code}: ${passwd.output}`);
    } });
    const login = (pw) => fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password: pw }) });
    const phone = (await (await login(stored)).json()).token; // another device's session
    await page.reload(); // passwd ended every session, this page's too
    await page.getByLabel('Password').fill(stored);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    const form = page.getByRole('form', { name: 'Password' });
    await form.getByLabel('Current password').fill(stored);
    await form.getByLabel('New password', { exact: true }).fill(changed);
    await form.getByLabel('Repeat the new password').fill(changed);
    await form.getByRole('button', { name: 'Change password' }).click();
    await form.getByRole('status').filter({ hasText: 'Password changed. Every other session was signed out.' }).waitFor();
    const statuses = [
      (await fetch(`${base}/api/settings`, { headers: { authorization: `Bearer ${phone}` } })).status,
      await page.evaluate(() => fetch('/api/settings').then((r) => r.status)),
      (await login(stored)).status,
      (await login(changed)).status,
    ];
    if (statuses.join() !== '401,200,401,200') throw new Error(`other session, this page, old password, new password: ${statuses}`);
  });
}
