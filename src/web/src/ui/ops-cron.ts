// A cron expression in words ("At 07:00 on Monday through Friday"), for the fields and macros the
// scheduler takes (5 fields, 6 with seconds first, @daily ...), with Cronos's L, W and # days.
// Returns null for what it cannot say simply: the form then shows the next run times alone.

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const MONTHS = ['', 'January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const MONTH_NAMES = ['', 'JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

const MACROS: Record<string, string> = {
  '@yearly': 'At 00:00 on 1 January', '@annually': 'At 00:00 on 1 January', '@monthly': 'At 00:00 on day 1 of every month',
  '@weekly': 'At 00:00 on Sunday', '@daily': 'Every day at 00:00', '@midnight': 'Every day at 00:00', '@hourly': 'Every hour, at minute 0',
  '@every_minute': 'Every minute', '@every_second': 'Every second',
};

/** A field's parts: '*', a step over everything, a single value, a range or a list; and the special days. */
type Part = { kind: 'any' } | { kind: 'step'; step: number } | { kind: 'one'; value: number } | { kind: 'range'; from: number; to: number; step: number } | { kind: 'list'; items: Part[] }
  | { kind: 'special'; words: string };

const ORDINALS = ['', 'first', 'second', 'third', 'fourth', 'fifth'];

/** Day of month: L (last day), L-n (n days before it), nW (the weekday nearest day n), LW (the last weekday). */
function specialDayOfMonth(field: string): Part | null {
  const upper = field.toUpperCase();
  if (upper === 'L') return { kind: 'special', words: 'on the last day of the month' };
  if (upper === 'LW') return { kind: 'special', words: 'on the last weekday of the month' };
  const before = /^L-(\d+)$/.exec(upper);
  if (before) return { kind: 'special', words: `on the last day of the month minus ${Number(before[1])} ${before[1] === '1' ? 'day' : 'days'}` };
  const nearest = /^(\d+)W$/.exec(upper);
  if (nearest) return { kind: 'special', words: `on the weekday nearest day ${Number(nearest[1])} of the month` };
  return null;
}

/** Day of week: dL (the last such day of the month), d#n (the n-th). */
function specialDayOfWeek(field: string): Part | null {
  const match = /^(\w+?)(L|#([1-5]))$/.exec(field.toUpperCase());
  if (!match) return null;
  const day = /^\d$/.test(match[1]) ? Number(match[1]) : DAY_NAMES.indexOf(match[1]);
  if (day < 0 || day > 7) return null;
  return { kind: 'special', words: `on the ${match[3] ? ORDINALS[Number(match[3])] : 'last'} ${DAYS[day]} of the month` };
}

function parse(field: string, names: string[] = []): Part | null {
  const number = (text: string) => {
    const at = text ? names.indexOf(text.toUpperCase()) : -1;
    if (at >= 0) return at;
    return /^\d+$/.test(text) ? Number(text) : NaN;
  };
  if (field.includes(',')) {
    const items = field.split(',').map((f) => parse(f, names));
    return items.every((p) => p && p.kind !== 'list' && p.kind !== 'any') ? { kind: 'list', items: items as Part[] } : null;
  }
  const [base, stepText] = field.split('/');
  const step = stepText === undefined ? 1 : Number(stepText);
  if (!Number.isInteger(step) || step < 1) return null;
  if (base === '*' || base === '?') return step === 1 ? { kind: 'any' } : { kind: 'step', step };
  const [a, b] = base.split('-');
  const from = number(a);
  if (Number.isNaN(from)) return null;
  if (b === undefined) return stepText === undefined ? { kind: 'one', value: from } : null;
  const to = number(b);
  return Number.isNaN(to) ? null : { kind: 'range', from, to, step };
}

const two = (n: number) => String(n).padStart(2, '0');
const join = (words: string[]) => words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;

/** A day-of-week, day-of-month or month field as words after "on" / "in". */
function span(part: Part, word: (n: number) => string, unit: string): string {
  switch (part.kind) {
    case 'one': return word(part.value);
    case 'range': return `${part.step > 1 ? `every ${part.step}${nth(part.step)} ${unit} ` : ''}${word(part.from)} through ${word(part.to)}`;
    case 'list': return join(part.items.map((p) => span(p, word, unit)));
    case 'step': return `every ${part.step}${nth(part.step)} ${unit}`;
    default: return '';
  }
}
const nth = (n: number) => (n % 10 === 1 && n % 100 !== 11 ? 'st' : n % 10 === 2 && n % 100 !== 12 ? 'nd' : n % 10 === 3 && n % 100 !== 13 ? 'rd' : 'th');

/** The time of day: seconds, minutes and hours together. */
function timeOfDay(second: Part, minute: Part, hour: Part): string {
  const atSecond = second.kind === 'one' && second.value === 0 ? '' : `, at second ${span(second, String, 'second')}`;
  if (second.kind === 'any') return `Every second${hourTail(hour)}`;
  if (second.kind === 'step') return `Every ${second.step} seconds${minute.kind === 'any' ? '' : ` in minute ${span(minute, String, 'minute')}`}${hourTail(hour)}`;
  if (minute.kind === 'one' && hour.kind === 'one') return `At ${two(hour.value)}:${two(minute.value)}${atSecond}`;
  if (minute.kind === 'one' && hour.kind === 'list' && hour.items.every((h) => h.kind === 'one')) {
    return `At ${join(hour.items.map((h) => `${two((h as { value: number }).value)}:${two(minute.value)}`))}${atSecond}`;
  }
  if (minute.kind === 'one') {
    const every = hour.kind === 'step' ? `Every ${hour.step} hours` : 'Every hour';
    return `${every}, at minute ${minute.value}${atSecond}${hour.kind === 'step' || hour.kind === 'any' ? '' : hourTail(hour)}`;
  }
  const minutes = minute.kind === 'any' ? 'Every minute' : minute.kind === 'step' ? `Every ${minute.step} minutes`
    : minute.kind === 'range' && minute.step === 1 ? `Every minute from ${minute.from} through ${minute.to} past the hour`
    : `At minute ${span(minute, String, 'minute')}`;
  return minutes + atSecond + hourTail(hour);
}

function hourTail(hour: Part): string {
  switch (hour.kind) {
    case 'any': return '';
    case 'one': return `, from ${two(hour.value)}:00 through ${two(hour.value)}:59`;
    case 'range': return hour.step === 1 ? `, from ${two(hour.from)}:00 through ${two(hour.to)}:59` : `, every ${hour.step} hours from ${two(hour.from)}:00 through ${two(hour.to)}:59`;
    case 'step': return `, every ${hour.step} hours`;
    case 'list': return `, in hours ${span(hour, (n) => two(n), 'hour')}`;
    default: return '';
  }
}

/** The expression in words, or null when it is not one the scheduler takes or it is too unusual to say simply. */
export function describeCron(expression: string): string | null {
  const text = expression.trim().replace(/\s+/g, ' ');
  if (text.startsWith('@')) return MACROS[text.toLowerCase()] ?? null;
  const fields = text.split(' ');
  if (fields.length !== 5 && fields.length !== 6) return null;
  if (fields.length === 5) fields.unshift('0');
  const [second, minute, hour, dom, month, dow] = [parse(fields[0]), parse(fields[1]), parse(fields[2]),
    specialDayOfMonth(fields[3]) ?? parse(fields[3]), parse(fields[4], MONTH_NAMES), specialDayOfWeek(fields[5]) ?? parse(fields[5], DAY_NAMES)];
  if (!second || !minute || !hour || !dom || !month || !dow) return null;
  const parts = [timeOfDay(second, minute, hour)];
  if (dom.kind === 'special') parts.push(dom.words);
  else if (dom.kind !== 'any') parts.push(`on ${dom.kind === 'step' ? span(dom, String, 'day') : `day ${span(dom, String, 'day')}`} of the month`);
  const and = dom.kind !== 'any' ? 'and ' : '';
  if (dow.kind === 'special') parts.push(and + dow.words);
  else if (dow.kind !== 'any') parts.push(`${and}on ${span(dow, (n) => DAYS[n] ?? '?', 'day of the week')}`);
  if (month.kind !== 'any') parts.push(`in ${span(month, (n) => MONTHS[n] ?? '?', 'month')}`);
  const words = parts.join(' ');
  return words.includes('?') ? null : words;
}
