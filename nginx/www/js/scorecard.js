// scorecard.js — the target cards and the summary line, from the answer of
// GET /campaigns/{id}/scorecard. One card per target in the plan's order;
// each says its status by word and symbol as well as by colour.
import { h, s, srOnly } from './dom.js';
import {
  STATUS, comparatorText, formatFraction, formatInteger, formatPercent,
  ratingLabel,
} from './format.js';

export const PERCENT_METRICS = new Set(['task_completion', 'study_coverage', 'staff_title_share', 'unit_title_share']);

const KIND = {
  task_completion: 'Nhiệm vụ chuyên môn',
  study_coverage: 'Học tập, quán triệt',
  staff_title_share: 'Danh hiệu cá nhân',
  unit_title_share: 'Danh hiệu tập thể',
  unit_title_count: 'Danh hiệu tập thể',
  rating: 'Đánh giá, xếp loại',
  ratings_all: 'Đảng bộ, đoàn thể',
  index_rank: 'Xếp hạng chỉ số',
  certification: 'Công nhận, chứng nhận',
};

// What the numerator and denominator count.
const UNIT_WORD = {
  task_completion: 'nhiệm vụ',
  study_coverage: 'người',
  staff_title_share: 'người',
  unit_title_share: 'đơn vị',
  unit_title_count: 'tập thể',
  ratings_all: 'tổ chức',
};

export const isPercent = (t) => PERCENT_METRICS.has(t.metric);

function badge(status) {
  const st = STATUS[status] || STATUS.pending;
  return h('span', { class: `badge badge-${status in STATUS ? status : 'pending'}` }, [
    h('span', { class: 'badge-icon', 'aria-hidden': 'true', text: st.icon }),
    st.word,
  ]);
}

/** A horizontal bar 0..max with the threshold marked; drawn as SVG (no inline style). */
function progressBar(value, threshold, max, label) {
  const clamp = (v) => Math.max(0, Math.min(max, Number(v))) * (100 / max);
  const svg = s('svg', {
    class: 'bar', viewBox: '0 0 100 10', preserveAspectRatio: 'none', role: 'img', 'aria-label': label,
    focusable: 'false',
  }, [
    s('rect', { class: 'bar-track', x: 0, y: 0, width: 100, height: 10 }),
  ]);
  if (value !== null && value !== undefined) {
    svg.append(s('rect', { class: 'bar-fill', x: 0, y: 0, width: clamp(value).toFixed(2), height: 10 }));
  }
  if (threshold !== null && threshold !== undefined && Number.isFinite(Number(threshold))) {
    const x = clamp(threshold).toFixed(2);
    svg.append(s('line', {
      class: 'bar-threshold', x1: x, x2: x, y1: 0, y2: 10, 'vector-effect': 'non-scaling-stroke',
    }));
  }
  return svg;
}

function thresholdText(t) {
  const th = t.threshold;
  switch (t.metric) {
    case 'rating':
    case 'ratings_all':
      if (!th) return '–';
      return t.comparator === 'ge' ? `${ratingLabel(th)} trở lên` : comparatorText(t.comparator, ratingLabel(th));
    case 'certification':
      return th === false ? 'không đạt' : 'được công nhận';
    case 'index_rank':
      return th === null || th === undefined ? 'giữ vững hạng năm trước (chưa có)' : `giữ vững hạng ${formatInteger(th)} (năm trước)`;
    case 'unit_title_count':
      return comparatorText(t.comparator, `${formatInteger(th)} tập thể`);
    default:
      if (th === null || th === undefined) return '–';
      if (t.comparator === 'ge' && Number(th) === 100) return '100 %';
      return comparatorText(t.comparator, formatPercent(th));
  }
}

/** The card's main figure and the lines under it; `previous` maps codes to last year's items. */
function body(t, previous) {
  const parts = [];
  const pending = t.status === 'pending';
  const thText = `Chỉ tiêu: ${thresholdText(t)}`;
  switch (t.metric) {
    case 'unit_title_count': {
      const v = t.value ?? t.numerator;
      const th = Number(t.threshold);
      parts.push(h('p', { class: 'figure' }, [
        h('span', { class: 'num', 'data-role': 'value', text: v === null || v === undefined ? '–' : formatInteger(v) }),
        h('span', { class: 'of', text: ` / ${formatInteger(th)} tập thể` }),
      ]));
      if (!pending && Number.isFinite(th) && th > 0) {
        parts.push(progressBar(v, th, Math.max(th, Number(v) || 0),
          `${formatInteger(v)} trên chỉ tiêu ${formatInteger(th)} tập thể`));
      }
      parts.push(h('p', { class: 'threshold', text: thText }));
      break;
    }
    case 'rating': {
      parts.push(h('p', { class: 'figure figure-text' }, [
        h('span', { 'data-role': 'value', text: t.value ? ratingLabel(t.value) : 'Chưa xếp loại' }),
      ]));
      // Last year's, from the agency's campaign of the year before when there is one.
      const last = previous ? previous.get(t.code) : undefined;
      parts.push(h('p', { class: 'detail' }, [
        'Năm trước: ',
        h('span', {
          class: 'num-sm', 'data-role': 'last-year',
          text: last && last.value ? ratingLabel(last.value) : 'chưa có dữ liệu',
        }),
      ]));
      parts.push(h('p', { class: 'threshold', text: thText }));
      break;
    }
    case 'ratings_all':
      parts.push(h('p', { class: 'figure' }, [
        h('span', { class: 'num', 'data-role': 'fraction', text: formatFraction(t.numerator, t.denominator) }),
        h('span', { class: 'of', text: ` ${UNIT_WORD.ratings_all} đạt chỉ tiêu` }),
      ]));
      parts.push(h('p', { class: 'detail' }, [
        'Mức thấp nhất: ',
        h('span', { 'data-role': 'value', text: t.value ? ratingLabel(t.value) : 'chưa có' }),
      ]));
      parts.push(h('p', { class: 'threshold', text: thText }));
      break;
    case 'index_rank': {
      const known = (v) => v !== null && v !== undefined;
      parts.push(h('p', { class: known(t.value) ? 'figure' : 'figure figure-text' }, known(t.value)
        ? [h('span', { class: 'of', text: 'Hạng ' }), h('span', { class: 'num', 'data-role': 'value', text: formatInteger(t.value) })]
        : [h('span', { 'data-role': 'value', text: 'Chưa công bố xếp hạng năm nay' })]));
      parts.push(h('p', { class: 'detail' }, [
        'Năm trước: ',
        h('span', { class: 'num-sm', 'data-role': 'last-year', text: known(t.threshold) ? `hạng ${formatInteger(t.threshold)}` : 'chưa có' }),
      ]));
      parts.push(h('p', { class: 'threshold', text: 'Chỉ tiêu: giữ vững hoặc tăng hạng so với năm trước' }));
      break;
    }
    case 'certification': {
      const v = t.value;
      const text = v === true ? 'Đã được công nhận' : v === false ? 'Chưa được công nhận' : 'Chưa có quyết định';
      parts.push(h('p', { class: 'figure figure-text' }, [h('span', { 'data-role': 'value', text })]));
      parts.push(h('p', { class: 'threshold', text: 'Chỉ tiêu: được công nhận đạt chuẩn' }));
      break;
    }
    default: { // percent metrics
      parts.push(h('p', { class: 'figure' }, [
        h('span', { class: 'num', 'data-role': 'value', text: formatPercent(t.value) }),
      ]));
      parts.push(progressBar(pending ? null : t.value, t.threshold, 100,
        `${formatPercent(t.value)}; ${thText}`));
      parts.push(h('p', { class: 'threshold', text: thText }));
      parts.push(h('p', { class: 'detail' }, [
        h('span', { class: 'num-sm', 'data-role': 'fraction', text: formatFraction(t.numerator, t.denominator, UNIT_WORD[t.metric]) }),
      ]));
    }
  }
  return parts;
}

function card(t, i, previous) {
  const status = t.status in STATUS ? t.status : 'pending';
  const id = `target-${i + 1}`;
  return h('li', { class: `card status-${status}`, 'data-code': t.code, 'data-status': status, 'data-metric': t.metric }, [
    h('article', { 'aria-labelledby': id }, [
      h('div', { class: 'card-head' }, [
        h('span', { class: 'card-kind' }, [srOnly('Chỉ tiêu '), `${i + 1}. ${KIND[t.metric] || ''}`]),
        badge(status),
      ]),
      h('h3', { id, class: 'card-title', text: t.name }),
      ...body(t, previous),
    ]),
  ]);
}

/**
 * Fills the list with one card per target and the summary line. `previous`
 * (optional) is the final scorecard of the agency's campaign of the year
 * before: its ratings are shown beside this year's.
 */
export function renderScorecard(list, summaryEl, data, previous = null) {
  const last = previous ? new Map(previous.targets.map((t) => [t.code, t])) : null;
  list.replaceChildren(...data.targets.map((t, i) => card(t, i, last)));
  const sm = data.summary || {};
  const total = data.targets.length;
  const item = (status, n) => h('span', { class: `sum sum-${status}`, 'data-status': status }, [
    h('span', { class: 'badge-icon', 'aria-hidden': 'true', text: STATUS[status].icon }),
    `${STATUS[status].word}: `,
    h('strong', { text: formatInteger(n ?? 0) }),
  ]);
  summaryEl.replaceChildren(
    h('span', { class: 'sum-total' }, [h('strong', { text: formatInteger(total) }), ' chỉ tiêu — ']),
    item('met', sm.met), ' · ', item('at_risk', sm.at_risk), ' · ',
    item('missed', sm.missed), ' · ', item('pending', sm.pending),
  );
}

