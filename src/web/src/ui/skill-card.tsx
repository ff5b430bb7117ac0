import type { Skill } from '../api-connect';

const MODES: { value: string; label: string }[] = [
  { value: 'auto', label: 'Auto: run every call' },
  { value: 'ask', label: 'Ask before changes' },
  { value: 'off', label: 'Off: never offer' },
];

/** Capabilities in the owner's words; an unknown one shows as its code alone. */
const CAPABILITIES: Record<string, string> = {
  'process.exec': 'run programs', 'fs.read': 'read files', 'fs.write': 'change files', 'net.fetch': 'reach the internet',
  'memory.read': 'recall facts', 'memory.write': 'remember facts', 'skills.read': 'read instruction skills',
  'scheduler.write': 'schedule runs', 'artifacts.read': 'read artifacts', 'artifacts.write': 'write artifacts',
  'agents.spawn': 'start sub-agents', instructions: 'add instructions to the prompt',
};

/** One skill: on/off, its mode where it has one, its risk, what it may do and its tools. */
export function SkillCard({ skill, hasMode, onToggle, onMode }: {
  skill: Skill; hasMode: boolean; onToggle: () => void; onMode: (mode: string) => void;
}) {
  const id = `skill-${skill.id}`;
  return (
    <section class="card skill" aria-labelledby={`${id}-name`}>
      <div class="card-head">
        <h2 id={`${id}-name`}>{skill.name}</h2>
        <span class={`badge risk-${skill.risk}`}>{skill.risk} risk</span>
      </div>
      <p class="hint">{skill.source === 'registry' ? 'From the registry' : 'Built in'} · <code>{skill.id}</code> · v{skill.version}</p>
      <p>{skill.description}</p>
      {skill.error && <p class="error">This skill cannot be used: {skill.error}</p>}
      <div class="row">
        <label class="inline" for={`${id}-enabled`}>
          <input id={`${id}-enabled`} type="checkbox" role="switch" checked={skill.enabled} onChange={onToggle} />
          <span>Enabled</span>
        </label>
        {hasMode && (
          <label class="inline" for={`${id}-mode`}>
            <span>Mode</span>
            <select id={`${id}-mode`} value={skill.mode} onChange={(e) => onMode((e.currentTarget as HTMLSelectElement).value)}>
              {MODES.map((m) => <option key={m.value} value={m.value}>{m.label}</option>)}
            </select>
          </label>
        )}
      </div>
      {skill.capabilities.length > 0 && (
        <p class="hint">May {skill.capabilities.map((c, i) => <span key={c}>{i > 0 && ', '}{CAPABILITIES[c] ? <>{CAPABILITIES[c]} (<code>{c}</code>)</> : <code>{c}</code>}</span>)}</p>
      )}
      {skill.tools.length > 0 && (
        <details>
          <summary>{skill.tools.length === 1 ? '1 tool' : `${skill.tools.length} tools`}</summary>
          <ul class="tools">{skill.tools.map((t) => <li key={t.name}><code>{t.name}</code>: {t.description}</li>)}</ul>
        </details>
      )}
    </section>
  );
}
