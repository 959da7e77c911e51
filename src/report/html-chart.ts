// Inline SVG bar charts for the HTML report: horizontal bars with their labels and values as text,
// an SVG <title>/<desc> for screen readers, and no styles outside the page's stylesheet.
import { type Html, el } from './html-builder.js';

/** One bar: a label (also the value's data-key) and its value. */
export interface Bar {
  label: string;
  value: number;
  /** Highlighted bars (e.g. components with would-be denials) are drawn in the denial colour. */
  highlight?: boolean;
}

/** Options of a bar chart. */
export interface BarChartOptions {
  title: string;
  description: string;
  /** data-metric attribute of each value label (data-key is the bar's label). */
  metric: string;
  width?: number;
}

const ROW = 26;
const LABEL_W = 210;
const VALUE_W = 48;

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/** Renders a horizontal bar chart; bars are drawn in the given order. */
export function barChart(bars: readonly Bar[], o: BarChartOptions): Html {
  const width = o.width ?? 560;
  const plot = width - LABEL_W - VALUE_W;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const height = Math.max(1, bars.length) * ROW + 8;
  const rows = bars.map((b, i) => {
    const y = 4 + i * ROW;
    const w = Math.max(b.value > 0 ? 2 : 0, Math.round((b.value / max) * plot));
    return el(
      'g',
      null,
      el('title', null, `${b.label}: ${b.value}`),
      el('text', { x: LABEL_W - 8, y: y + 16, 'text-anchor': 'end' }, clip(b.label, 30)),
      el('rect', { class: b.highlight ? 'bar deny' : 'bar', x: LABEL_W, y: y + 3, width: w, height: ROW - 8, rx: 3 }),
      el('text', { class: 'val', x: LABEL_W + w + 6, y: y + 16, 'data-metric': o.metric, 'data-key': b.label }, b.value),
    );
  });
  const id = `chart-${o.metric}`;
  return el(
    'svg',
    { class: 'chart', xmlns: 'http://www.w3.org/2000/svg', viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-labelledby': `${id}-t ${id}-d` },
    el('title', { id: `${id}-t` }, o.title),
    el('desc', { id: `${id}-d` }, o.description),
    bars.length === 0 ? el('text', { x: 8, y: 18 }, 'nothing to show') : rows,
  );
}
