// Activity: events arrive live (no reload) from a message sent elsewhere, the type filter narrows
// the feed, the run shows with its sub-agent in the agents tree, Kill cancels a running run, and
// while the daemon restarts the feed says so and, once back, shows what happened meanwhile.
/** @param {import('../run.mjs').Harness} h */
export default async function ({ test, page, provider, base, password, restart }) {
  provider.rule(/delegate the research/i, { tool: { name: 'spawn_agent', arguments: { task: 'Research how to count sheep', name: 'researcher' } }, answer: 'Delegated to a researcher.' });
  provider.rule(/research how to count sheep/i, { words: ['One ', 'sheep, ', 'two ', 'sheep, ', 'three ', 'sheep.'] });
  provider.rule(/tell a long story/i, { words: Array.from({ length: 80 }, (_, i) => `word${i} `) });
  const nav = (name) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click();
  /** Sends a message in a new conversation from the page (as another tab would), without waiting for the answer. */
  const send = (content) => page.evaluate(async (text) => {
    const json = { 'content-type': 'application/json' };
    const conversation = await fetch('/api/conversations', { method: 'POST', headers: json, body: '{}' }).then((r) => r.json());
    fetch(`/api/conversations/${conversation.id}/messages`, { method: 'POST', headers: json, body: JSON.stringify({ content: text }) });
    return conversation.id;
  }, content);

  await test('activity-live', async () => {
    // Counts the screen's EventSources, to check below that leaving the screen closes them.
    await page.evaluate(() => {
      const Base = window.EventSource;
      window.__sources = [];
      window.EventSource = class extends Base { constructor(...args) { super(...args); window.__sources.push(this); } };
    });
    await nav('Activity');
    await page.getByRole('heading', { name: 'Activity', level: 1 }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    const before = await page.locator('.feed-item').count();
    const url = page.url();
    await send('Please delegate the research');
    await page.locator('.feed-item.fresh').filter({ hasText: '“Please delegate the research”' }).waitFor();
    await page.locator('.feed-item.fresh .feed-type').filter({ hasText: 'agent:spawned' }).first().waitFor();
    if (page.url() !== url || (await page.locator('.feed-item').count()) <= before) throw new Error('the feed did not grow in place');
  });

  await test('activity-agent-tree', async () => {
    const parent = page.getByRole('article', { name: 'Run Please delegate the research' });
    await parent.waitFor();
    const children = page.getByRole('list', { name: 'Sub-agents of Please delegate the research' });
    await children.getByRole('article', { name: 'Sub-agent researcher' }).waitFor();
    await parent.getByRole('button', { name: 'Details' }).click();
    await parent.locator('.markdown').filter({ hasText: 'Delegated to a researcher.' }).waitFor();
  });

  await test('activity-filter', async () => {
    await page.getByLabel('Type').selectOption('agent:spawned');
    await page.locator('.feed-item').first().waitFor();
    await page.waitForFunction(() => [...document.querySelectorAll('.feed-type')].every((e) => e.textContent === 'agent:spawned'));
    await page.getByLabel('Type').selectOption('');
    await page.getByLabel('Channel').selectOption('agent');
    await page.locator('.feed-item .feed-type').filter({ hasText: 'message:received' }).first().waitFor(); // the sub-agent's own turn
    await page.waitForFunction(() => [...document.querySelectorAll('.feed-item .tag:first-of-type')].every((e) => e.textContent === 'agent'));
    await page.getByLabel('Channel').selectOption('');
  });

  await test('activity-kill', async () => {
    await send('Please tell a long story');
    const kill = page.getByRole('button', { name: 'Kill Please tell a long story' });
    await kill.click();
    const run = page.getByRole('article', { name: 'Run Please tell a long story' });
    await run.locator('.badge.cancelled').waitFor({ timeout: 15000 });
    await page.locator('.feed-item.fresh').filter({ hasText: 'CANCELLED' }).first().waitFor();
  });

  await test('activity-reconnect', async () => {
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    // The daemon restarts (an upgrade, systemd): the stream breaks and the page keeps trying. Its
    // attempts are held back until a message from another device has come and gone meanwhile.
    await page.route('**/api/events*', (route) => route.abort());
    await restart();
    await page.getByRole('status').filter({ hasText: 'Reconnecting…' }).waitFor();
    const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password }) });
    const headers = { authorization: `Bearer ${(await login.json()).token}`, 'content-type': 'application/json' };
    const conversation = await fetch(`${base}/api/conversations`, { method: 'POST', headers, body: '{}' }).then((r) => r.json());
    const sent = await fetch(`${base}/api/conversations/${conversation.id}/messages`, { method: 'POST', headers, body: JSON.stringify({ content: 'Sent while the page was away' }) });
    if (!sent.ok) throw new Error(`the message from elsewhere got ${sent.status}`);
    const missed = page.locator('.feed-item').filter({ hasText: '“Sent while the page was away”' });
    if (await missed.count()) throw new Error('a disconnected page showed a new event');
    await page.unroute('**/api/events*');
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor({ timeout: 15000 });
    await missed.first().waitFor(); // fetched from the stored feed on reconnecting
    await page.getByRole('article', { name: 'Run Sent while the page was away' }).waitFor(); // and the agents tree
  });

  await test('activity-leave-closes-feed', async () => {
    await nav('Chat');
    await page.getByLabel('Message', { exact: true }).waitFor();
    // Only the Activity feed (all types); the chat's own cost and artifact feed asks for ?types= and stays open.
    const states = await page.evaluate(() => window.__sources.filter((s) => new URL(s.url).search === '').map((s) => s.readyState));
    if (!states.length || states.some((state) => state !== 2)) throw new Error(`EventSource states after leaving: ${states}`);
  });
}
