// Artifacts beside the chat: the model makes an HTML page (with a script that must not run) and a
// Markdown plan; the panel shows them, sandboxed and sanitised, keeps up with a new version, lets an
// older one be picked and downloaded; today's cost moves when a priced call is made.
/** @param {import('../run.mjs').Harness} h */
export default async function ({ test, page, provider }) {
  const html = '<!doctype html><title>Hello</title><style>h1 { color: #b91c1c; }</style><h1 id="t">Hello artifact</h1>' +
    '<script>document.getElementById("t").textContent = "script ran"; window.parent.document.title = "pwned";</script>';
  provider.rule(/make a web page/i, { tool: { name: 'create_artifact', arguments: { type: 'html', title: 'Hello page', content: html } }, answer: 'The page is ready.' });
  provider.rule(/write the plan/i, { tool: { name: 'create_artifact', arguments: { type: 'markdown', title: 'Plan',
    content: '# Plan\n\n1. **Design** it\n2. [Build](javascript:window.pwned=1) it\n\n<script>window.pwned = 1</script>' } }, answer: 'The plan is written.' });
  provider.rule(/write the script/i, { tool: { name: 'create_artifact', arguments: { type: 'code', language: 'python', title: 'Greeter',
    content: 'def greet(name):\n    return f"Hello {name}"\n' } }, answer: 'The script is written.' });
  const settings = (change) => page.evaluate((body) => fetch('/api/settings', { method: 'PUT', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body) }).then((r) => r.status), change);
  const panel = page.getByRole('complementary', { name: 'Artifacts' });
  const send = async (text) => {
    await page.getByLabel('Message', { exact: true }).fill(text);
    await page.getByLabel('Message', { exact: true }).press('Enter');
  };

  await test('artifacts-html-sandboxed', async () => {
    // A model with a list price (served by the fake through the OpenAI-compatible provider), so today's cost moves.
    if (await settings({ 'llm.alias.smart': 'generic/gpt-4o' }) !== 200) throw new Error('could not set the alias');
    await page.getByRole('button', { name: 'New conversation' }).click();
    const cost = page.getByTestId('today-cost');
    await cost.waitFor();
    const before = await cost.innerText();
    await page.locator('.composer select').selectOption('smart');
    await send('Please make a web page');
    await page.locator('article.message.assistant').filter({ hasText: 'The page is ready.' }).waitFor();
    await panel.waitFor();
    await panel.getByRole('button', { name: /Hello page/ }).waitFor();
    const frame = panel.locator('iframe[title="Preview of Hello page"]');
    const sandbox = await frame.getAttribute('sandbox');
    if (sandbox === null || sandbox.includes('allow-same-origin') || sandbox.includes('allow-scripts')) throw new Error(`sandbox attribute: ${sandbox}`);
    await page.frameLocator('iframe[title="Preview of Hello page"]').locator('h1').filter({ hasText: 'Hello artifact' }).waitFor();
    if (await page.title() === 'pwned') throw new Error('the artifact script reached the app');
    await panel.getByRole('link', { name: 'Download' }).waitFor();
    await page.waitForFunction((old) => document.querySelector('[data-testid="today-cost"]')?.textContent !== old, before, { timeout: 10000 });
  });

  await test('artifacts-markdown-versions', async () => {
    await send('Now write the plan');
    await page.locator('article.message.assistant').filter({ hasText: 'The plan is written.' }).waitFor();
    await panel.getByRole('button', { name: /Plan/ }).click();
    await panel.locator('.artifact .markdown strong').filter({ hasText: 'Design' }).waitFor();
    if (await panel.locator('.artifact .markdown script, .artifact .markdown a[href^="javascript"]').count()) throw new Error('markdown not sanitised');
    if (await page.evaluate(() => window.pwned)) throw new Error('an artifact handler ran');

    // A change from elsewhere (the API) arrives live as version 2; version 1 can still be picked.
    const id = await page.evaluate(async () => {
      const conversation = location.pathname.split('/').pop();
      const list = await fetch(`/api/artifacts?conversationId=${conversation}`).then((r) => r.json());
      const plan = list.items.find((a) => a.title === 'Plan');
      const r = await fetch(`/api/artifacts/${plan.id}`, { method: 'PATCH', headers: { 'Content-Type': 'application/json', 'If-Match': '"1"' },
        body: JSON.stringify({ content: '# Plan, revised\n\nShip it.' }) });
      if (!r.ok) throw new Error(`PATCH ${r.status}`);
      return plan.id;
    });
    await panel.locator('.artifact .markdown h1').filter({ hasText: 'Plan, revised' }).waitFor();
    const version = panel.getByLabel('Version');
    if (!(await version.locator('option:checked').innerText()).startsWith('v2 (latest)')) throw new Error('latest version not picked');
    await version.selectOption('1');
    await panel.locator('.artifact .markdown h1').filter({ hasText: /^Plan$/ }).waitFor();
    const download = panel.getByRole('link', { name: 'Download' });
    if (await download.getAttribute('href') !== `/api/artifacts/${id}/raw?version=1`) throw new Error(`download href ${await download.getAttribute('href')}`);
    const [file] = await Promise.all([page.waitForEvent('download'), download.click()]);
    if (file.suggestedFilename() !== 'Plan.md') throw new Error(`downloaded ${file.suggestedFilename()}`);
  });

  await test('artifacts-code', async () => {
    await send('Please write the script');
    await page.locator('article.message.assistant').filter({ hasText: 'The script is written.' }).waitFor();
    await panel.getByRole('button', { name: /Greeter/ }).click();
    await panel.locator('.artifact-code .hljs-keyword').filter({ hasText: 'def' }).first().waitFor();
    if (await panel.getByRole('link', { name: 'Download' }).getAttribute('href') === null) throw new Error('no download link');
  });

  await test('artifacts-drawer-360', async () => {
    await page.getByLabel('Theme').selectOption('light'); // this step's screenshots in the light theme (60-settings turns dark again)
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'light');
    await page.setViewportSize({ width: 360, height: 740 });
    try {
      if (await panel.isVisible()) await panel.getByRole('button', { name: 'Close' }).click();
      const toggle = page.getByRole('button', { name: 'Artifacts (3)' });
      if (await toggle.getAttribute('aria-expanded') !== 'false') throw new Error('drawer did not close');
      await toggle.click();
      await panel.waitFor();
      const box = await panel.boundingBox();
      if (!box || box.width > 360) throw new Error(`drawer is ${box?.width} px wide`);
      await page.keyboard.press('Escape');
      await panel.waitFor({ state: 'hidden' });
      await toggle.click();
      await panel.waitFor();
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
    if (await settings({ 'llm.alias.smart': null }) !== 200) throw new Error('could not reset the alias');
  });
}
