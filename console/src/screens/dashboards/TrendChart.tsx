import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

const COLORS = ['#0b5cad', '#b3261e', '#1b7f3b', '#8a4baf', '#b06000', '#00707a'];

/**
 * A line chart of series over periods (uPlot: a few tens of KB, loaded with the dashboards only).
 * The canvas is hidden from assistive technology: the screen shows the same figures as a table.
 */
export default function TrendChart({
  periods,
  series,
  label,
}: {
  periods: string[];
  series: Array<{ label: string; values: Array<number | null> }>;
  label: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const width = Math.max(280, el.clientWidth);
    const xs = periods.map((p) => Date.parse(`${p}T00:00:00Z`) / 1000);
    const chart = new uPlot(
      {
        width,
        height: 240,
        scales: { x: { time: true } },
        series: [{}, ...series.map((s, i) => ({ label: s.label, stroke: COLORS[i % COLORS.length], width: 2, spanGaps: true, points: { show: true } }))],
        axes: [{}, { size: 44 }],
      },
      [xs, ...series.map((s) => s.values)] as uPlot.AlignedData,
      el,
    );
    const resize = () => chart.setSize({ width: Math.max(280, el.clientWidth), height: 240 });
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.destroy();
    };
  }, [periods, series]);
  return <div ref={box} className="chart" role="img" aria-label={label} />;
}
