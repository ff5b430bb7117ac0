// Scheduler: a task's schedule described and previewed while it is typed, created, run now with the
// model's answer in its history, edited, toggled, and a one-time task deleted. Runs in the light theme
// (the theme is put back at the end).
/** @param {import('../run.mjs').Harness} h */
export default async function ({ test, page, provider }) {
  provider.rule(/give the morning briefing/i, { words: ['Good ', 'morning: ', 'all systems nominal.'] });
  const nav = (name) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click();
  const theme = await page.getByLabel('Theme').inputValue();

  await test('scheduler-form', async () => {
    await page.getByLabel('Theme').selectOption('light');
    await nav('Scheduler');
    await page.getByRole('heading', { name: 'Scheduler', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'New task' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Morning briefing');
    await page.getByLabel(/^Prompt/).fill('Give the morning briefing');
    await page.getByLabel('Time zone').fill('UTC');
    const cron = page.getByLabel('Cron expression');
    const words = page.getByTestId('cron-words');
    await cron.fill('*/15 * * * *');
    await words.filter({ hasText: 'Every 15 minutes (UTC)' }).waitFor();
    await cron.fill('nope');
    await page.locator('.cron-preview .error').filter({ hasText: 'cron must have 5 fields' }).waitFor();
    // Cronos's special days, in words, and previewed by the daemon as the words say.
    for (const [expression, said] of [['0 9 L * *', 'At 09:00 on the last day of the month'], ['0 9 L-2 * *', 'At 09:00 on the last day of the month minus 2 days'],
      ['0 9 15W * *', 'At 09:00 on the weekday nearest day 15 of the month'], ['0 9 LW * *', 'At 09:00 on the last weekday of the month'],
      ['0 9 * * 5#3', 'At 09:00 on the third Friday of the month'], ['0 18 * * FRIL', 'At 18:00 on the last Friday of the month']]) {
      await cron.fill(expression);
      await words.filter({ hasText: `${said} (UTC)` }).waitFor();
    }
    const third = await page.evaluate(() => fetch('/api/scheduler/preview?cron=0%209%20*%20*%205%233&timezone=UTC').then((r) => r.json()));
    if (third.next.length !== 5 || third.next.some((t) => new Date(t).getUTCDay() !== 5 || new Date(t).getUTCDate() < 15 || new Date(t).getUTCDate() > 21)) {
      throw new Error(`third Fridays: ${JSON.stringify(third)}`);
    }
    await cron.fill('0 7 * * 1-5');
    await words.filter({ hasText: 'At 07:00 on Monday through Friday (UTC)' }).waitFor();
    const next = page.getByRole('list', { name: 'Next 5 runs' }).getByRole('listitem');
    await next.nth(4).waitFor();
    const times = await next.allInnerTexts();
    if (times.length !== 5 || new Set(times).size !== 5) throw new Error(`next runs: ${JSON.stringify(times)}`);
    const preview = await page.evaluate(() => fetch('/api/scheduler/preview?cron=0%207%20*%20*%201-5&timezone=UTC').then((r) => r.json()));
    if (preview.next.some((t) => new Date(t).getUTCHours() !== 7 || [0, 6].includes(new Date(t).getUTCDay()))) throw new Error(`preview: ${JSON.stringify(preview)}`);
  });

  await test('scheduler-run-now', async () => {
    await page.getByRole('button', { name: 'Create task' }).click();
    const task = page.getByRole('article', { name: 'Morning briefing' });
    await task.getByText('At 07:00 on Monday through Friday (UTC)').waitFor();
    await task.getByRole('button', { name: 'Run now' }).click();
    const run = page.getByRole('region', { name: 'Runs of “Morning briefing”' }).getByRole('article').first();
    await run.locator('.badge.succeeded').waitFor({ timeout: 20000 });
    await run.locator('.markdown').filter({ hasText: 'Good morning: all systems nominal.' }).waitFor();
    await run.getByText('manual').waitFor();
    await run.getByRole('link', { name: 'Open conversation' }).waitFor();
    await task.locator('.badge.succeeded').waitFor(); // the last run's status on the task
  });

  await test('scheduler-edit-toggle-delete', async () => {
    const task = page.getByRole('article', { name: 'Morning briefing' });
    await task.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Cron expression').fill('30 6 * * *');
    await page.getByRole('button', { name: 'Save task' }).click();
    await task.getByText('At 06:30 (UTC)').waitFor();
    await task.getByRole('switch').uncheck();
    await task.getByText('Disabled').waitFor();
    const stored = await page.evaluate(() => fetch('/api/scheduler/tasks').then((r) => r.json()));
    const briefing = stored.items.find((t) => t.name === 'Morning briefing');
    if (briefing.enabled || briefing.cron !== '30 6 * * *' || briefing.payload.prompt !== 'Give the morning briefing') throw new Error(JSON.stringify(briefing));

    await page.getByRole('button', { name: 'New task' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Reminder');
    await page.getByLabel(/^Prompt/).fill('Remind me to stretch');
    await page.getByLabel('Model', { exact: true }).selectOption('fast');
    await page.getByLabel('Once', { exact: true }).check();
    // A one-time run is read in the task's zone, not the browser's: 09:00 in Tokyo (UTC+9, no DST) is 00:00 UTC.
    await page.getByLabel('Time zone', { exact: true }).fill('Asia/Tokyo');
    const day = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel(/^Run at/).fill(`${day}T09:00`);
    await page.getByRole('button', { name: 'Create task' }).click();
    const reminder = page.getByRole('article', { name: 'Reminder' });
    await reminder.getByText(/^Once, /).waitFor();
    await reminder.getByText('fast', { exact: true }).waitFor();
    const tasks = await page.evaluate(() => fetch('/api/scheduler/tasks').then((r) => r.json()));
    const once = tasks.items.find((t) => t.name === 'Reminder');
    if (once.runAt !== Date.parse(`${day}T00:00:00Z`) || once.timezone !== 'Asia/Tokyo' || once.payload.model !== 'fast') throw new Error(JSON.stringify(once));
    await reminder.getByRole('button', { name: 'Delete' }).click(); // the confirm() is accepted by the harness
    await reminder.waitFor({ state: 'detached' });
  });

  await page.getByLabel('Theme').selectOption(theme);
  await nav('Chat');
  await page.getByLabel('Message', { exact: true }).waitFor();
}
