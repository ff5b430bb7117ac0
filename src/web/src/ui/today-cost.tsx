import { useEffect, useRef, useState } from 'preact/hooks';
import { get } from '../api';
import { navigate } from '../router';
import { useLiveEvents } from './live-events';

/** Today's spend, read once and then kept current by the cost:updated events of every model call. */
export function TodayCost() {
  const [total, setTotal] = useState<number | null>(null);
  const live = useRef(false);
  useEffect(() => {
    get<{ total: number }>('/api/costs/today').then((t) => { if (!live.current) setTotal(t.total); }).catch(() => undefined);
  }, []);
  useLiveEvents(['cost:updated'], (event) => {
    const today = Number(event.data.todayTotal);
    if (Number.isFinite(today)) { live.current = true; setTotal(today); }
  });
  if (total === null) return null;
  return (
    <a class="today-cost" href="/costs" data-testid="today-cost" onClick={(e) => { e.preventDefault(); navigate('/costs'); }}>
      Today <span aria-live="polite">${total.toFixed(4)}</span>
    </a>
  );
}
