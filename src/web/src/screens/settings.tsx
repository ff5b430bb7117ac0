import { useState } from 'preact/hooks';
import { api, ApiError, type Settings } from '../api';
import type { ScreenProps } from '../screens';
import type { Theme } from '../theme';
import { Field } from '../ui/field';
import { ModelOptions } from '../ui/model-picker';
import '../settings.css';

// Providers' keys are write-only: the daemon shows them masked, and only a new value or a clear goes back.
const KEYS = [
  { key: 'anthropicApiKey', name: 'Anthropic API key' },
  { key: 'openaiApiKey', name: 'OpenAI API key' },
  { key: 'googleAiApiKey', name: 'Google AI API key' },
  { key: 'genericApiKey', name: 'OpenAI-compatible server key' },
] as const;
const URLS = [
  { key: 'genericBaseUrl', name: 'OpenAI-compatible server URL (…/v1)' },
  { key: 'ollamaHost', name: 'Ollama URL' },
] as const;

type Status = { ok: boolean; text: string } | null;

function describe(e: unknown): string {
  if (e instanceof ApiError) return e.details?.length ? e.details.map((d) => d.message).join('; ') : e.message;
  return (e as Error).message;
}

/** Saves a change of settings and reports it; the view the daemon answers with replaces the app's. */
function useSave(onSettings: (s: Settings) => void) {
  const [status, setStatus] = useState<Status>(null);
  const save = async (change: Settings, done = 'Saved.') => {
    try {
      onSettings(await api<Settings>('PUT', '/api/settings', change));
      setStatus({ ok: true, text: done });
      return true;
    } catch (e) {
      setStatus({ ok: false, text: describe(e) });
      return false;
    }
  };
  return { status, save };
}

export function SettingsScreen({ settings, onSettings }: ScreenProps) {
  return (
    <main class="page settings" aria-labelledby="settings-title">
      <h1 id="settings-title">Settings</h1>
      <Providers settings={settings} onSettings={onSettings} />
      <DefaultModel settings={settings} onSettings={onSettings} />
      <SystemPrompt settings={settings} onSettings={onSettings} />
      <Appearance settings={settings} onSettings={onSettings} />
      <PasswordForm />
    </main>
  );
}

type Part = { settings: Settings; onSettings: (s: Settings) => void };

function Providers({ settings, onSettings }: Part) {
  const { status, save } = useSave(onSettings);
  const [values, setValues] = useState<Record<string, string>>({});
  const set = (key: string, value: string) => setValues((v) => ({ ...v, [key]: value }));
  const submit = async (event: Event) => {
    event.preventDefault();
    const change = Object.fromEntries(Object.entries(values).filter(([, v]) => v.trim() !== '').map(([k, v]) => [k, v.trim()]));
    if (!Object.keys(change).length) return;
    if (await save(change)) setValues({});
  };
  const clear = async (key: string, name: string) => {
    if (await save({ [key]: null }, `${name} cleared.`)) set(key, '');
  };
  return (
    <form class="card" onSubmit={submit} aria-labelledby="providers-title">
      <h2 id="providers-title">Providers</h2>
      <p class="hint">Keys are never shown again once saved: type a new one to replace it. A key set in the daemon's environment wins over one saved here.</p>
      {KEYS.map(({ key, name }) => (
        <div class="key-row" key={key}>
          <Field id={`key-${key}`} label={name}>
            <input id={`key-${key}`} type="password" autocomplete="off" spellcheck={false} value={values[key] ?? ''}
              aria-describedby={`key-${key}-now`} placeholder="New key" onInput={(e) => set(key, (e.currentTarget as HTMLInputElement).value)} />
          </Field>
          <p class="hint" id={`key-${key}-now`} data-testid={`masked-${key}`}>
            Now: {settings[key] ? <code>{String(settings[key])}</code> : 'not set'}
          </p>
          {settings[key] != null && <button type="button" onClick={() => clear(key, name)}>Clear {name}</button>}
        </div>
      ))}
      {URLS.map(({ key, name }) => (
        <Field id={`url-${key}`} label={name} key={key}>
          <input id={`url-${key}`} type="url" value={values[key] ?? ''} placeholder={settings[key] ? String(settings[key]) : 'not set'}
            onInput={(e) => set(key, (e.currentTarget as HTMLInputElement).value)} />
        </Field>
      ))}
      <div class="row"><button type="submit" class="primary">Save providers</button></div>
      {status && <p class={status.ok ? 'ok' : 'error'} role="status">{status.text}</p>}
    </form>
  );
}

function DefaultModel({ settings, onSettings }: Part) {
  const { status, save } = useSave(onSettings);
  const current = String(settings.defaultModel ?? 'balanced');
  const [model, setModel] = useState(current);
  return (
    <form class="card" aria-labelledby="model-title" onSubmit={(e) => { e.preventDefault(); save({ defaultModel: model }); }}>
      <h2 id="model-title">Default model</h2>
      <p class="hint">Used by conversations that name no model. Aliases follow the fast, balanced and smart models of the default provider unless set.</p>
      <Field id="settings-model" label="Default model">
        <select id="settings-model" value={model} onChange={(e) => setModel((e.currentTarget as HTMLSelectElement).value)}>
          <ModelOptions current={current} />
        </select>
      </Field>
      <div class="row"><button type="submit" class="primary">Save model</button></div>
      {status && <p class={status.ok ? 'ok' : 'error'} role="status">{status.text}</p>}
    </form>
  );
}

function SystemPrompt({ settings, onSettings }: Part) {
  const { status, save } = useSave(onSettings);
  const [prompt, setPrompt] = useState(String(settings.systemPrompt ?? ''));
  return (
    <form class="card" aria-labelledby="prompt-title" onSubmit={(e) => { e.preventDefault(); save({ systemPrompt: prompt.trim() ? prompt : null }); }}>
      <h2 id="prompt-title">System prompt</h2>
      <p class="hint">Added to every conversation that has no prompt of its own. Empty: the daemon's default.</p>
      <Field id="settings-prompt" label="System prompt">
        <textarea id="settings-prompt" rows={6} maxLength={100000} value={prompt} onInput={(e) => setPrompt((e.currentTarget as HTMLTextAreaElement).value)} />
      </Field>
      <div class="row"><button type="submit" class="primary">Save system prompt</button></div>
      {status && <p class={status.ok ? 'ok' : 'error'} role="status">{status.text}</p>}
    </form>
  );
}

function Appearance({ settings, onSettings }: Part) {
  const { status, save } = useSave(onSettings);
  const theme = (settings.theme as Theme) ?? 'system';
  return (
    <section class="card" aria-labelledby="appearance-title">
      <h2 id="appearance-title">Appearance</h2>
      <fieldset>
        <legend>Colour scheme</legend>
        {(['system', 'light', 'dark'] as const).map((t) => (
          <label class="choice" key={t}>
            <input type="radio" name="settings-theme" value={t} checked={theme === t} onChange={() => save({ theme: t })} />
            {t === 'system' ? 'As the system' : t === 'light' ? 'Light' : 'Dark'}
          </label>
        ))}
      </fieldset>
      {status && <p class={status.ok ? 'ok' : 'error'} role="status">{status.text}</p>}
    </section>
  );
}

function PasswordForm() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [status, setStatus] = useState<Status>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    if (next !== repeat) { setStatus({ ok: false, text: 'The new password and its repetition differ.' }); return; }
    try {
      await api('POST', '/api/auth/password', { current, new: next });
      setCurrent(''); setNext(''); setRepeat('');
      setStatus({ ok: true, text: 'Password changed. Every other session was signed out.' });
    } catch (e) {
      setStatus({ ok: false, text: describe(e) });
    }
  };
  return (
    <form class="card" onSubmit={submit} aria-labelledby="password-title">
      <h2 id="password-title">Password</h2>
      <p class="hint">At least 8 characters. Changing it signs out every other browser and app; this one stays signed in.</p>
      <Field id="password-current" label="Current password">
        <input id="password-current" type="password" autocomplete="current-password" required value={current} onInput={(e) => setCurrent((e.currentTarget as HTMLInputElement).value)} />
      </Field>
      <Field id="password-new" label="New password">
        <input id="password-new" type="password" autocomplete="new-password" required minLength={8} value={next} onInput={(e) => setNext((e.currentTarget as HTMLInputElement).value)} />
      </Field>
      <Field id="password-repeat" label="Repeat the new password">
        <input id="password-repeat" type="password" autocomplete="new-password" required minLength={8} value={repeat} onInput={(e) => setRepeat((e.currentTarget as HTMLInputElement).value)} />
      </Field>
      <div class="row"><button type="submit" class="primary">Change password</button></div>
      {status && <p class={status.ok ? 'ok' : 'error'} role="status">{status.text}</p>}
    </form>
  );
}
