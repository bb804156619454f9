// format.js — how the dashboard writes numbers, dates and codes for
// Vietnamese readers: 98,73 %, 1.234, 31/12/2025, "Hoàn thành tốt nhiệm vụ".
// Pure functions with no DOM: the browser tests import them in node too.
// Decimal comma and thousands dot are written by hand, not by Intl, so the
// page reads the same whatever locale data the browser carries.

const DASH = '–';

/** 1234567 → "1.234.567"; -5 → "-5"; null → "–". Integers only. */
export function formatInteger(n) {
  if (n === null || n === undefined || !Number.isFinite(Number(n))) return DASH;
  const v = Math.round(Number(n));
  const digits = String(Math.abs(v));
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += '.';
    out += digits[i];
  }
  return (v < 0 ? '-' : '') + out;
}

/**
 * A decimal with a comma and at most `decimals` digits after it, trailing
 * zeros dropped: 98.73 → "98,73", 98.7 → "98,7", 100 → "100",
 * 1234.5 → "1.234,5". Rounds half away from zero at `decimals`.
 */
export function formatDecimal(n, decimals = 2) {
  if (n === null || n === undefined || !Number.isFinite(Number(n))) return DASH;
  const v = Number(n);
  const scale = 10 ** decimals;
  // toFixed on a value nudged by a tiny epsilon avoids 1.005 → "1.00".
  const rounded = Math.sign(v) * Math.round(Math.abs(v) * scale + 1e-9) / scale;
  const [intPart, fracPart = ''] = Math.abs(rounded).toFixed(decimals).split('.');
  const frac = fracPart.replace(/0+$/, '');
  const sign = rounded < 0 ? '-' : '';
  return sign + formatInteger(Number(intPart)) + (frac ? ',' + frac : '');
}

/** 98.73 → "98,73 %"; null → "–". The space before % is Vietnamese usage. */
export function formatPercent(n, decimals = 2) {
  if (n === null || n === undefined || !Number.isFinite(Number(n))) return DASH;
  return formatDecimal(n, decimals) + ' %';
}

/** "2025-12-31" → "31/12/2025"; anything else → "–". */
export function formatDate(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || '');
  return m ? `${m[3]}/${m[2]}/${m[1]}` : DASH;
}

/** "2025-12-31" → "31/12" (chart axes). */
export function formatDayMonth(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || '');
  return m ? `${m[3]}/${m[2]}` : DASH;
}

/** "2025-03-01" → "T3/2025" (tháng 3). */
export function formatMonth(iso) {
  const m = /^(\d{4})-(\d{2})/.exec(iso || '');
  return m ? `T${Number(m[2])}/${m[1]}` : DASH;
}

/**
 * "31/12/2025" or "31-12-2025" or "2025-12-31" → "2025-12-31"; a date that
 * does not exist (30/02/2025) or any other text → null.
 */
export function parseDate(text) {
  const s = String(text || '').trim();
  let y, mo, d;
  let m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s);
  if (m) {
    [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  } else if ((m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s))) {
    [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  } else {
    return null;
  }
  const dt = new Date(Date.UTC(y, mo - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) return null;
  return isoDate(dt);
}

/** A Date's calendar day in UTC as "YYYY-MM-DD". */
export function isoDate(dt) {
  const p = (n) => String(n).padStart(2, '0');
  return `${dt.getUTCFullYear()}-${p(dt.getUTCMonth() + 1)}-${p(dt.getUTCDate())}`;
}

/** Today in Asia/Ho_Chi_Minh (UTC+7, no daylight saving) as "YYYY-MM-DD". */
export function todayInVietnam(now = new Date()) {
  return isoDate(new Date(now.getTime() + 7 * 3600 * 1000));
}

/** "233/236 người"; the unit word is optional; null parts → "–". */
export function formatFraction(numerator, denominator, unit = '') {
  if (numerator === null || numerator === undefined) return DASH;
  const base = denominator === null || denominator === undefined
    ? formatInteger(numerator)
    : `${formatInteger(numerator)}/${formatInteger(denominator)}`;
  return unit ? `${base} ${unit}` : base;
}

export const STATUS = {
  met: { word: 'Đạt', icon: '✓' },
  at_risk: { word: 'Có nguy cơ', icon: '!' },
  missed: { word: 'Không đạt', icon: '✗' },
  pending: { word: 'Chưa có số liệu', icon: '…' },
};

/** The Vietnamese word for a target status ("met" → "Đạt"). */
export function statusWord(status) {
  return (STATUS[status] || STATUS.pending).word;
}

export const RATING_ORDER = ['KHTNV', 'HTNV', 'HTTNV', 'HTXSNV'];
const RATINGS = {
  HTXSNV: 'Hoàn thành xuất sắc nhiệm vụ',
  HTTNV: 'Hoàn thành tốt nhiệm vụ',
  HTNV: 'Hoàn thành nhiệm vụ',
  KHTNV: 'Không hoàn thành nhiệm vụ',
};
/** "HTTNV" → "Hoàn thành tốt nhiệm vụ"; null → "Chưa xếp loại". */
export function ratingLabel(code) {
  if (code === null || code === undefined) return 'Chưa xếp loại';
  return RATINGS[code] || String(code);
}

export const TITLE_ORDER = ['LDTT', 'CSTDCS', 'CSTD_TINH', 'CSTD_TOAN_QUOC', 'TTLDTT', 'TTLDXS'];
const TITLES = {
  LDTT: 'Lao động tiên tiến',
  CSTDCS: 'Chiến sĩ thi đua cơ sở',
  CSTD_TINH: 'Chiến sĩ thi đua cấp tỉnh',
  CSTD_TOAN_QUOC: 'Chiến sĩ thi đua toàn quốc',
  TTLDTT: 'Tập thể lao động tiên tiến',
  TTLDXS: 'Tập thể lao động xuất sắc',
};
/** "TTLDXS" → "Tập thể lao động xuất sắc"; null → "Chưa có". */
export function titleLabel(code) {
  if (code === null || code === undefined) return 'Chưa có';
  return TITLES[code] || String(code);
}

/** Vietnamese comparison words for a threshold: gt → "trên", ge → "từ … trở lên". */
export function comparatorText(comparator, thresholdText) {
  switch (comparator) {
    case 'gt': return `trên ${thresholdText}`;
    case 'ge': return `từ ${thresholdText} trở lên`;
    case 'lt': return `dưới ${thresholdText}`;
    case 'le': return `không quá ${thresholdText}`;
    case 'eq': return thresholdText;
    default: return thresholdText;
  }
}
