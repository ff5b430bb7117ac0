// Channels: Telegram's settings (validation, the token masked once saved, its status), dmPolicy, and a
// channel plugin (the reference loopback plugin of docs/examples) installed by path, configured,
// paired with a stranger who writes to it, and removed. The harness points Telegram at a closed
// local port, so the daemon never calls the real Bot API.
import { eventually as waitUntil, json as kitJson, lightScreenshot } from '../kit.mjs';
import { createServer } from 'node:net';

const pluginDir = new URL('../../../docs/examples/channel-plugin', import.meta.url).pathname;
const token = '123456789:AAE-fake-token-for-web-tests-0000';

const freePort = () => new Promise((resolve) => {
  const server = createServer().listen(0, '127.0.0.1', () => { const { port } = server.address(); server.close(() => resolve(port)); });
});

/** @param {import('../run.mjs').Harness} h */
export default async function ({ test, page }) {
  const json = (path) => kitJson(page, path);
  const channel = async (id) => (await json('/api/channels')).find((c) => c.id === id);
  const eventually = (check, what, tries) => waitUntil(page, check, what, tries);

  await test('channels-telegram', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Channels' }).click();
    await page.getByRole('heading', { name: 'Channels', level: 1 }).waitFor();
    const telegram = page.getByRole('region', { name: 'Telegram' });
    await telegram.getByTestId('ch-telegram-status').filter({ hasText: 'stopped' }).waitFor();
    await telegram.getByText('None saved yet.').waitFor();

    await telegram.getByLabel('Bot token (from @BotFather)').fill('not-a-token');
    await telegram.getByRole('button', { name: 'Save Telegram' }).click();
    await telegram.locator('#ch-telegram-botToken-error').filter({ hasText: 'botToken must be the token BotFather gave you' }).waitFor();
    if ((await channel('telegram')).config.botToken !== undefined) throw new Error('a refused token was stored');

    await telegram.getByLabel('Bot token (from @BotFather)').fill(token);
    await telegram.getByRole('button', { name: 'Save Telegram' }).click();
    const masked = telegram.getByTestId('ch-telegram-botToken-masked');
    await masked.waitFor();
    const shown = await masked.innerText();
    const stored = (await channel('telegram')).config.botToken;
    if (shown !== stored || shown.includes(token) || !shown.endsWith('0000')) throw new Error(`token shown as ${shown}, API ${stored}`);
    if (await telegram.getByLabel('Bot token (from @BotFather)').inputValue() !== '') throw new Error('the token stays in the field');
    // The Bot API is a closed port here: the live status turns to error with what went wrong, and never shows the token.
    await telegram.getByTestId('ch-telegram-status').filter({ hasText: 'error' }).waitFor();
    await telegram.getByText(/retrying in/).waitFor();
    if ((await page.content()).includes(token)) throw new Error('the token appears on the page');
  });

  await test('channels-dm-policy', async () => {
    const telegram = page.getByRole('region', { name: 'Telegram' });
    const policy = telegram.getByLabel('Who may talk to it');
    await policy.selectOption('open');
    await telegram.getByText('Open lets anyone who finds Telegram use your agent').waitFor();
    await telegram.getByRole('button', { name: 'Save Telegram' }).click();
    await eventually(async () => (await channel('telegram')).dmPolicy === 'open', 'dmPolicy open');

    await policy.selectOption('allowlist'); // without allowed ids: refused, naming the field
    await telegram.getByRole('button', { name: 'Save Telegram' }).click();
    await telegram.locator('#ch-telegram-allowFrom-error').filter({ hasText: 'allowlist needs config.allowFrom' }).waitFor();
    await telegram.getByLabel('Allowed sender ids (comma-separated)').fill('12345, 67890');
    await telegram.getByRole('button', { name: 'Save Telegram' }).click();
    await eventually(async () => { const c = await channel('telegram'); return c.dmPolicy === 'allowlist' && c.config.allowFrom?.join() === '12345,67890'; }, 'allowlist saved');

    await policy.selectOption('pairing');
    await telegram.getByLabel('Allowed sender ids (comma-separated)').fill('');
    await telegram.getByRole('button', { name: 'Save Telegram' }).click();
    await eventually(async () => { const c = await channel('telegram'); return c.dmPolicy === 'pairing' && c.config.allowFrom === undefined; }, 'pairing again');

    await telegram.getByLabel('Enabled').uncheck(); // stop retrying the closed port
    await telegram.getByTestId('ch-telegram-status').filter({ hasText: 'stopped' }).waitFor();
    if ((await channel('telegram')).enabled !== false) throw new Error('telegram still enabled');
  });

  await test('channels-plugin-install', async () => {
    const plugins = page.getByRole('region', { name: 'Channel plugins' });
    await plugins.getByText('No plugins installed.').waitFor();
    await plugins.getByLabel('Absolute path').fill('plugin.js');
    await plugins.getByRole('button', { name: 'Install plugin' }).click();
    await plugins.getByRole('alert').filter({ hasText: 'path must be the absolute path' }).waitFor();
    await plugins.getByLabel('Absolute path').fill('/nonexistent/openmotoko-plugin');
    await plugins.getByRole('button', { name: 'Install plugin' }).click();
    await plugins.getByRole('alert').filter({ hasText: 'Nothing at /nonexistent/openmotoko-plugin' }).waitFor(); // PLUGIN_INSTALL_FAILED's message

    await plugins.getByLabel('Absolute path').fill(pluginDir);
    await plugins.getByLabel('Channel id (optional)').fill('loopback');
    await plugins.getByRole('button', { name: 'Install plugin' }).click();
    await plugins.getByRole('status').filter({ hasText: 'Installed' }).waitFor();
    const listed = plugins.getByRole('list', { name: 'Installed plugins' }).getByRole('listitem').filter({ hasText: 'Loopback' });
    await listed.locator('.badge').filter({ hasText: 'running' }).waitFor();
    await page.getByRole('region', { name: 'Loopback' }).getByTestId('ch-loopback-status').filter({ hasText: 'running' }).waitFor();
  });

  await test('channels-pairing', async () => {
    const loopback = page.getByRole('region', { name: 'Loopback' });
    const port = await freePort();
    await loopback.getByRole('spinbutton', { name: /^port/ }).fill(String(port)); // a field from the plugin's own config schema
    const env = loopback.getByLabel(/^Environment variables/);
    await env.fill('GREETING=hello-from-web');
    await loopback.getByRole('button', { name: 'Save Loopback' }).click();
    await eventually(async () => (await channel('loopback')).config.port === port, 'port saved');
    const chat = `http://127.0.0.1:${port}`;
    await eventually(async () => (await fetch(`${chat}/sent`).catch(() => null))?.ok === true, 'the plugin listens on the port');
    const given = await (await fetch(`${chat}/env`)).json();
    if (given.GREETING !== 'hello-from-web') throw new Error(`plugin env: ${JSON.stringify(given)}`);
    await eventually(async () => { const v = await env.inputValue(); return v.startsWith('GREETING=') && !v.includes('hello-from-web'); }, 'env shown masked');

    // A stranger writes: under pairing they get a code (the plugin records what it was sent) and wait for approval.
    await fetch(`${chat}/inbound`, { method: 'POST', body: JSON.stringify({ chatId: 'c1', senderId: 'ann', senderName: 'Ann', text: 'hello' }) });
    let code = null;
    await eventually(async () => {
      const sent = await (await fetch(`${chat}/sent?chatId=c1`)).json();
      code = sent.map((m) => /\b(\d{6})\b/.exec(m.text)?.[1]).find(Boolean) ?? null;
      return code !== null;
    }, 'a pairing code sent to the stranger');

    await loopback.getByRole('button', { name: 'Refresh Loopback senders' }).click();
    const pending = loopback.getByRole('list', { name: 'Waiting for approval on Loopback' });
    await pending.getByRole('button', { name: 'Approve Ann' }).waitFor();
    await pending.getByLabel('Pairing code from Ann').fill(code === '000000' ? '111111' : '000000');
    await pending.getByRole('button', { name: 'Approve Ann' }).click();
    await pending.getByRole('alert').filter({ hasText: 'No pending pairing code' }).waitFor();
    await pending.getByLabel('Pairing code from Ann').fill(code);
    await pending.getByRole('button', { name: 'Approve Ann' }).click();
    const approved = loopback.getByRole('list', { name: 'Approved senders of Loopback' });
    await approved.getByRole('button', { name: 'Remove Ann' }).waitFor();
    // Ann may talk now: her message reaches the agent, and the card's last-message time follows the live event.
    await fetch(`${chat}/inbound`, { method: 'POST', body: JSON.stringify({ chatId: 'c1', senderId: 'ann', senderName: 'Ann', text: 'hi there' }) });
    await loopback.getByText('last message never').waitFor({ state: 'detached' });
    await eventually(async () => (await (await fetch(`${chat}/sent?chatId=c1`)).json()).some((m) => m.text.includes('Hello from the')), 'the agent answered Ann');
    const senders = await json('/api/channels/loopback/senders');
    if (senders.length !== 1 || senders[0].status !== 'approved' || JSON.stringify(senders).includes(code)) throw new Error(`senders: ${JSON.stringify(senders)}`);

    await approved.getByRole('button', { name: 'Remove Ann' }).click(); // the harness accepts the confirm
    await approved.waitFor({ state: 'detached' });
    if ((await json('/api/channels/loopback/senders')).length !== 0) throw new Error('Ann not removed');
    await lightScreenshot(page, 'channels');
  });

  await test('channels-plugin-remove', async () => {
    const plugins = page.getByRole('region', { name: 'Channel plugins' });
    await plugins.getByRole('button', { name: 'Remove plugin Loopback' }).click();
    await plugins.getByText('No plugins installed.').waitFor();
    await page.getByRole('region', { name: 'Loopback' }).waitFor({ state: 'detached' });
    if (await channel('loopback')) throw new Error('the plugin channel is still listed');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
    await page.getByLabel('Message', { exact: true }).waitFor();
  });
}
