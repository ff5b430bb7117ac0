export interface Day { date: string; cost: number; inputTokens: number; outputTokens: number }

/** Daily cost as SVG bars (attributes only: the CSP allows no inline styles), with a text summary for screen readers. */
export function CostChart({ days }: { days: Day[] }) {
  if (!days.length) return <p class="hint">No data yet.</p>;
  const width = 600, height = 160, gap = 2;
  const max = Math.max(...days.map((d) => d.cost), 0.0001);
  const bar = width / days.length;
  const total = days.reduce((sum, d) => sum + d.cost, 0);
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${width} ${height + 20}`} role="img" aria-label={`Daily cost over ${days.length} days, $${total.toFixed(4)} in total`}>
        {days.map((d, i) => {
          const h = Math.max(d.cost > 0 ? 2 : 0, (d.cost / max) * height);
          return (
            <rect key={d.date} class="bar" x={i * bar + gap / 2} y={height - h} width={Math.max(1, bar - gap)} height={h}>
              <title>{`${d.date}: $${d.cost.toFixed(4)}, ${(d.inputTokens + d.outputTokens).toLocaleString()} tokens`}</title>
            </rect>
          );
        })}
        <line class="axis" x1="0" x2={width} y1={height} y2={height} />
        <text class="tick" x="0" y={height + 16}>{days[0].date}</text>
        <text class="tick" x={width} y={height + 16} text-anchor="end">{days[days.length - 1].date}</text>
      </svg>
      <figcaption class="hint">Highest day: ${max.toFixed(4)}. Total: ${total.toFixed(4)}.</figcaption>
    </figure>
  );
}
