import type { Theme } from '../theme';

export function Header({ theme, onTheme, onSignOut }: { theme: Theme; onTheme: (t: Theme) => void; onSignOut: () => void }) {
  return (
    <header class="top">
      <a class="brand" href="/chat">OpenMotoko</a>
      <nav aria-label="Main">
        <a href="/chat" aria-current="page">Chat</a>
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
