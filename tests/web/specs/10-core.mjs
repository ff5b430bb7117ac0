// Sign-in, onboarding, a streamed answer, a tool approval, costs, theme and load time.
// Spec files run in name order against one browser and one daemon; each gets the harness's tools.
/** @param {import('../run.mjs').Harness} h */
export default async function ({ test, page, base, provider, password, metrics }) {
  await test('sign-in', async () => {
    await page.goto(base + '/');
    await page.getByLabel('Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong password' }).waitFor();
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Welcome to OpenMotoko' }).waitFor();
  });

  await test('onboarding', async () => {
    await page.getByLabel('OpenAI-compatible server').check();
    await page.getByLabel('Server URL (…/v1)').fill(provider.url);
    await page.getByLabel('API key (if the server needs one)').fill('sk-fake-key-for-tests-0000');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('Default model').fill('fake-model');
    await page.getByRole('button', { name: 'Test', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'It works' }).waitFor();
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await page.getByLabel('Daily budget (USD)').fill('5');
    await page.getByLabel('Monthly budget (USD)').fill('50');
    await page.getByRole('button', { name: 'Finish' }).click();
    await page.getByLabel('Message', { exact: true }).waitFor();
    const settings = await page.evaluate(() => fetch('/api/settings').then((r) => r.json()));
    if (settings.onboardingComplete !== true || settings.defaultModel !== 'generic/fake-model') throw new Error(`settings: ${JSON.stringify(settings).slice(0, 300)}`);
  });

  await test('chat-stream', async () => {
    await page.getByLabel('Message', { exact: true }).fill('Say hello');
    await page.getByLabel('Message', { exact: true }).press('Enter');
    const assistant = page.locator('article.message.assistant').last();
    await assistant.filter({ hasText: 'Hello' }).waitFor();
    const partial = await assistant.innerText();
    await page.getByRole('button', { name: 'Stop' }).waitFor(); // still streaming while the first words show
    await page.locator('article.message.assistant .usage').filter({ hasText: '150' }).or(page.locator('.usage').filter({ hasText: '120 in' })).first().waitFor();
    const final = await page.locator('article.message.assistant').last().innerText();
    if (partial.includes('model.') || !final.includes('fake model.')) throw new Error(`did not stream: partial ${JSON.stringify(partial)}, final ${JSON.stringify(final)}`);
    await page.locator('.code .copy').first().waitFor();
    if (await page.locator('.hljs-keyword').count() === 0) throw new Error('code block not coloured');
    await page.getByRole('link', { name: 'Say hello' }).waitFor(); // listed under its title
  });

  await test('approve-tool', async () => {
    await page.getByLabel('Message', { exact: true }).fill('Please write a note');
    await page.getByRole('button', { name: 'Send' }).click();
    const approval = page.getByRole('group', { name: 'Approval for write_file' });
    await approval.waitFor();
    await approval.getByRole('button', { name: 'Approve' }).click();
    await page.locator('article.message.assistant').filter({ hasText: 'The note is written.' }).waitFor();
    await page.locator('details.tool summary').filter({ hasText: 'write_file' }).last().click();
    await page.locator('details.tool[open] pre').filter({ hasText: 'note.txt' }).first().waitFor();
  });

  await test('costs', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Costs' }).click();
    await page.getByRole('heading', { name: 'Costs', level: 1 }).waitFor();
    await page.getByRole('img', { name: /Daily cost over 30 days/ }).waitFor();
    await page.getByRole('row').filter({ hasText: 'generic' }).first().waitFor(); // the calls above, by provider
    if (await page.getByLabel('Daily limit (USD)').inputValue() !== '5') throw new Error('budget from onboarding not shown');
    await page.getByLabel('Daily limit (USD)').fill('7.5');
    await page.getByRole('button', { name: 'Save budget' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const budget = await page.evaluate(() => fetch('/api/settings/budget').then((r) => r.json()));
    if (budget.daily !== 7.5) throw new Error(`budget: ${JSON.stringify(budget)}`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
    await page.getByLabel('Message', { exact: true }).waitFor();
  });

  await test('theme', async () => {
    await page.getByLabel('Theme').selectOption('dark');
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
    await page.reload();
    await page.getByLabel('Message', { exact: true }).waitFor();
    if (await page.evaluate(() => document.documentElement.dataset.theme) !== 'dark') throw new Error('theme not kept');
  });

  await test('chat-load-time', async () => {
    const t = Date.now();
    await page.goto(base + '/chat');
    await page.getByLabel('Message', { exact: true }).waitFor();
    metrics.chatUsableMs = Date.now() - t;
    if (metrics.chatUsableMs > 1000) throw new Error(`chat usable after ${metrics.chatUsableMs} ms`);
  });
}
