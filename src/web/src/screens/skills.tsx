import { useEffect, useState } from 'preact/hooks';
import { api, get, type Settings } from '../api';
import { describe, type Skill } from '../api-connect';
import type { ScreenProps } from '../screens';
import { RegistryPanel } from '../ui/registry-panel';
import { SkillCard } from '../ui/skill-card';
import '../connect.css';

/** Skills: every skill with its switch, mode and what it may do; then the registry to add more. */
export function Skills({ settings, onSettings }: ScreenProps) {
  const [skills, setSkills] = useState<Skill[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = () => get<Skill[]>('/api/skills').then(setSkills).catch((e) => setError(describe(e)));
  useEffect(() => { load(); }, []);

  const toggle = async (skill: Skill) => {
    setError(null);
    setSkills((list) => list && list.map((s) => s.id === skill.id ? { ...s, enabled: !skill.enabled } : s)); // moves at once
    try {
      const result = await api<{ id: string; enabled: boolean }>('POST', `/api/skills/${encodeURIComponent(skill.id)}/toggle`);
      setSkills((list) => list && list.map((s) => s.id === result.id ? { ...s, enabled: result.enabled } : s));
    } catch (e) {
      setError(describe(e));
      load();
    }
  };
  const setMode = async (skill: Skill, mode: string) => {
    setError(null);
    try {
      onSettings(await api<Settings>('PUT', '/api/settings', { [`skills.${skill.id}.mode`]: mode }));
      await load(); // the shell's risk and every mode as the daemon now sees them
    } catch (e) { setError(describe(e)); }
  };

  return (
    <main class="page" aria-labelledby="skills-title">
      <h1 id="skills-title">Skills</h1>
      <p class="hint">A skill is a group of tools the model may use. Switched off, or in mode off, its tools are never offered;
        in mode ask, calls that change something wait for your approval.</p>
      {error && <p class="error" role="alert">{error}</p>}
      {skills === null ? <p aria-busy="true">Loading…</p> : (
        <div class="skill-grid">
          {skills.map((s) => <SkillCard key={s.id} skill={s} hasMode={`skills.${s.id}.mode` in settings}
            onToggle={() => toggle(s)} onMode={(m) => setMode(s, m)} />)}
        </div>
      )}
      <RegistryPanel settings={settings} onSettings={onSettings} onChanged={load} />
    </main>
  );
}
