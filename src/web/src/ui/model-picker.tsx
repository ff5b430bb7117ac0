import { useEffect, useState } from 'preact/hooks';
import { get, type ProviderInfo } from '../api';

/** The model for the next message: the conversation's default, an alias, or a configured provider's model. */
export function ModelPicker({ value, onChange, defaultModel }: { value: string; onChange: (m: string) => void; defaultModel: string }) {
  const [providers, setProviders] = useState<ProviderInfo[]>([]);
  useEffect(() => {
    get<{ providers: ProviderInfo[] }>('/api/models').then((a) => setProviders(a.providers.filter((p) => p.configured && p.models.length))).catch(() => undefined);
  }, []);
  return (
    <label class="inline">
      <span>Model</span>
      <select value={value} onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value)}>
        <option value="">Default ({defaultModel})</option>
        <optgroup label="Aliases">
          <option value="fast">fast</option>
          <option value="balanced">balanced</option>
          <option value="smart">smart</option>
        </optgroup>
        {providers.map((p) => (
          <optgroup key={p.id} label={p.name}>
            {p.models.map((m) => <option key={m.id} value={`${p.id}/${m.id}`}>{m.name || m.id}</option>)}
          </optgroup>
        ))}
      </select>
    </label>
  );
}
