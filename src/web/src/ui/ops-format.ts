// Small formatters the Scheduler, Activity and Webhooks screens share.

/** A time as the reader's locale writes it, in the given IANA zone when there is one (a bad zone falls back to the browser's). */
export function when(ms: number | null | undefined, timeZone?: string): string {
  if (ms == null) return '—';
  const options: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' };
  try {
    return new Date(ms).toLocaleString(undefined, timeZone ? { ...options, timeZone } : options);
  } catch {
    return new Date(ms).toLocaleString(undefined, options);
  }
}

/** A time of day with seconds, for feeds. */
export const clock = (ms: number) => new Date(ms).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

export const usd = (n: number | null | undefined) => (n == null ? '—' : `$${n.toFixed(n < 1 ? 4 : 2)}`);

export function duration(ms: number | null | undefined): string {
  if (ms == null) return '—';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** The browser's own time zone, the natural default for a new task. */
export const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** Every IANA zone the browser knows (for a datalist), or none on browsers without the API. */
export function zones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  return intl.supportedValuesOf ? ['UTC', ...intl.supportedValuesOf('timeZone')] : ['UTC'];
}

/** An error's message, with a validation error's details when it has them. */
export function messageOf(error: unknown): string {
  const e = error as { message?: string; details?: { message: string }[] };
  return e.details?.length ? e.details.map((d) => d.message).join('; ') : e.message ?? String(error);
}

/** The wall-clock fields of an instant in an IANA zone, as UTC milliseconds (so their difference is the zone's offset). */
function wallClock(ms: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(new Date(ms));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
}

/** A datetime-local value ("2026-12-24T09:00") read in an IANA zone, as epoch ms; NaN for a bad value or zone. */
export function zonedToEpoch(local: string, timeZone: string): number {
  const asUtc = Date.parse(`${local}:00Z`.replace(/(T\d\d:\d\d:\d\d):00Z$/, '$1Z'));
  if (Number.isNaN(asUtc)) return NaN;
  try {
    // The zone's offset at the guess, then again at the corrected time (it differs across a clock change).
    const first = asUtc - (wallClock(asUtc, timeZone) - asUtc);
    return asUtc - (wallClock(first, timeZone) - first);
  } catch {
    return NaN;
  }
}

/** Epoch ms as a datetime-local value in an IANA zone (the browser's own zone when that one is not known). */
export function epochToZoned(ms: number, timeZone: string): string {
  let wall: number;
  try { wall = wallClock(ms, timeZone); } catch { wall = ms - new Date(ms).getTimezoneOffset() * 60_000; }
  return new Date(wall).toISOString().slice(0, 16);
}
