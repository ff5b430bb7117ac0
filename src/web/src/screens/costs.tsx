import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, get, type Budget, type Page } from '../api';
import { Field } from '../ui/field';
import { CostChart, type Day } from '../ui/cost-chart';

interface Today { total: number; byProvider: Record<string, number>; byModel: Record<string, number> }
interface Breakdown { providers: { name: string; cost: number; tokens: number }[]; models: { name: string; cost: number; tokens: number }[] }
interface Alert { id: string; createdAt: number; data: { message?: string; period?: string; threshold?: number } }

const usd = (n: number) => `$${n.toFixed(n < 1 ? 4 : 2)}`;

/** Costs: today, the last 30 days, this month's breakdown, the budget and its alerts. */
export function Costs() {
  const [today, setToday] = useState<Today | null>(null);
  const [days, setDays] = useState<Day[]>([]);
  const [breakdown, setBreakdown] = useState<Breakdown | null>(null);
  const [alerts, setAlerts] = useState<Alert[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    get<Today>('/api/costs/today').then(setToday).catch((e) => setError(e.message));
    get<Day[]>('/api/costs/history?days=30').then(setDays).catch((e) => setError(e.message));
    get<Breakdown>('/api/costs/breakdown?period=month').then(setBreakdown).catch((e) => setError(e.message));
    get<Page<Alert>>('/api/activity?type=budget:alert&limit=10').then((p) => setAlerts(p.items)).catch(() => undefined);
  }, []);

  return (
    <main class="page" aria-labelledby="costs-title">
      <h1 id="costs-title">Costs</h1>
      {error && <p class="error" role="alert">{error}</p>}
      <section class="card" aria-labelledby="today-title">
        <h2 id="today-title">Today</h2>
        <p class="big" data-testid="today-total">{today ? usd(today.total) : '…'}</p>
      </section>
      <section class="card" aria-labelledby="history-title">
        <h2 id="history-title">Last 30 days</h2>
        <CostChart days={days} />
      </section>
      <section class="card" aria-labelledby="breakdown-title">
        <h2 id="breakdown-title">This month by provider and model</h2>
        {breakdown && (breakdown.providers.length ? (
          <table>
            <thead><tr><th scope="col">Provider or model</th><th scope="col">Tokens</th><th scope="col">Cost</th></tr></thead>
            <tbody>
              {breakdown.providers.map((p) => <tr key={'p' + p.name}><th scope="row">{p.name}</th><td>{p.tokens.toLocaleString()}</td><td>{usd(p.cost)}</td></tr>)}
              {breakdown.models.map((m) => <tr key={'m' + m.name}><td>{m.name}</td><td>{m.tokens.toLocaleString()}</td><td>{usd(m.cost)}</td></tr>)}
            </tbody>
          </table>
        ) : <p class="hint">No model calls this month.</p>)}
      </section>
      <BudgetForm />
      <section class="card" aria-labelledby="alerts-title">
        <h2 id="alerts-title">Alerts</h2>
        {alerts.length ? <ul>{alerts.map((a) => <li key={a.id}>{new Date(a.createdAt).toLocaleString()}: {a.data.message ?? `${a.data.period} budget at ${Math.round((a.data.threshold ?? 0) * 100)} %`}</li>)}</ul>
          : <p class="hint">No budget alerts.</p>}
      </section>
    </main>
  );
}

function BudgetForm() {
  const [daily, setDaily] = useState('');
  const [monthly, setMonthly] = useState('');
  const [thresholds, setThresholds] = useState('');
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const show = (b: Budget) => {
    setDaily(String(b.daily));
    setMonthly(String(b.monthly));
    setThresholds(b.alertThresholds.map((t) => Math.round(t * 1000) / 10).join(', '));
  };
  useEffect(() => { get<Budget>('/api/settings/budget').then(show).catch(() => undefined); }, []);

  const save = async (event: Event) => {
    event.preventDefault();
    try {
      const alertThresholds = thresholds.split(',').map((t) => t.trim()).filter(Boolean).map((t) => Number(t) / 100);
      show(await api<Budget>('PUT', '/api/settings/budget', { daily: Number(daily), monthly: Number(monthly), alertThresholds }));
      setStatus({ ok: true, text: 'Saved.' });
    } catch (e) {
      setStatus({ ok: false, text: e instanceof ApiError && e.details?.length ? e.details.map((d) => d.message).join('; ') : (e as Error).message });
    }
  };

  return (
    <form class="card" onSubmit={save} aria-labelledby="budget-title">
      <h2 id="budget-title">Budget</h2>
      <p class="hint">US dollars; 0 means no limit. Alerts fire once per period when spending crosses each percentage of a limit.</p>
      <Field id="costs-daily" label="Daily limit (USD)">
        <input id="costs-daily" type="number" min="0" step="0.01" required value={daily} onInput={(e) => setDaily((e.currentTarget as HTMLInputElement).value)} />
      </Field>
      <Field id="costs-monthly" label="Monthly limit (USD)">
        <input id="costs-monthly" type="number" min="0" step="0.01" required value={monthly} onInput={(e) => setMonthly((e.currentTarget as HTMLInputElement).value)} />
      </Field>
      <Field id="costs-thresholds" label="Alert thresholds (% of a limit, comma-separated)">
        <input id="costs-thresholds" value={thresholds} onInput={(e) => setThresholds((e.currentTarget as HTMLInputElement).value)} />
      </Field>
      <button type="submit" class="primary">Save budget</button>
      {status && <p class={status.ok ? 'ok' : 'error'} role="status">{status.text}</p>}
    </form>
  );
}
