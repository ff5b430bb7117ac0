import { useEffect, useState } from 'preact/hooks';
import { get, type ProviderInfo } from '../api';

const ALIASES = ['fast', 'balanced', 'smart'];

/**
 * The options of every model select: the aliases, then each configured provider's models, plus
 * `current` when it is neither (a model set elsewhere stays selectable rather than silently lost).
 */
export function ModelOptions({ current }: { current: string }) {
  const [providers, setProviders] = useState<ProviderInfo[]>([]);
  useEffect(() => {
    get<{ providers: ProviderInfo[] }>('/api/models').then((a) => setProviders(a.providers.filter((p) => p.configured && p.models.length))).catch(() => undefined);
  }, []);
  const listed = current === '' || ALIASES.includes(current) || providers.some((p) => p.models.some((m) => `${p.id}/${m.id}` === current));
  return (
    <>
      {!listed && <option value={current}>{current}</option>}
      <optgroup label="Aliases">
        {ALIASES.map((a) => <option key={a} value={a}>{a}</option>)}
      </optgroup>
      {providers.map((p) => (
        <optgroup key={p.id} label={p.name}>
          {p.models.map((m) => <option key={m.id} value={`${p.id}/${m.id}`}>{m.name || m.id}</option>)}
        </optgroup>
      ))}
    </>
  );
}

/** The model for the next message: the conversation's default, an alias, or a configured provider's model. */
export function ModelPicker({ value, onChange, defaultModel }: { value: string; onChange: (m: string) => void; defaultModel: string }) {
  return (
    <label class="inline">
      <span>Model</span>
      <select value={value} onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value)}>
        <option value="">Default ({defaultModel})</option>
        <ModelOptions current={value} />
      </select>
    </label>
  );
}
