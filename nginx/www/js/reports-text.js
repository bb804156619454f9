// reports-text.js — the words of the "Báo cáo" page: kinds and states of a
// report and of a delivery, the narrative sections, a timestamp in
// Vietnam's time, and what changed at a regeneration said in Vietnamese
// ("Nhiệm vụ › số nhiệm vụ hoàn thành: 21 → 22"). Pure functions with no
// DOM: the browser test imports them in node too.
import {
  formatDate, formatDecimal, formatInteger, formatPercent, ratingLabel, statusWord, titleLabel,
} from './format.js';
import { awardLabel } from './criteria.js';

const DASH = '–';

export const KINDS = {
  mid_year: 'Báo cáo sơ kết 6 tháng',
  year_end: 'Báo cáo tổng kết năm',
  award_statistics: 'Thống kê khen thưởng',
};
export const kindLabel = (k) => KINDS[k] || String(k);

const STATES = { draft: 'Dự thảo', approved: 'Đã duyệt', delivered: 'Đã gửi', delivery_failed: 'Gửi lỗi' };
export const reportStateLabel = (s) => STATES[s] || String(s);

const DELIVERY_STATES = { queued: 'Chờ gửi', sending: 'Đang gửi', sent: 'Đã gửi', failed: 'Gửi lỗi' };
export const deliveryStateLabel = (s) => DELIVERY_STATES[s] || String(s);

export const CHANNELS = { https: 'HTTPS', email: 'Thư điện tử' };

/** The narrative sections in the document's order, with their headings. */
export const SECTIONS = [
  ['strengths', 'Ưu điểm'],
  ['shortcomings', 'Hạn chế'],
  ['lessons', 'Bài học kinh nghiệm'],
  ['next_steps', 'Phương hướng'],
  ['proposals', 'Kiến nghị'],
];

/**
 * A timestamp ("2026-12-03T19:05:00.1+00:00", "…Z") as "03/12/2026 02:05"
 * in Asia/Ho_Chi_Minh (UTC+7, no daylight saving); null or anything else → "–".
 */
export function formatDateTime(ts) {
  if (!ts) return DASH;
  const t = Date.parse(String(ts).replace(' ', 'T'));
  if (!Number.isFinite(t)) return DASH;
  const d = new Date(t + 7 * 3600 * 1000);
  const p = (n) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
}

/** "Kỳ báo cáo: từ 01/01/2025 đến 30/06/2025" */
export function periodText(r) {
  return `từ ${formatDate(r.period_from)} đến ${formatDate(r.period_to)}`;
}

// ------------------------------------------------------------------ changes

const TOP = {
  scorecard: 'Chỉ tiêu thi đua',
  tasks: 'Nhiệm vụ',
  study: 'Học tập, quán triệt',
  units: 'Đơn vị',
  titles: 'Danh hiệu thi đua',
  ratings: 'Xếp loại',
  awards: 'Khen thưởng',
  nominations: 'Đề nghị khen thưởng',
  exemplars: 'Gương điển hình',
  recipients: 'Được khen thưởng',
  statistics: 'Thống kê khen thưởng',
  campaign: 'Phong trào',
  agency: 'Cơ quan',
};

const WORDS = {
  // tasks
  total: 'tổng số', due: 'số nhiệm vụ đến hạn', completed: 'số nhiệm vụ hoàn thành',
  completed_on_time: 'số hoàn thành đúng hạn', overdue: 'số nhiệm vụ quá hạn',
  // study
  topics: 'số chuyên đề', sessions: 'số buổi học tập', attendances: 'số lượt tham dự',
  // scorecard targets
  value: 'kết quả', status: 'đánh giá', numerator: 'số đạt', denominator: 'trên tổng số', threshold: 'ngưỡng',
  summary: 'tổng hợp', final: 'số liệu chính thức',
  met: 'số chỉ tiêu Đạt', at_risk: 'số chỉ tiêu Có nguy cơ', missed: 'số chỉ tiêu Không đạt', pending: 'số chỉ tiêu Chưa có số liệu',
  // units
  active_staff: 'số cán bộ', study_covered: 'số người được học tập', ldtt: 'số Lao động tiên tiến',
  cstdcs: 'số Chiến sĩ thi đua cơ sở', rating: 'xếp loại', collective_title: 'danh hiệu tập thể',
  // awards, nominations, exemplars
  by_award: 'theo hình thức', by_leader_level: 'theo đối tượng', by_state: 'theo trạng thái', published: 'số gương đã công bố',
  items: 'danh sách', staff: 'cá nhân', unit: 'tập thể', none: 'người lao động', agency: 'lãnh đạo Sở', collective: 'tập thể',
  rows: 'hàng', columns: 'cột', totals: 'tổng',
  by_award_subject: 'theo hình thức và đối tượng', by_unit: 'theo đơn vị', named: 'danh sách khen thưởng cấp trên',
  counts: 'số được khen', leader_agency: 'lãnh đạo Sở', leader_unit: 'lãnh đạo phòng, đơn vị', worker: 'người lao động',
};

const NOMINATION_STATES = {
  proposed: 'đã đề nghị', in_session: 'đang xét', recommended: 'Hội đồng đề nghị', not_recommended: 'Hội đồng không đề nghị',
  decided: 'đã quyết định', refused: 'không khen thưởng', withdrawn: 'đã rút', granted: 'đã khen thưởng',
};

/** "scorecard.targets[tasks_completed].value" → ["scorecard", "targets", {id: "tasks_completed"}, "value"]. */
export function pathParts(path) {
  const parts = [];
  const re = /([^.[\]]+)|\[([^\]]*)\]/g;
  let m;
  while ((m = re.exec(String(path || '')))) parts.push(m[2] !== undefined ? { id: m[2] } : m[1]);
  return parts;
}

function codeWord(code) {
  for (const f of [awardLabel, titleLabel, ratingLabel]) {
    const w = f(code);
    if (w && w !== code) return w;
  }
  if (NOMINATION_STATES[code]) return NOMINATION_STATES[code];
  return WORDS[code] || code;
}

const findBy = (list, key, id) => (Array.isArray(list) ? list.find((x) => x && String(x[key]) === String(id)) : null);

/** What the change at `path` is about, in words, with the figures (after) to name targets and units. */
export function changeSubject(path, figures = {}) {
  const parts = pathParts(path);
  const words = [];
  let target = null;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    const prev = parts[i - 1];
    if (typeof p === 'object') {
      if (prev === 'targets') {
        target = findBy(figures.scorecard && figures.scorecard.targets, 'code', p.id);
        words.push(target ? `“${target.name}”` : `chỉ tiêu ${p.id}`);
      } else if (prev === 'units' && i === 1) {
        const u = findBy(figures.units, 'unit_id', p.id);
        words.push(u ? u.name : `đơn vị mã ${p.id}`);
      } else {
        words.push(codeWord(p.id));
      }
      continue;
    }
    if (i === 0) words.push(TOP[p] || p);
    else if (p === 'targets') continue;
    else words.push(codeWord(p));
  }
  return { text: words.join(' › '), target, last: parts[parts.length - 1] };
}

const PERCENT_METRICS = new Set(['task_completion', 'study_coverage', 'staff_title_share', 'unit_title_share']);

/** One value of a change in Vietnamese: 21 → "21", "95.24" of a percent target → "95,24 %". */
export function changeValue(v, { target = null, last = null } = {}) {
  if (v === null || v === undefined) return 'không có';
  if (typeof v === 'boolean') return v ? 'có' : 'không';
  if (last === 'status' && typeof v === 'string') return statusWord(v);
  if (typeof v === 'number' || (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v))) {
    const n = Number(v);
    if (last === 'value' && target && PERCENT_METRICS.has(target.metric)) return formatPercent(n);
    return Number.isInteger(n) ? formatInteger(n) : formatDecimal(n);
  }
  if (typeof v === 'string') return /^\d{4}-\d{2}-\d{2}$/.test(v) ? formatDate(v) : codeWord(v);
  if (Array.isArray(v)) return `${formatInteger(v.length)} mục`;
  return v.name || v.full_name || v.subject_name || 'một mục';
}

/** A change {path, before, after} as one Vietnamese line. */
export function changeText(c, figures = {}) {
  const s = changeSubject(c.path, figures);
  return `${s.text}: ${changeValue(c.before, s)} → ${changeValue(c.after, s)}`;
}
