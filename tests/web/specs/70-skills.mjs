// Skills: switch a skill off and on, change a mode; the registry: its "not configured" state, then a
// fake registry (the test fixtures, served from this process as a static host would) to search,
// install, rate and uninstall from.
import { eventually as waitUntil, json as kitJson, lightScreenshot } from '../kit.mjs';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';

const fixtures = new URL('../../OpenMotoko.Tests/Registry/Fixtures/registry/', import.meta.url);

/** The example registry of the C# tests over HTTP: GET index.json and packages/*, POST /ratings. */
async function startFakeRegistry() {
  const ratings = [];
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const part of req) body += part;
    const path = new URL(req.url, 'http://registry').pathname;
    if (req.method === 'POST' && path === '/ratings') {
      ratings.push(JSON.parse(body));
      res.writeHead(201).end();
      return;
    }
    if (req.method === 'GET' && /^\/(index\.json|packages\/[a-z0-9.-]+)$/.test(path)) {
      const bytes = await readFile(new URL('.' + path, fixtures)).catch(() => null);
      if (bytes) {
        res.writeHead(200, { 'content-type': path.endsWith('.json') ? 'application/json' : 'application/octet-stream' }).end(bytes);
        return;
      }
    }
    res.writeHead(404).end();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, ratings, close: () => server.close() };
}

/** @param {import('../run.mjs').Harness} h */
export default async function ({ test, page }) {
  const json = (path) => kitJson(page, path);
  const eventually = (check, what) => waitUntil(page, check, what, 50);
  const skill = async (id) => (await json('/api/skills')).find((s) => s.id === id);

  await test('skills', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Skills' }).click();
    await page.getByRole('heading', { name: 'Skills', level: 1 }).waitFor();
    const memory = page.getByRole('region', { name: 'Memory', exact: true });
    await memory.getByText('memory.write').waitFor(); // what it may do
    await memory.getByLabel('Enabled').uncheck();
    await eventually(async () => (await skill('memory')).enabled === false, 'memory switched off');
    await memory.getByLabel('Enabled').check();
    await eventually(async () => (await skill('memory')).enabled === true, 'memory switched on');

    const files = page.getByRole('region', { name: 'Files', exact: true });
    if (await files.getByLabel('Mode').inputValue() !== 'ask') throw new Error('files should start in mode ask');
    await files.getByLabel('Mode').selectOption('auto');
    await eventually(async () => (await json('/api/settings'))['skills.filesystem.mode'] === 'auto', 'files mode auto');
    await eventually(async () => (await skill('filesystem')).mode === 'auto', 'skill shows mode auto');
    await files.getByLabel('Mode').selectOption('ask'); // back to the default for the specs after this one
    await eventually(async () => (await json('/api/settings'))['skills.filesystem.mode'] === 'ask', 'files mode ask');
    if (await page.getByRole('region', { name: 'Core', exact: true }).getByLabel('Mode').count() !== 0) throw new Error('core has no mode setting');
    await lightScreenshot(page, 'skills');
  });

  await test('registry-not-configured', async () => {
    const registry = page.getByRole('region', { name: 'Skill registry' });
    await registry.getByText('No skill registry is configured').waitFor();
    await registry.getByText('OPENMOTOKO_REGISTRY_URL').waitFor();
    await registry.getByLabel('Registry URL').fill('ftp://example.org/registry');
    await registry.getByRole('button', { name: 'Save registry' }).click();
    await registry.getByRole('status').filter({ hasText: 'http:// or https://' }).waitFor(); // the daemon's validation message
  });

  const fake = await startFakeRegistry();
  try {
    await test('registry', async () => {
      const registry = page.getByRole('region', { name: 'Skill registry' });
      await registry.getByLabel('Registry URL').fill(fake.url);
      await registry.getByRole('button', { name: 'Save registry' }).click();
      const weather = registry.getByRole('article', { name: 'Weather brief' });
      await weather.waitFor();
      await registry.getByRole('article', { name: 'Git helper' }).waitFor();

      await registry.getByLabel('Search the registry').fill('git');
      await registry.getByRole('button', { name: 'Search', exact: true }).click();
      await weather.waitFor({ state: 'detached' });
      await registry.getByLabel('Search the registry').fill('weather');
      await registry.getByRole('button', { name: 'Search', exact: true }).click();
      await weather.waitFor();

      await weather.getByRole('button', { name: 'Install Weather brief' }).click();
      await weather.getByRole('status').filter({ hasText: 'Installed' }).waitFor();
      const installed = page.getByRole('region', { name: 'weather-brief', exact: true }); // named by its SKILL.md
      await installed.waitFor(); // now a skill, switched off
      if (await installed.getByLabel('Enabled').isChecked()) throw new Error('an installed skill starts switched off');
      const listed = await skill('weather-brief');
      if (listed?.source !== 'registry' || listed.enabled !== false) throw new Error(`skill: ${JSON.stringify(listed)}`);

      await weather.getByText('Rate Weather brief').click();
      await weather.getByLabel('Stars').selectOption('4');
      await weather.getByLabel('Comment (optional)').fill('Handy every morning');
      await weather.getByRole('button', { name: 'Send rating' }).click();
      await weather.getByRole('status').filter({ hasText: 'has your rating' }).waitFor();
      const rating = fake.ratings.at(-1);
      if (rating?.skillId !== 'weather-brief' || rating.stars !== 4 || rating.comment !== 'Handy every morning') throw new Error(`rating: ${JSON.stringify(rating)}`);

      await weather.getByRole('button', { name: 'Uninstall Weather brief' }).click(); // the harness accepts the confirm
      await installed.waitFor({ state: 'detached' });
      await eventually(async () => (await skill('weather-brief')) === undefined, 'weather-brief uninstalled');
      await weather.getByRole('button', { name: 'Install Weather brief' }).waitFor();
    });

    await test('registry-remove', async () => {
      const registry = page.getByRole('region', { name: 'Skill registry' });
      await registry.getByText('Registry address').click();
      await registry.getByRole('button', { name: 'Remove' }).click();
      await registry.getByText('No skill registry is configured').waitFor();
      if ((await json('/api/settings'))['registry.url'] !== null) throw new Error('registry.url not cleared');
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
      await page.getByLabel('Message', { exact: true }).waitFor();
    });
  } finally {
    fake.close();
  }
}
