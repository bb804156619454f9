// units.js — the member units' table from GET /campaigns/{id}/units/scorecard:
// staff, study coverage, titles, collective title and rating per unit,
// sortable by every column (buttons in the headers, aria-sort kept true),
// with each figure below its target marked by a symbol and words, and the
// units with most shortfalls named above the table.
import { h, srOnly } from './dom.js';
import { RATING_ORDER, TITLE_ORDER, formatInteger, formatPercent, ratingLabel, titleLabel } from './format.js';

const ratio = (n, d) => (n === null || n === undefined || !d ? null : (100 * n) / d);

// Exact comparison of n/d against a percent threshold, as the server does.
function meets(n, d, comparator, threshold) {
  if (n === null || n === undefined || !d || threshold === null || threshold === undefined) return true;
  const a = n * 100;
  const b = Number(threshold) * d;
  switch (comparator) {
    case 'gt': return a > b;
    case 'ge': return a >= b;
    case 'lt': return a < b;
    case 'le': return a <= b;
    default: return a === b;
  }
}

/**
 * What counts as a shortfall, from the campaign's targets (the scorecard's
 * items, with params where the server gives them).
 */
export function unitRules(targets) {
  const find = (pred) => targets.find(pred) || null;
  const study = find((t) => t.metric === 'study_coverage');
  const ldtt = find((t) => t.metric === 'staff_title_share' && (!t.params || t.params.title === 'LDTT'));
  const collective = find((t) => t.metric === 'unit_title_share');
  const agencyRating = find((t) => t.metric === 'rating');
  return {
    study,
    ldtt,
    collectiveDecided: collective ? collective.status !== 'pending' : false,
    ratingMin: agencyRating && typeof agencyRating.threshold === 'string' ? agencyRating.threshold : 'HTTNV',
  };
}

/** The shortfalls of one unit: a set of column keys. */
export function shortfalls(u, rules, anyCollective) {
  const out = new Set();
  if (rules.study && u.study_covered !== null && u.study_covered !== undefined
      && !meets(u.study_covered, u.active_staff, rules.study.comparator, rules.study.threshold)) {
    out.add('study');
  }
  if (rules.ldtt && rules.ldtt.status !== 'pending'
      && !meets(u.ldtt, u.active_staff, rules.ldtt.comparator, rules.ldtt.threshold)) {
    out.add('ldtt');
  }
  if ((rules.collectiveDecided || anyCollective) && !u.collective_title) out.add('collective');
  if (u.rating && RATING_ORDER.indexOf(u.rating) < RATING_ORDER.indexOf(rules.ratingMin)) out.add('rating');
  return out;
}

const COLUMNS = [
  { key: 'name', label: 'Đơn vị', type: 'text', value: (u) => u.name },
  { key: 'staff', label: 'Số người', abbr: 'Số công chức, viên chức, người lao động đang làm việc', value: (u) => u.active_staff },
  { key: 'study', label: 'Học tập, quán triệt', value: (u) => ratio(u.study_covered, u.active_staff) },
  { key: 'ldtt', label: 'Lao động tiên tiến', value: (u) => ratio(u.ldtt, u.active_staff) },
  { key: 'cstdcs', label: 'Chiến sĩ thi đua cơ sở', value: (u) => u.cstdcs },
  { key: 'collective', label: 'Danh hiệu tập thể', value: (u) => (u.collective_title ? TITLE_ORDER.indexOf(u.collective_title) : null) },
  { key: 'rating', label: 'Xếp loại', value: (u) => (u.rating ? RATING_ORDER.indexOf(u.rating) : null) },
  { key: 'attention', label: 'Cần chú ý', value: (u) => u._short.size },
];

const collator = new Intl.Collator('vi', { sensitivity: 'base', numeric: true });

function compare(col, dir) {
  return (a, b) => {
    const va = col.value(a);
    const vb = col.value(b);
    const na = va === null || va === undefined;
    const nb = vb === null || vb === undefined;
    if (na || nb) return na === nb ? collator.compare(a.name, b.name) : na ? 1 : -1; // blanks last
    const c = col.type === 'text' ? collator.compare(va, vb) : va - vb;
    return c ? c * dir : collator.compare(a.name, b.name);
  };
}

function weakMark(weak) {
  return weak
    ? [h('span', { class: 'weak-mark', 'aria-hidden': 'true', text: '▼ ' }), srOnly('dưới chỉ tiêu: ')]
    : [];
}

function countCell(n, d, weak, key) {
  return h('td', { class: `numcol${weak ? ' weak' : ''}`, 'data-col': key }, [
    h('span', { class: 'cell-main' }, [
      ...weakMark(weak), n === null || n === undefined ? '–' : formatPercent(ratio(n, d), 1),
    ]),
    h('span', { class: 'cell-sub', text: n === null || n === undefined ? 'chưa có số liệu' : `${formatInteger(n)}/${formatInteger(d)}` }),
  ]);
}

function row(u) {
  const sh = u._short;
  return h('tr', { class: sh.size ? 'row-weak' : null, 'data-unit': u.code }, [
    h('th', { scope: 'row', 'data-col': 'name' }, [
      h('span', { class: 'cell-main', text: u.name }),
    ]),
    h('td', { class: 'numcol', 'data-col': 'staff', text: formatInteger(u.active_staff) }),
    countCell(u.study_covered, u.active_staff, sh.has('study'), 'study'),
    countCell(u.ldtt, u.active_staff, sh.has('ldtt'), 'ldtt'),
    h('td', { class: 'numcol', 'data-col': 'cstdcs' }, [
      h('span', { class: 'cell-main', text: formatInteger(u.cstdcs) }),
      h('span', { class: 'cell-sub', text: u.ldtt ? `${formatPercent(ratio(u.cstdcs, u.ldtt), 1)} số LĐTT` : '' }),
    ]),
    h('td', { class: sh.has('collective') ? 'weak' : null, 'data-col': 'collective' }, [
      ...weakMark(sh.has('collective')), titleLabel(u.collective_title),
    ]),
    h('td', { class: sh.has('rating') ? 'weak' : null, 'data-col': 'rating' }, [
      ...weakMark(sh.has('rating')), ratingLabel(u.rating),
    ]),
    h('td', { class: 'numcol', 'data-col': 'attention' }, [
      sh.size ? h('strong', { class: 'attention', text: formatInteger(sh.size) }) : h('span', { class: 'ok-mark', text: '—' }),
      srOnly(sh.size ? ' mục dưới chỉ tiêu' : ' không có mục nào dưới chỉ tiêu'),
    ]),
  ]);
}

function totals(units) {
  const sum = (f) => units.reduce((a, u) => a + (Number(f(u)) || 0), 0);
  const staff = sum((u) => u.active_staff);
  const anyStudy = units.some((u) => u.study_covered !== null && u.study_covered !== undefined);
  const study = anyStudy ? sum((u) => u.study_covered) : null;
  const ldtt = sum((u) => u.ldtt);
  return h('tr', {}, [
    h('th', { scope: 'row', text: `Cộng ${formatInteger(units.length)} đơn vị` }),
    h('td', { class: 'numcol', text: formatInteger(staff) }),
    countCell(study, staff, false, 'study'),
    countCell(ldtt, staff, false, 'ldtt'),
    h('td', { class: 'numcol', text: formatInteger(sum((u) => u.cstdcs)) }),
    h('td', { text: `${formatInteger(units.filter((u) => u.collective_title).length)} có danh hiệu` }),
    h('td', { text: `${formatInteger(units.filter((u) => u.rating).length)} đã xếp loại` }),
    h('td', { class: 'numcol', text: formatInteger(units.filter((u) => u._short.size).length) }),
  ]);
}

/**
 * A sortable table in `host` (replacing what was there) for the units of
 * `data` and the scorecard's `targets`; `noteEl` names the units that need
 * attention. Keeps the chosen sort between renders.
 */
export class UnitsTable {
  constructor(host, noteEl) {
    this.host = host;
    this.noteEl = noteEl;
    this.sort = null; // {key, dir}
    this.units = [];
  }

  render(data, targets) {
    const rules = unitRules(targets);
    const anyCollective = data.units.some((u) => u.collective_title);
    this.units = data.units.map((u) => ({ ...u, _short: shortfalls(u, rules, anyCollective) }));
    const weak = [...this.units].filter((u) => u._short.size)
      .sort((a, b) => b._short.size - a._short.size || collator.compare(a.name, b.name));
    this.noteEl.replaceChildren(weak.length
      ? h('span', {}, [
        h('span', { class: 'weak-mark', 'aria-hidden': 'true', text: '▼ ' }),
        `${formatInteger(weak.length)} đơn vị có chỉ số dưới chỉ tiêu: `,
        h('strong', { text: weak.map((u) => u.name).join(', ') }),
        '.',
      ])
      : 'Không có đơn vị nào có chỉ số dưới chỉ tiêu.');
    this.draw();
  }

  draw() {
    const rows = [...this.units];
    if (this.sort) {
      const col = COLUMNS.find((c) => c.key === this.sort.key);
      rows.sort(compare(col, this.sort.dir));
    }
    const head = h('tr', {}, COLUMNS.map((c) => {
      const active = this.sort && this.sort.key === c.key;
      const dir = active ? (this.sort.dir > 0 ? 'ascending' : 'descending') : null;
      return h('th', { scope: 'col', 'aria-sort': dir || 'none', 'data-col': c.key, class: c.key === 'name' ? null : 'numcol' }, [
        h('button', {
          type: 'button', class: 'sort', 'data-sort': c.key, title: c.abbr || null,
          onclick: () => this.toggle(c.key),
        }, [
          c.label,
          h('span', { class: 'sort-icon', 'aria-hidden': 'true', text: active ? (this.sort.dir > 0 ? ' ▲' : ' ▼') : ' ⇅' }),
          srOnly(active ? (this.sort.dir > 0 ? ', đang xếp tăng dần' : ', đang xếp giảm dần') : ', bấm để sắp xếp'),
        ]),
      ]);
    }));
    const table = h('table', { class: 'units', id: 'units-table' }, [
      h('caption', { class: 'sr-only', text: 'Kết quả theo đơn vị thuộc và trực thuộc; bấm tiêu đề cột để sắp xếp' }),
      h('thead', {}, head),
      h('tbody', {}, rows.length ? rows.map(row)
        : h('tr', {}, h('td', { colspan: COLUMNS.length, text: 'Chưa có đơn vị thành viên.' }))),
      rows.length ? h('tfoot', {}, totals(this.units)) : null,
    ]);
    const focused = document.activeElement && document.activeElement.dataset
      ? document.activeElement.dataset.sort : null;
    this.host.replaceChildren(table);
    if (focused) {
      const b = this.host.querySelector(`button[data-sort="${focused}"]`);
      if (b) b.focus();
    }
  }

  toggle(key) {
    if (this.sort && this.sort.key === key) this.sort = { key, dir: -this.sort.dir };
    // Names A→Z first; figures and the attention count worst-first.
    else this.sort = { key, dir: key === 'name' ? 1 : key === 'attention' ? -1 : 1 };
    this.draw();
  }
}
