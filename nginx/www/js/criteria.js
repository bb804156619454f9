// criteria.js — the words of the awards workflow: award and state names,
// and each eligibility criterion (code + params + evidence, as
// fcgi/eligibility.c and fcgi/awards.c write them) as a Vietnamese
// sentence: "Xếp loại Hoàn thành tốt nhiệm vụ trở lên — đạt (Hoàn thành tốt
// nhiệm vụ, QĐ số 12/QĐ-SNV, ngày 24/12/2025)". Pure functions with no DOM:
// the browser tests import them in node too.
import { formatDate, formatInteger, formatPercent, ratingLabel, titleLabel } from './format.js';

const AWARDS = {
  LDTT: 'Lao động tiên tiến',
  CSTDCS: 'Chiến sĩ thi đua cơ sở',
  TTLDTT: 'Tập thể lao động tiên tiến',
  TTLDXS: 'Tập thể lao động xuất sắc',
  GIAY_KHEN: 'Giấy khen',
  BK_TINH: 'Bằng khen của Ủy ban nhân dân tỉnh',
  CSTD_TINH: 'Chiến sĩ thi đua cấp tỉnh',
};
/** "LDTT" → "Lao động tiên tiến"; an unknown code is shown as it is. */
export function awardLabel(code) {
  return AWARDS[code] || titleLabel(code);
}

const STATES = {
  proposed: 'Đã đề nghị',
  in_session: 'Đang xét tại phiên họp',
  recommended: 'Hội đồng đề nghị khen thưởng',
  not_recommended: 'Hội đồng không đề nghị',
  decided: 'Đã có quyết định khen thưởng',
  proposed_upward: 'Đã trình cấp trên',
  granted: 'Cấp trên đã khen thưởng',
  refused: 'Cấp trên không khen thưởng',
  withdrawn: 'Đã rút',
};
/** A nomination's state in words ("in_session" → "Đang xét tại phiên họp"). */
export function nominationStateLabel(state) {
  return STATES[state] || String(state || '');
}

const SESSION_STATES = { planned: 'Chưa họp', open: 'Đang họp', closed: 'Đã kết thúc' };
export function sessionStateLabel(state) {
  return SESSION_STATES[state] || String(state || '');
}

const VOTES = { for: 'Đồng ý', against: 'Không đồng ý', abstain: 'Không biểu quyết' };
/** A ballot choice in words ("for" → "Đồng ý"). */
export function voteLabel(v) {
  return VOTES[v] || String(v || '');
}
export const VOTE_CHOICES = ['for', 'against', 'abstain'];

/** How an award is voted on: "open" → "Biểu quyết công khai". */
export function voteKindLabel(kind) {
  switch (kind) {
    case 'open': return 'Biểu quyết công khai';
    case 'secret': return 'Bỏ phiếu kín';
    case 'none': return 'Không qua Hội đồng';
    default: return String(kind || '');
  }
}

const INITIATIVE_LEVELS = { co_so: 'cấp cơ sở', tinh: 'cấp tỉnh', toan_quoc: 'cấp toàn quốc' };

// ---------------------------------------------------------------- pieces

const has = (v) => v !== null && v !== undefined && v !== '';

/** "QĐ số 12/QĐ-SNV, ngày 24/12/2025" from what is known of a decision. */
export function decisionRef(no, on) {
  const parts = [];
  if (has(no)) parts.push(`QĐ số ${no}`);
  if (has(on)) parts.push(`ngày ${formatDate(on)}`);
  return parts.join(', ');
}

function atLeast(level) {
  // Nothing is above the top level: "trở lên" would say nothing there.
  return level === 'HTXSNV' ? ratingLabel(level) : `${ratingLabel(level)} trở lên`;
}

/** "Trên 50 % cán bộ của đơn vị" / "Từ 70 % cán bộ của đơn vị trở lên", then what they hold. */
function shareOfMembers(op, percent, what) {
  const p = formatPercent(percent);
  return op === 'gt' ? `Trên ${p} cán bộ của đơn vị ${what}` : `Từ ${p} cán bộ của đơn vị trở lên ${what}`;
}

function countWords(op, n) {
  return op === 'gt' ? `trên ${formatInteger(n)}` : `ít nhất ${formatInteger(n)}`;
}

/** "năm 2024: đạt; năm 2025: chưa đạt", in year order. */
function titleYears(ev) {
  const years = [...((ev && ev.years) || [])].sort((a, b) => a.year - b.year);
  return years.map((y) => `năm ${y.year}: ${y.met ? 'đạt' : 'chưa đạt'}`).join('; ');
}

function initiativesFound(ev) {
  const span = has(ev.from) ? `, từ ngày ${formatDate(ev.from)} đến ngày ${formatDate(ev.to)}` : '';
  return Number(ev.count) ? `${formatInteger(ev.count)} sáng kiến${span}` : `chưa có sáng kiến nào${span}`;
}

/**
 * "70/71 người, 98,6 %". When the share rounded to one decimal would seem
 * to contradict the verdict (2/3 against "từ 66,67 %"), it says on which
 * side of the threshold it is instead: "dưới 66,67 %".
 */
function membersShare(ev, p, met) {
  if (!ev || !has(ev.members)) return '';
  if (!ev.members) return 'đơn vị không có cán bộ đang làm việc';
  const share = (100 * Number(ev.holding)) / Number(ev.members);
  let text = formatPercent(share, 1);
  if (p && has(p.percent)) {
    const shown = Number(text.replace(/[ .%]/g, '').replace(',', '.'));
    const th = Number(p.percent);
    const seemsMet = p.op === 'gt' ? shown > th : shown >= th;
    if (seemsMet !== met) text = `${met ? (p.op === 'gt' ? 'trên' : 'từ') : 'dưới'} ${formatPercent(th)}`;
  }
  return `${formatInteger(ev.holding)}/${formatInteger(ev.members)} người, ${text}`;
}

// ------------------------------------------------------------- sentences

/**
 * One criterion as { statement, detail }: what it asks (statement) and
 * the facts found (detail, may be ''). For any_of / all_of the detail is
 * '' and the items are the caller's to list (criterionItems).
 */
export function describeCriterion(c, subjectType = 'staff') {
  const p = (c && c.params) || {};
  const ev = (c && c.evidence) || {};
  const met = !!(c && c.met);
  const unit = subjectType === 'unit';
  switch (c && c.code) {
    case 'rating_at_least':
    case 'unit_rating_at_least': {
      const who = c.code === 'unit_rating_at_least' || unit ? 'Tập thể xếp loại' : 'Xếp loại';
      const ref = decisionRef(ev.decision_no, ev.decided_on);
      let detail;
      if (!has(ev.rating)) detail = 'chưa có quyết định xếp loại';
      else if (met && ev.rating === p.level) detail = ref;
      else detail = [ratingLabel(ev.rating), ref].filter(Boolean).join(', ');
      return { statement: `${who} ${atLeast(p.level)}`, detail };
    }
    case 'tenure_months': {
      const statement = `Công tác đủ ${formatInteger(p.months)} tháng`;
      let detail;
      if (!has(ev.joined_on)) detail = 'chưa có ngày bắt đầu công tác';
      else if (has(ev.left_on) && has(ev.ends_on) && ev.left_on <= ev.ends_on) detail = `đã thôi công tác ngày ${formatDate(ev.left_on)}`;
      else if (met) detail = `từ ngày ${formatDate(ev.joined_on)}`;
      else detail = `từ ngày ${formatDate(ev.joined_on)}, đến ngày ${formatDate(ev.tenure_reached_on)} mới đủ, sau ngày kết thúc năm thi đua ${formatDate(ev.ends_on)}`;
      return { statement, detail };
    }
    case 'initiative':
    case 'initiative_level': {
      const level = c.code === 'initiative_level' ? ` ${INITIATIVE_LEVELS[p.level] || p.level} trở lên` : '';
      const n = Number(p.count);
      const statement = n === 1 ? `Có sáng kiến được công nhận${level}` : `Có ít nhất ${formatInteger(n)} sáng kiến được công nhận${level}`;
      return { statement, detail: initiativesFound(ev) };
    }
    case 'initiatives_in_span': {
      const statement = `Có ít nhất ${formatInteger(p.count)} sáng kiến được công nhận trong ${formatInteger(p.years)} năm`;
      return { statement, detail: initiativesFound(ev) };
    }
    case 'consecutive_titles':
      return {
        statement: `Đạt danh hiệu ${awardLabel(p.title)} ${formatInteger(p.years)} năm liên tục`,
        detail: titleYears(ev),
      };
    case 'consecutive_ratings':
      return {
        statement: `Xếp loại ${atLeast(p.level)} ${formatInteger(p.years)} năm liên tục`,
        detail: titleYears(ev),
      };
    case 'members_title_share':
      return {
        statement: shareOfMembers(p.op, p.percent, `đạt danh hiệu ${awardLabel(p.title)}`),
        detail: membersShare(ev, p, met),
      };
    case 'members_rating_share': {
      const all = Number(p.percent) === 100 && p.op !== 'gt';
      return {
        statement: all
          ? `Toàn bộ cán bộ của đơn vị xếp loại ${atLeast(p.level)}`
          : shareOfMembers(p.op, p.percent, `xếp loại ${atLeast(p.level)}`),
        detail: membersShare(ev, p, met),
      };
    }
    case 'members_title_count':
      return {
        statement: `Có ${countWords(p.op, p.count)} cán bộ của đơn vị đạt danh hiệu ${awardLabel(p.title)}`,
        detail: has(ev.members) ? (ev.members ? `có ${formatInteger(ev.holding)} người` : 'đơn vị không có cán bộ đang làm việc') : '',
      };
    case 'registered':
      return {
        statement: has(ev.registration_closes_on)
          ? `Đã đăng ký thi đua đúng hạn (đến ngày ${formatDate(ev.registration_closes_on)})`
          : 'Đã đăng ký thi đua đúng hạn',
        detail: has(ev.registered_on) ? `đăng ký ngày ${formatDate(ev.registered_on)}` : 'chưa đăng ký',
      };
    case 'no_hold': {
      const open = (ev.open_hold_ids || []).length;
      const at = has(ev.as_of) ? `tại ngày ${formatDate(ev.as_of)}` : '';
      return {
        statement: 'Không đang bị xem xét kỷ luật, thanh tra, điều tra hoặc giải quyết khiếu nại',
        detail: open ? [`đang có ${formatInteger(open)} trường hợp tạm dừng xét khen thưởng`, at].filter(Boolean).join(' ') : at,
      };
    }
    case 'any_of':
      return { statement: 'Đạt ít nhất một trong các tiêu chí sau', detail: '' };
    case 'all_of':
      return { statement: 'Đạt tất cả các tiêu chí sau', detail: '' };
    default:
      return { statement: `Tiêu chí ${(c && c.code) || '?'}`, detail: '' };
  }
}

/** The whole line: "Công tác đủ 6 tháng — đạt (từ ngày 15/07/1995)". */
export function criterionText(c, subjectType = 'staff') {
  const { statement, detail } = describeCriterion(c, subjectType);
  const verdict = c && c.met ? 'đạt' : 'chưa đạt';
  return detail ? `${statement} — ${verdict} (${detail})` : `${statement} — ${verdict}`;
}

/** The sub-items of an any_of / all_of criterion, else []. */
export function criterionItems(c) {
  if (!c) return [];
  if (c.code === 'any_of') return c.any_of || [];
  if (c.code === 'all_of') return c.all_of || [];
  return [];
}

/**
 * The threshold of a council result in words: "Trên 1/2 số thành viên có
 * mặt (3 người): cần ít nhất 2 phiếu đồng ý".
 */
export function thresholdText(t) {
  if (!t) return '–';
  const frac = `${formatInteger(t.num)}/${formatInteger(t.den)}`;
  const base = t.base === 'members' ? 'tổng số thành viên Hội đồng' : 'số thành viên có mặt';
  const head = t.op === 'gt' ? `Trên ${frac} ${base}` : `Từ ${frac} ${base} trở lên`;
  const count = has(t.base_count) ? ` (${formatInteger(t.base_count)} người)` : '';
  const needed = has(t.needed) ? `: cần ít nhất ${formatInteger(t.needed)} phiếu đồng ý` : '';
  return head + count + needed;
}
