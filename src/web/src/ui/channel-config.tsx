import { useState } from 'preact/hooks';
import type { Channel, SchemaField } from '../api-connect';

type Kind = 'secret' | 'text' | 'url' | 'number' | 'integer' | 'bool' | 'enum' | 'list' | 'json' | 'env';
interface FieldSpec { key: string; label: string; kind: Kind; options?: { value: string; label: string }[]; fallback?: string | boolean; shownWhen?: (v: Values) => boolean }
type Values = Record<string, string | boolean>;

const GROUP_MODES = [{ value: 'mention', label: 'Only when mentioned or replied to' }, { value: 'all', label: 'Every message' }];
const FRAMEWORK: FieldSpec[] = [
  { key: 'allowFrom', label: 'Allowed sender ids (comma-separated)', kind: 'list' },
  { key: 'groupMode', label: 'In groups, answer', kind: 'enum', options: GROUP_MODES, fallback: 'mention' },
  { key: 'streaming', label: 'Stream answers (one message that grows)', kind: 'bool', fallback: true },
];
const TELEGRAM: FieldSpec[] = [
  { key: 'botToken', label: 'Bot token (from @BotFather)', kind: 'secret' },
  { key: 'mode', label: 'Receive messages by', kind: 'enum', fallback: 'polling',
    options: [{ value: 'polling', label: 'Polling (works behind NAT)' }, { value: 'webhook', label: 'Webhook (Telegram calls an https:// URL)' }] },
  { key: 'webhookUrl', label: 'Webhook URL (https://…/api/channels/telegram/webhook)', kind: 'url', shownWhen: (v) => v.mode === 'webhook' },
  ...FRAMEWORK,
];

/** The fields of a plugin's config: what its hello declared, then the chat framework's own keys. */
function pluginFields(schema: Record<string, SchemaField> | undefined): FieldSpec[] {
  const own = Object.entries(schema ?? {}).filter(([key]) => !['allowFrom', 'groupMode', 'streaming', 'env'].includes(key)).map(([key, f]): FieldSpec => {
    const label = f.description ? `${key}: ${f.description}` : key;
    if (f.secret || f.writeOnly) return { key, label, kind: 'secret' };
    if (f.enum) return { key, label, kind: 'enum', options: [{ value: '', label: '(not set)' }, ...f.enum.map((v) => ({ value: String(v), label: String(v) }))] };
    const kinds: Record<string, Kind> = { integer: 'integer', number: 'number', boolean: 'bool', array: 'list', object: 'json' };
    return { key, label, kind: kinds[f.type ?? ''] ?? 'text' };
  });
  return [...own, ...FRAMEWORK,
    { key: 'env', label: 'Environment variables (NAME=value, one per line; saved values show masked and are kept as they are)', kind: 'env' }];
}

function initial(spec: FieldSpec, config: Record<string, unknown>): string | boolean {
  const value = config[spec.key];
  switch (spec.kind) {
    case 'secret': return '';
    case 'bool': return typeof value === 'boolean' ? value : spec.fallback === true;
    case 'list': return Array.isArray(value) ? value.join(', ') : '';
    case 'json': return value === undefined || value === null ? '' : JSON.stringify(value);
    case 'env': return value && typeof value === 'object' ? Object.entries(value).map(([k, v]) => `${k}=${v}`).join('\n') : '';
    default: return value === undefined || value === null ? String(spec.fallback ?? '') : String(value);
  }
}

function parse(spec: FieldSpec, raw: string | boolean): unknown {
  if (typeof raw === 'boolean') return raw;
  const text = raw.trim();
  if (!text) return null;
  switch (spec.kind) {
    case 'number': case 'integer': return Number.isNaN(Number(text)) ? text : Number(text); // the daemon names a bad number
    case 'list': return text.split(/[\s,]+/).filter(Boolean);
    case 'json': try { return JSON.parse(text); } catch { return text; }
    case 'env': {
      const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
      if (lines.some((l) => !l.includes('='))) return text; // the daemon says what an env must look like
      return Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf('=')).trim(), l.slice(l.indexOf('=') + 1)]));
    }
    default: return text;
  }
}

/** A channel's settings as a form; sends only what changed (an empty secret keeps the stored one). */
export function ChannelConfigForm({ channel, schema, errors, onSave }: {
  channel: Channel; schema?: Record<string, SchemaField>; errors: Record<string, string>; onSave: (config: Record<string, unknown>) => void;
}) {
  const specs = channel.type === 'telegram' ? TELEGRAM : pluginFields(schema);
  const start = Object.fromEntries(specs.map((s) => [s.key, initial(s, channel.config)]));
  const [values, setValues] = useState<Values>(start);
  const set = (key: string, value: string | boolean) => setValues((v) => ({ ...v, [key]: value }));
  const value = (key: string) => (key in values ? values[key] : start[key]);
  const id = `ch-${channel.id}`;

  const submit = (e: Event) => {
    e.preventDefault();
    const changed: Record<string, unknown> = {};
    for (const spec of specs) {
      const now = value(spec.key);
      if (spec.kind === 'secret' ? now !== '' : now !== start[spec.key]) changed[spec.key] = parse(spec, now);
    }
    onSave(changed);
  };

  return (
    <form class="stack" onSubmit={submit} aria-label={`${channel.name} settings`}>
      {specs.filter((s) => !s.shownWhen || s.shownWhen({ ...start, ...values })).map((spec) => {
        const fid = `${id}-${spec.key}`;
        const problem = errors[`config.${spec.key}`];
        const described = [problem && `${fid}-error`, spec.kind === 'secret' && `${fid}-saved`].filter(Boolean).join(' ') || undefined;
        const common = { id: fid, 'aria-describedby': described, 'aria-invalid': problem ? true : undefined };
        const text = (e: Event) => set(spec.key, (e.currentTarget as HTMLInputElement).value);
        if (spec.kind === 'bool') {
          return (
            <div key={spec.key}>
              <label class="inline" for={fid}>
                <input {...common} type="checkbox" checked={value(spec.key) === true} onChange={(e) => set(spec.key, (e.currentTarget as HTMLInputElement).checked)} />
                <span>{spec.label}</span>
              </label>
              {problem && <p id={`${fid}-error`} class="error">{problem}</p>}
            </div>
          );
        }
        const saved = channel.config[spec.key];
        return (
          <div class="field" key={spec.key}>
            <label for={fid}>{spec.label}</label>
            {spec.kind === 'env'
              ? <textarea {...common} rows={3} spellcheck={false} value={String(value(spec.key))} onInput={text} />
              : spec.kind === 'enum'
              ? <select {...common} value={String(value(spec.key))} onChange={text}>{spec.options!.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}</select>
              : <input {...common} type={spec.kind === 'secret' ? 'password' : spec.kind === 'url' ? 'url' : spec.kind === 'number' || spec.kind === 'integer' ? 'number' : 'text'}
                  autocomplete="off" value={String(value(spec.key))} onInput={text}
                  placeholder={spec.kind === 'secret' ? (saved ? 'Leave empty to keep the saved one' : 'Not set') : undefined} />}
            {spec.kind === 'secret' && <p id={`${fid}-saved`} class="hint">{saved ? <>Saved: <code data-testid={`${fid}-masked`}>{String(saved)}</code> (write-only)</> : 'None saved yet.'}</p>}
            {problem && <p id={`${fid}-error`} class="error">{problem}</p>}
          </div>
        );
      })}
      <button type="submit" class="primary">Save {channel.name}</button>
    </form>
  );
}
