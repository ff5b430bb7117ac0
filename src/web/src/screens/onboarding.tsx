import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, get, type ProviderInfo, type Settings } from '../api';
import { Field } from '../ui/field';

// First run: provider, its key or URL, a default model tested with a real call, the budget, done.
const PROVIDERS = [
  { id: 'anthropic', name: 'Anthropic', key: 'anthropicApiKey' },
  { id: 'openai', name: 'OpenAI', key: 'openaiApiKey' },
  { id: 'google', name: 'Google AI', key: 'googleAiApiKey' },
  { id: 'ollama', name: 'Ollama (local)', url: 'ollamaHost' },
  { id: 'generic', name: 'OpenAI-compatible server', url: 'genericBaseUrl', key: 'genericApiKey' },
] as const;

type Step = 'provider' | 'model' | 'budget';

export function Onboarding({ settings, onDone }: { settings: Settings; onDone: (s: Settings) => void }) {
  const [step, setStep] = useState<Step>('provider');
  const [provider, setProvider] = useState<string>((settings['llm.defaultProvider'] as string) ?? 'anthropic');
  const [key, setKey] = useState('');
  const [url, setUrl] = useState('');
  const [error, setError] = useState<string | null>(null);
  const info = PROVIDERS.find((p) => p.id === provider)!;

  const saveProvider = async (event: Event) => {
    event.preventDefault();
    setError(null);
    const change: Settings = { 'llm.defaultProvider': provider };
    if ('key' in info && key) change[info.key] = key;
    if ('url' in info && url) change[info.url] = url;
    try {
      await api('PUT', '/api/settings', change);
      setStep('model');
    } catch (e) {
      setError(describe(e));
    }
  };

  return (
    <main class="center">
      <section class="card" aria-labelledby="onboarding-title">
        <h1 id="onboarding-title">Welcome to OpenMotoko</h1>
        <ol class="steps" aria-label="Steps">
          <li aria-current={step === 'provider' ? 'step' : undefined}>Provider</li>
          <li aria-current={step === 'model' ? 'step' : undefined}>Model</li>
          <li aria-current={step === 'budget' ? 'step' : undefined}>Budget</li>
        </ol>
        {step === 'provider' && (
          <form onSubmit={saveProvider}>
            <fieldset>
              <legend>Which AI provider answers you?</legend>
              {PROVIDERS.map((p) => (
                <label class="choice" key={p.id}>
                  <input type="radio" name="provider" value={p.id} checked={provider === p.id} onChange={() => setProvider(p.id)} />
                  {p.name}
                </label>
              ))}
            </fieldset>
            {'url' in info && (
              <Field id="provider-url" label={provider === 'ollama' ? 'Ollama URL' : 'Server URL (…/v1)'}>
                <input id="provider-url" type="url" required={provider === 'generic'} value={url}
                  placeholder={provider === 'ollama' ? 'http://localhost:11434' : 'http://localhost:8080/v1'}
                  onInput={(e) => setUrl((e.currentTarget as HTMLInputElement).value)} />
              </Field>
            )}
            {'key' in info && (
              <Field id="provider-key" label={provider === 'generic' ? 'API key (if the server needs one)' : 'API key'}>
                <input id="provider-key" type="password" autocomplete="off" required={provider !== 'generic'} value={key}
                  onInput={(e) => setKey((e.currentTarget as HTMLInputElement).value)} />
              </Field>
            )}
            {error && <p class="error" role="alert">{error}</p>}
            <button type="submit" class="primary">Next</button>
          </form>
        )}
        {step === 'model' && <ModelStep provider={provider} onBack={() => setStep('provider')} onNext={() => setStep('budget')} />}
        {step === 'budget' && <BudgetStep onDone={onDone} />}
      </section>
    </main>
  );
}

function ModelStep({ provider, onBack, onNext }: { provider: string; onBack: () => void; onNext: () => void }) {
  const [models, setModels] = useState<string[]>([]);
  const [model, setModel] = useState('');
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    get<{ providers: ProviderInfo[] }>('/api/models').then((answer) => {
      const found = answer.providers.find((p) => p.id === provider);
      const ids = found?.models.map((m) => m.id) ?? [];
      setModels(ids);
      setModel((current) => current || ids[0] || '');
      if (found?.error) setStatus({ ok: false, text: found.error });
    }).catch((e) => setStatus({ ok: false, text: describe(e) }));
  }, [provider]);

  const test = async () => {
    setBusy(true);
    setStatus(null);
    try {
      // A real call through the daemon's OpenAI-compatible endpoint, with the session cookie.
      const response = await fetch('/v1/chat/completions', {
        method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ model: `${provider}/${model}`, max_tokens: 16, messages: [{ role: 'user', content: 'Reply with the single word OK.' }] }),
      });
      const body = await response.json();
      if (!response.ok) throw new Error(body?.error?.message ?? response.statusText);
      setStatus({ ok: true, text: `It works. The model said: ${String(body.choices?.[0]?.message?.content ?? '').slice(0, 200)}` });
    } catch (e) {
      setStatus({ ok: false, text: `The test call failed: ${(e as Error).message}` });
    } finally {
      setBusy(false);
    }
  };

  const next = async (event: Event) => {
    event.preventDefault();
    try {
      await api('PUT', '/api/settings', { defaultModel: `${provider}/${model}` });
      onNext();
    } catch (e) {
      setStatus({ ok: false, text: describe(e) });
    }
  };

  return (
    <form onSubmit={next}>
      <Field id="model" label="Default model">
        <input id="model" list="model-list" required value={model} onInput={(e) => setModel((e.currentTarget as HTMLInputElement).value)} />
        <datalist id="model-list">{models.map((id) => <option key={id} value={id} />)}</datalist>
      </Field>
      <p class="hint">Test sends one short message to the provider (it costs a fraction of a cent).</p>
      <div class="row">
        <button type="button" onClick={onBack}>Back</button>
        <button type="button" onClick={test} disabled={busy || !model}>{busy ? 'Testing…' : 'Test'}</button>
        <button type="submit" class="primary" disabled={!model}>{status?.ok ? 'Next' : 'Next without a test'}</button>
      </div>
      {status && <p class={status.ok ? 'ok' : 'error'} role="status">{status.text}</p>}
    </form>
  );
}

function BudgetStep({ onDone }: { onDone: (s: Settings) => void }) {
  const [daily, setDaily] = useState('0');
  const [monthly, setMonthly] = useState('0');
  const [error, setError] = useState<string | null>(null);

  const finish = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      await api('PUT', '/api/settings/budget', { daily: Number(daily), monthly: Number(monthly) });
      onDone(await api<Settings>('PUT', '/api/settings', { onboardingComplete: true }));
    } catch (e) {
      setError(describe(e));
    }
  };

  return (
    <form onSubmit={finish}>
      <p class="hint">Spending limits in US dollars; 0 means no limit. Calls beyond a limit are refused.</p>
      <Field id="budget-daily" label="Daily budget (USD)">
        <input id="budget-daily" type="number" min="0" step="0.01" required value={daily} onInput={(e) => setDaily((e.currentTarget as HTMLInputElement).value)} />
      </Field>
      <Field id="budget-monthly" label="Monthly budget (USD)">
        <input id="budget-monthly" type="number" min="0" step="0.01" required value={monthly} onInput={(e) => setMonthly((e.currentTarget as HTMLInputElement).value)} />
      </Field>
      {error && <p class="error" role="alert">{error}</p>}
      <button type="submit" class="primary">Finish</button>
    </form>
  );
}

function describe(e: unknown): string {
  if (e instanceof ApiError) return e.details?.length ? `${e.message} ${e.details.map((d) => d.message).join('; ')}` : e.message;
  return (e as Error).message;
}
