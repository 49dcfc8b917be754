import { useId } from 'react';

export interface Series<K extends string> {
  key: K;
  label: string;
  /** How the series is drawn, so it reads without colour: solid, hatched, dotted bars, or a line with markers. */
  look: 'solid' | 'hatch' | 'dots' | 'line';
}

const W = 720;
const H = 200;
const PAD = { left: 44, right: 8, top: 16, bottom: 28 };

const hourLabel = (iso: string, days: boolean) => {
  const d = new Date(iso);
  return days ? new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric' }).format(d) : new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' }).format(d);
};

/**
 * Hand-written SVG (no chart library, nothing inline-styled): bars side by side per hour, each series with its own
 * fill pattern, or a line with a marker at every point; a legend that repeats each pattern next to its name.
 */
export function Chart<K extends string>({ title, series, buckets, summary }: { title: string; series: Array<Series<K>>; buckets: Array<{ start: string } & Record<K, number>>; summary: string }) {
  const id = useId().replace(/:/g, '');
  const max = Math.max(1, ...buckets.flatMap((b) => series.map((s) => b[s.key])));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(1, buckets.length);
  const bars = series.filter((s) => s.look !== 'line');
  const barW = Math.max(1, (slot * 0.8) / Math.max(1, bars.length));
  const y = (v: number) => PAD.top + plotH - (v / max) * plotH;
  const days = buckets.length > 24;
  const every = days ? 24 : 4;
  const fill = (s: Series<K>) => (s.look === 'solid' ? '#1f4e79' : `url(#${id}-${s.look})`);
  const defs = (
    <defs>
      <pattern id={`${id}-hatch`} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
        <rect width="6" height="6" fill="#ffffff" />
        <line x1="0" y1="0" x2="0" y2="6" stroke="#a4262c" strokeWidth="3" />
      </pattern>
      <pattern id={`${id}-dots`} width="5" height="5" patternUnits="userSpaceOnUse">
        <rect width="5" height="5" fill="#ffffff" />
        <circle cx="2.5" cy="2.5" r="1.6" fill="#1b1f24" />
      </pattern>
    </defs>
  );
  return (
    <figure className="chart">
      <figcaption id={`${id}-title`}>{title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-title ${id}-desc`} className="chart-svg">
        <desc id={`${id}-desc`}>{summary}</desc>
        {defs}
        <line x1={PAD.left} x2={W - PAD.right} y1={y(0)} y2={y(0)} stroke="#4a5360" />
        <line x1={PAD.left} x2={PAD.left} y1={PAD.top} y2={y(0)} stroke="#4a5360" />
        <text x={PAD.left - 6} y={y(max) + 4} textAnchor="end" fontSize="11" fill="#1b1f24">
          {max}
        </text>
        <text x={PAD.left - 6} y={y(0) + 4} textAnchor="end" fontSize="11" fill="#1b1f24">
          0
        </text>
        {buckets.map((b, i) => (
          <g key={b.start}>
            {bars.map((s, j) => {
              const v = b[s.key];
              if (v <= 0) return null;
              const x = PAD.left + i * slot + slot * 0.1 + j * barW;
              return (
                <g key={s.key}>
                  <rect x={x} y={y(v)} width={barW} height={y(0) - y(v)} fill={fill(s)} stroke="#1b1f24" strokeWidth="0.5" />
                  {/* The number on the bar (24 hours; 168 bars are too narrow, the table has them). */}
                  {!days && (
                    <text x={x + barW / 2} y={y(v) - 3} textAnchor="middle" fontSize="10" fill="#1b1f24">
                      {v}
                    </text>
                  )}
                </g>
              );
            })}
            {i % every === 0 && (
              <text x={PAD.left + i * slot} y={H - 8} fontSize="11" fill="#1b1f24">
                {hourLabel(b.start, days)}
              </text>
            )}
          </g>
        ))}
        {series
          .filter((s) => s.look === 'line')
          .map((s) => (
            <g key={s.key}>
              <polyline fill="none" stroke="#1e6b34" strokeWidth="2" points={buckets.map((b, i) => `${PAD.left + (i + 0.5) * slot},${y(b[s.key])}`).join(' ')} />
              {buckets.map((b, i) => (
                <rect key={b.start} x={PAD.left + (i + 0.5) * slot - 2.5} y={y(b[s.key]) - 2.5} width="5" height="5" fill="#1e6b34" />
              ))}
            </g>
          ))}
      </svg>
      <ul className="legend" aria-hidden="true">
        {series.map((s) => (
          <li key={s.key}>
            <svg width="18" height="12" viewBox="0 0 18 12">
              {defs}
              {s.look === 'line' ? (
                <>
                  <line x1="0" y1="6" x2="18" y2="6" stroke="#1e6b34" strokeWidth="2" />
                  <rect x="6.5" y="3.5" width="5" height="5" fill="#1e6b34" />
                </>
              ) : (
                <rect width="18" height="12" fill={fill(s)} stroke="#1b1f24" />
              )}
            </svg>{' '}
            {s.label}
          </li>
        ))}
      </ul>
    </figure>
  );
}
