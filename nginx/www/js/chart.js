// chart.js — a percent target over the campaign's weeks or months as an
// inline SVG line chart (no library, nothing from outside), with the
// target's threshold as a dashed line, and the same figures as a table for
// those who do not see the chart.
import { h, s } from './dom.js';
import { formatDate, formatDayMonth, formatFraction, formatInteger, formatMonth, formatPercent, statusWord } from './format.js';

const HEIGHT = 280;

// A point's date: `as_of` in the series answer (each point is the target
// as of that day); `date` accepted too.
const dateOf = (p) => (p ? p.as_of || p.date : null);
const M = { top: 18, right: 18, bottom: 44, left: 52 };

// The y axis: from a round number below the lowest figure up to 100 %,
// with a round step.
function yScale(values) {
  const min = Math.min(...values);
  const range = 100 - min;
  const step = range > 50 ? 20 : range > 20 ? 10 : range > 8 ? 5 : 2;
  const lo = Math.max(0, Math.floor((min - step / 2) / step) * step);
  return { lo, step };
}

/**
 * Draws `points` ([{as_of, value, numerator, denominator, status}]) into
 * `figure` (replacing its content) and the matching rows into `tableHost`.
 * `target` is the scorecard item (name, threshold, comparator); `step` is
 * "week" or "month" (axis labels).
 */
export function renderChart(figure, tableHost, target, points, step) {
  const width = Math.max(320, Math.round(figure.clientWidth || 720));
  const plotW = width - M.left - M.right;
  const plotH = HEIGHT - M.top - M.bottom;
  const known = points.filter((p) => p.value !== null && p.value !== undefined).map((p) => Number(p.value));
  const threshold = target.threshold === null || target.threshold === undefined ? null : Number(target.threshold);
  const { lo, step: yStep } = yScale(known.concat(threshold === null ? [] : [threshold], [100]));
  const hi = 100;
  const x = (i) => M.left + (points.length <= 1 ? plotW / 2 : (i * plotW) / (points.length - 1));
  const y = (v) => M.top + plotH - ((Math.max(lo, Math.min(hi, v)) - lo) * plotH) / (hi - lo);
  const label = step === 'month' ? formatMonth : formatDayMonth;

  const titleId = 'chart-title';
  const descId = 'chart-desc';
  const last = [...points].reverse().find((p) => p.value !== null && p.value !== undefined);
  const svg = s('svg', {
    class: 'chart', viewBox: `0 0 ${width} ${HEIGHT}`, width, height: HEIGHT, role: 'img',
    'aria-labelledby': `${titleId} ${descId}`, focusable: 'false',
  }, [
    s('title', { id: titleId, text: `Diễn biến: ${target.name}` }),
    s('desc', {
      id: descId,
      text: `${formatInteger(points.length)} mốc từ ${formatDate(dateOf(points[0]))} đến ${formatDate(dateOf(points[points.length - 1]))}`
        + (last ? `; mới nhất ${formatPercent(last.value)}` : '; chưa có số liệu')
        + (threshold === null ? '' : `; chỉ tiêu ${formatPercent(threshold)}`),
    }),
  ]);

  // Grid and y axis.
  const grid = s('g', { class: 'grid' });
  for (let v = lo; v <= hi; v += yStep) {
    grid.append(
      s('line', { x1: M.left, x2: M.left + plotW, y1: y(v), y2: y(v) }),
      s('text', { class: 'tick', x: M.left - 8, y: y(v) + 4, 'text-anchor': 'end', text: formatPercent(v, 0) }),
    );
  }
  svg.append(grid);

  // x labels: at most about one per 70 px.
  const every = Math.max(1, Math.ceil(points.length / Math.max(1, Math.floor(plotW / 70))));
  const xaxis = s('g', { class: 'xaxis' });
  const lastIdx = points.length - 1;
  // Every `every`-th point and the last one; a regular label too close to
  // the last gives way to it.
  const lastRegular = lastIdx - (lastIdx % every);
  const crowded = lastRegular !== lastIdx && lastIdx - lastRegular < every * 0.75;
  points.forEach((p, i) => {
    const show = i === lastIdx || (i % every === 0 && !(crowded && i === lastRegular && i !== 0));
    if (!show) return;
    const anchor = points.length > 1 && i === lastIdx ? 'end' : i === 0 && points.length > 1 ? 'start' : 'middle';
    xaxis.append(s('text', { class: 'tick', x: x(i), y: M.top + plotH + 18, 'text-anchor': anchor, text: label(dateOf(p)) }));
  });
  xaxis.append(s('line', { class: 'axis', x1: M.left, x2: M.left + plotW, y1: M.top + plotH, y2: M.top + plotH }));
  svg.append(xaxis);

  // Threshold.
  if (threshold !== null && threshold >= lo && threshold <= hi) {
    svg.append(s('g', { class: 'threshold-line' }, [
      s('line', { x1: M.left, x2: M.left + plotW, y1: y(threshold), y2: y(threshold) }),
      s('text', { x: M.left + 6, y: y(threshold) - 6, 'text-anchor': 'start', text: `Chỉ tiêu ${formatPercent(threshold)}` }),
    ]));
  }

  // The line, broken where a point has no value (pending).
  let run = [];
  const runs = [];
  points.forEach((p, i) => {
    if (p.value === null || p.value === undefined) {
      if (run.length) runs.push(run);
      run = [];
    } else {
      run.push(`${x(i).toFixed(1)},${y(Number(p.value)).toFixed(1)}`);
    }
  });
  if (run.length) runs.push(run);
  for (const r of runs) svg.append(s('polyline', { class: 'series', points: r.join(' ') }));
  points.forEach((p, i) => {
    if (p.value === null || p.value === undefined) return;
    svg.append(s('circle', {
      class: `dot dot-${p.status || 'pending'}`, cx: x(i).toFixed(1), cy: y(Number(p.value)).toFixed(1), r: 3.5,
    }, [s('title', { text: `${formatDate(dateOf(p))}: ${formatPercent(p.value)} (${formatFraction(p.numerator, p.denominator)}) — ${statusWord(p.status)}` })]));
  });
  figure.replaceChildren(svg, h('figcaption', {}, [
    h('span', { class: 'legend-series', 'aria-hidden': 'true' }), ' Giá trị theo ', step === 'month' ? 'tháng' : 'tuần',
    '  ', h('span', { class: 'legend-threshold', 'aria-hidden': 'true' }), ' Chỉ tiêu',
  ]));

  tableHost.replaceChildren(h('table', { class: 'series-table' }, [
    h('caption', { text: `Số liệu: ${target.name}` }),
    h('thead', {}, h('tr', {}, [
      h('th', { scope: 'col', text: 'Ngày' }), h('th', { scope: 'col', class: 'numcol', text: 'Tỷ lệ' }),
      h('th', { scope: 'col', class: 'numcol', text: 'Tử số/mẫu số' }), h('th', { scope: 'col', text: 'Tình trạng' }),
    ])),
    h('tbody', {}, points.map((p) => h('tr', {}, [
      h('th', { scope: 'row', text: formatDate(dateOf(p)) }),
      h('td', { class: 'numcol', text: formatPercent(p.value) }),
      h('td', { class: 'numcol', text: formatFraction(p.numerator, p.denominator) }),
      h('td', { text: statusWord(p.status) }),
    ]))),
  ]));
}
