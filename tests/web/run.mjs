// Browser tests of the web app: the real daemon binary (or any command), a fake OpenAI-compatible
// provider, and the system's Chromium driven by playwright-core. Every step saves a screenshot to
// tests/web/out/, runs axe-core (no serious or critical violations), checks that a 360 px wide
// screen does not scroll sideways, and fails on any Content-Security-Policy violation. The steps are
// the spec files in tests/web/specs/, run in name order (10-core signs in and onboards, 99 signs out).
// Usage: node tests/web/run.mjs <openmotoko binary | command...>   (CHROMIUM=/path overrides /usr/bin/chromium)
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
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
let log = '';
let daemon;
let overrides = {};
/** The daemon's environment: the harness's password and log level, with `overrides` (null removes a variable). */
function environment() {
  const env = { ...process.env, OPENMOTOKO_PASSWORD: password, OPENMOTOKO_LOG_LEVEL: 'Information', TELEGRAM_API_BASE_URL: 'http://127.0.0.1:9', ...overrides }; // Telegram: a closed port, never the real one
  for (const [name, value] of Object.entries(env)) if (value === null || value === undefined) delete env[name];
  return env;
}
/** Starts the daemon on `port` (0: any free one) and resolves with its base URL once it listens. */
function startDaemon(port) {
  daemon = spawn(binary, [...binaryArgs, 'serve', '--host', '127.0.0.1', '--port', String(port), '--data-dir', dataDir], {
    env: environment(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const child = daemon;
  let own = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`daemon did not start:\n${own}`)), 20000);
    const onData = (data) => {
      log += data;
      own += data;
      const match = /listening on (http:\/\/[0-9.:]+)/.exec(own);
      if (match) { clearTimeout(timer); resolve(match[1]); }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => { if (!child.stopping) reject(new Error(`daemon exited with ${code}:\n${own}`)); });
  });
}
const base = await startDaemon(0);

/**
 * Stops the daemon (SIGTERM, as systemd does) and starts it again on the same port and data dir,
 * with `environment` overrides from then on (null removes a variable) and `whileStopped` run between.
 */
async function restart({ environment: changes = {}, whileStopped = async () => {} } = {}) {
  const old = daemon;
  old.stopping = true;
  const exited = new Promise((resolve) => old.on('exit', resolve));
  old.kill('SIGTERM');
  await exited;
  overrides = { ...overrides, ...changes };
  await whileStopped();
  await startDaemon(new URL(base).port);
}

/** Runs an `openmotoko` command on the harness's data dir with `input` on stdin; resolves with its exit code and output. */
function cli(args, input = '') {
  const child = spawn(binary, [...binaryArgs, ...args, '--data-dir', dataDir], { env: environment(), stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (data) => { output += data; });
  child.stderr.on('data', (data) => { output += data; });
  child.stdin.end(input);
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
}

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

/**
 * @typedef {{ test: (name: string, body: () => Promise<void>) => Promise<void>, page: import('playwright-core').Page,
 *   base: string, provider: { url: string, rule: (pattern: RegExp, reply: object) => void }, password: string, metrics: Record<string, number>,
 *   restart: (options?: { environment?: Record<string, string | null>, whileStopped?: () => Promise<void> }) => Promise<void>,
 *   cli: (args: string[], input?: string) => Promise<{ code: number, output: string }> }} Harness
 */
const specs = readdirSync(new URL('./specs/', import.meta.url)).filter((name) => name.endsWith('.mjs')).sort();
for (const spec of specs) {
  const { default: run } = await import(new URL(`./specs/${spec}`, import.meta.url).href);
  await run({ test, page, base, provider, password, metrics, restart, cli });
}

await context.close();
daemon.kill('SIGTERM');
provider.close();
rmSync(profile, { recursive: true, force: true });
rmSync(dataDir, { recursive: true, force: true });
console.log(`metrics: ${JSON.stringify(metrics)}`);
console.log(`web: ${passed} passed, ${failed} failed in ${Math.round((Date.now() - started) / 1000)} s (screenshots in tests/web/out/)`);
process.exit(failed ? 1 : 0);
