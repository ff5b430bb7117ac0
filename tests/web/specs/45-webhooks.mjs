// Webhooks: create one (its secret and URL shown once, with copy buttons), trigger it from outside
// and see the trigger land, rotate the secret (the old one is refused), disable, delete. Runs in the
// light theme (put back at the end).
/** @param {import('../run.mjs').Harness} h */
export default async function ({ test, page, provider }) {
  provider.rule(/summarise the deploy/i, { answer: 'Deploy summarised.' });
  const nav = (name) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click();
  const trigger = (url, secret) => page.evaluate(async ([u, s]) => {
    const r = await fetch(u, { method: 'POST', headers: { 'x-webhook-secret': s, 'content-type': 'application/json' }, body: JSON.stringify({ service: 'api' }) });
    return { status: r.status, body: await r.json() };
  }, [url, secret]);
  const theme = await page.getByLabel('Theme').inputValue();
  let secret = '';
  let url = '';

  await test('webhooks-create', async () => {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.getByLabel('Theme').selectOption('light');
    await nav('Webhooks');
    await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'New webhook' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Deploy hook');
    await page.getByLabel('Prompt template (optional)').fill('Summarise the deploy of {{body.service}}');
    await page.getByLabel('Model', { exact: true }).selectOption('balanced');
    await page.getByRole('button', { name: 'Create webhook' }).click();
    const once = page.getByRole('region', { name: 'Webhook created: “Deploy hook”' });
    await once.getByText('it is shown only this once').waitFor();
    secret = await once.getByLabel('Secret', { exact: true }).inputValue();
    url = await once.getByLabel('Trigger URL', { exact: true }).inputValue();
    if (secret.length !== 43 || !url.endsWith('/trigger')) throw new Error(`secret ${secret.length} chars, url ${url}`);
    await once.getByRole('button', { name: 'Copy secret' }).click();
    await once.getByRole('button', { name: 'Copied secret' }).waitFor();
    if (await page.evaluate(() => navigator.clipboard.readText()) !== secret) throw new Error('the clipboard does not hold the secret');
    await once.getByRole('button', { name: 'Copy trigger URL' }).waitFor();
  });

  await test('webhooks-trigger', async () => {
    await page.getByRole('button', { name: 'I have copied it' }).click();
    if ((await page.content()).includes(secret)) throw new Error('the secret is still on the page');
    const hook = page.getByRole('article', { name: 'Deploy hook' });
    await hook.getByText(`ends in ${secret.slice(-4)}`).waitFor();
    await hook.getByText('balanced', { exact: true }).waitFor(); // the model chosen in the form
    await hook.getByTestId('last-triggered').filter({ hasText: 'Never' }).waitFor();
    const answer = await trigger(url, secret);
    if (answer.status !== 202 || !answer.body.runId) throw new Error(JSON.stringify(answer));
    await hook.getByTestId('last-triggered').filter({ hasNotText: 'Never' }).waitFor(); // live, without a reload
    await page.waitForFunction(async (id) => (await fetch(`/api/agents/${id}`).then((r) => r.json())).output === 'Deploy summarised.', answer.body.runId);
    await nav('Activity');
    await page.getByLabel('Type').selectOption('webhook:triggered');
    await page.locator('.feed-item').filter({ hasText: 'Deploy hook' }).first().waitFor();
    await nav('Webhooks');
  });

  await test('webhooks-rotate-toggle-delete', async () => {
    const hook = page.getByRole('article', { name: 'Deploy hook' });
    await hook.getByRole('button', { name: 'Rotate secret' }).click(); // confirm() accepted by the harness
    const once = page.getByRole('region', { name: 'New secret: “Deploy hook”' });
    const rotated = await once.getByLabel('Secret', { exact: true }).inputValue();
    if (rotated === secret || rotated.length !== 43) throw new Error('the secret did not change');
    if ((await trigger(url, secret)).status !== 403) throw new Error('the old secret still works');
    await once.getByRole('button', { name: 'I have copied it' }).click();
    await hook.getByRole('switch').uncheck();
    await hook.locator('.badge').filter({ hasText: 'disabled' }).waitFor();
    if ((await trigger(url, rotated)).status !== 409) throw new Error('a disabled webhook was triggered');
    await hook.getByRole('button', { name: 'Delete' }).click();
    await hook.waitFor({ state: 'detached' });
    await page.getByText('No webhooks yet.').waitFor();
  });

  await page.getByLabel('Theme').selectOption(theme);
  await nav('Chat');
  await page.getByLabel('Message', { exact: true }).waitFor();
}
