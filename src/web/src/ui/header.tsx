import type { Theme } from '../theme';
import { navigate } from '../router';
import { SCREENS as OTHERS } from '../screens';

const SCREENS = [{ path: '/chat', name: 'Chat' }, ...OTHERS];

export function Header({ path, theme, onTheme, onSignOut }: { path: string; theme: Theme; onTheme: (t: Theme) => void; onSignOut: () => void }) {
  return (
    <header class="top">
      <a class="brand" href="/chat" onClick={(e) => { e.preventDefault(); navigate('/chat'); }}>OpenMotoko</a>
      <nav aria-label="Main">
        {SCREENS.map((s) => (
          <a key={s.path} href={s.path} aria-current={path === s.path || path.startsWith(s.path + '/') ? 'page' : undefined}
            onClick={(e) => { e.preventDefault(); navigate(s.path); }}>{s.name}</a>
        ))}
      </nav>
      <label class="inline">
        <span>Theme</span>
        <select value={theme} onChange={(e) => onTheme((e.currentTarget as HTMLSelectElement).value as Theme)}>
          <option value="system">System</option>
          <option value="light">Light</option>
          <option value="dark">Dark</option>
        </select>
      </label>
      <button type="button" onClick={onSignOut}>Sign out</button>
    </header>
  );
}
