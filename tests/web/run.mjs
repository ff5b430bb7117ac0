// Browser tests of the web app: the real daemon binary (or any command), a fake OpenAI-compatible
// provider, and the system's Chromium driven by playwright-core. Every step saves a screenshot to
// tests/web/out/, runs axe-core (no serious or critical violations), checks that a 360 px wide
// screen does not scroll sideways, and fails on any Content-Security-Policy violation.
// Usage: node tests/web/run.mjs <openmotoko binary | command...>   (CHROMIUM=/path overrides /usr/bin/chromium)
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startFakeProvider } from './fake-provider.mjs';

const [binary, ...binaryArgs] = process.argv.slice(2);
if (!binary) {
  console.error('usage: node tests/web/run.mjs <openmotoko binary | command...>');
  process.exit(2);
}
const out = new URL('./out/', import.meta.url).pathname;
mkdirSync(out, { recursive: true });
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const started = Date.now();

const provider = await startFakeProvider();
const dataDir = mkdtempSync(join(tmpdir(), 'openmotoko-web-'));
const profile = mkdtempSync(join(tmpdir(), 'openmotoko-chromium-'));
const password = 'web-test-password';
const daemon = spawn(binary, [...binaryArgs, 'serve', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir], {
  env: { ...process.env, OPENMOTOKO_PASSWORD: password, OPENMOTOKO_LOG_LEVEL: 'Information' },
  stdio: ['ignore', 'pipe', 'pipe'],
});
let log = '';
const base = await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error(`daemon did not start:\n${log}`)), 20000);
  const onData = (data) => {
    log += data;
    const match = /listening on (http:\/\/[0-9.:]+)/.exec(log);
    if (match) { clearTimeout(timer); resolve(match[1]); }
  };
  daemon.stdout.on('data', onData);
  daemon.stderr.on('data', onData);
  daemon.on('exit', (code) => reject(new Error(`daemon exited with ${code}:\n${log}`)));
});

const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
  viewport: { width: 1280, height: 800 },
});
const page = context.pages()[0] ?? await context.newPage();
page.setDefaultTimeout(10000);
const violations = [];
await page.addInitScript(() => {
  document.addEventListener('securitypolicyviolation', (e) => {
    (window.__csp ??= []).push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
  });
});
page.on('console', (message) => {
  if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
});
page.on('pageerror', (error) => violations.push(`page error: ${error.message}`));
page.on('dialog', (dialog) => dialog.accept());

let passed = 0;
let failed = 0;
const metrics = {};

/** Screenshots (desktop and 360 px), axe, sideways scrolling and CSP checks of what is on screen now. */
async function inspect(name) {
  await page.screenshot({ path: join(out, `${name}.png`) });
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (bad.length) throw new Error(`axe on ${name}: ${bad.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`).join('; ')}`);
  await page.setViewportSize({ width: 360, height: 740 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  await page.screenshot({ path: join(out, `${name}-360.png`) });
  await page.setViewportSize({ width: 1280, height: 800 });
  if (overflow > 0) throw new Error(`${name} scrolls sideways by ${overflow} px at 360 px`);
  const csp = await page.evaluate(() => window.__csp ?? []);
  if (csp.length || violations.length) throw new Error(`CSP violations on ${name}: ${[...csp, ...violations].join('; ')}`);
}

async function test(name, body) {
  const t = Date.now();
  try {
    await body();
    await inspect(name);
    passed++;
    console.log(`ok   ${name} (${Date.now() - t} ms)`);
  } catch (error) {
    failed++;
    console.log(`FAIL ${name}: ${error.stack ?? error}`);
    await page.screenshot({ path: join(out, `${name}-failed.png`) }).catch(() => {});
  }
}

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

await test('sign-out', async () => {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in to OpenMotoko' }).waitFor();
  const status = await page.evaluate(() => fetch('/api/settings').then((r) => r.status));
  if (status !== 401) throw new Error(`after sign-out /api/settings answered ${status}`);
});

await context.close();
daemon.kill('SIGTERM');
provider.close();
rmSync(profile, { recursive: true, force: true });
rmSync(dataDir, { recursive: true, force: true });
console.log(`metrics: ${JSON.stringify(metrics)}`);
console.log(`web: ${passed} passed, ${failed} failed in ${Math.round((Date.now() - started) / 1000)} s (screenshots in tests/web/out/)`);
process.exit(failed ? 1 : 0);
