// The theme setting (system | light | dark) as an attribute on <html>; CSS follows the system's
// preference when the attribute is absent.
export type Theme = 'system' | 'light' | 'dark';

export function applyTheme(theme: Theme) {
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}
