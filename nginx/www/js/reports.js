// reports.js — the "Báo cáo" page (?page=reports): the campaign's reports
// with their state (Dự thảo, Đã duyệt, Đã gửi, Gửi lỗi) and deadlines, and
// one report at a time: its PDF (opened in the browser's viewer) and
// workbook, the draft's narrative sections (the office writes them, plain
// text, one paragraph a line), "Cập nhật số liệu" with what changed, the
// director's approval with the report's number, and each delivery's status
// once approved, with "Gửi lại" on a failed one (office, director, admin).
// What needs someone stands out above the list: the reports late for
// approval and the drafts a schedule made that wait to be completed and
// approved (they are also marked in the list). ?report=ID (the link of the
// e-mail that tells the office and the director) opens that report.
// Everyone of the agency reads; the API decides who writes (a refused
// write is said in words).
// #page-reports[data-loaded] counts the loads that finished: what the
// browser tests wait for.
import * as rp from './reports-api.js';
import { say, problemErrors } from './awards.js';
import { h } from './dom.js';
import { formatDate, formatInteger, parseDate } from './format.js';
import {
  CHANNELS, SECTIONS, changeText, deliveryStateLabel, formatDateTime, kindLabel, periodText, reportStateLabel,
} from './reports-text.js';

const $ = (id) => document.getElementById(id);

const EDITORS = new Set(['office', 'admin']);
const APPROVERS = new Set(['director', 'admin']);
const RETRIERS = new Set(['office', 'director', 'admin']);

/** How many attempts of delivery x were cut short (their deliverer stopped mid-send). */
const interrupted = (x) => (x.attempt_history || []).filter((a) => a.outcome === 'interrupted').length;

/** A draft made by a schedule that is not late yet: it waits for the office and the director. */
const waiting = (r) => r.state === 'draft' && !!r.due_on && !r.late;

/** "Hạn duyệt 15/07/2025", with "quá hạn" when the report JSON says so (scheduled reports). */
function deadline(r) {
  if (!r.due_on && !r.late) return null;
  return h('span', { class: 'report-due', 'data-role': 'due' }, [
    waiting(r) ? h('span', { class: 'scheduled-badge', 'data-role': 'scheduled', text: 'Dự thảo theo lịch, chờ duyệt' }) : null,
    r.due_on ? `Hạn duyệt: ${formatDate(r.due_on)}` : '',
    r.late ? h('span', { class: 'late-badge', 'data-role': 'late' }, [h('span', { 'aria-hidden': 'true', text: '! ' }), 'Quá hạn']) : null,
  ]);
}

function stateBadge(state) {
  return h('span', { class: `state-badge report-${state}`, 'data-role': 'state', text: reportStateLabel(state) });
}

/** Plain text, one paragraph a line, as paragraphs. */
function paragraphs(text) {
  const lines = String(text || '').split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  return lines.length ? lines.map((l) => h('p', { text: l })) : [h('p', { class: 'muted', text: '(Chưa viết)' })];
}

export class ReportsPage {
  constructor() {
    this.user = null;
    this.campaign = null;
    this.items = [];
    this.selected = null; // id
    this.report = null;
    this.deliveries = null;
    this.edits = new Map(); // "id:key" → text typed but not saved
    this.seq = 0;
    this.loaded = 0;
    this.wanted = null; // ?report=ID: opened once it is listed
    this.bind();
  }

  bind() {
    $('report-create-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.onCreate();
    });
  }

  /** Empties the page (logout): nothing of one user is left for the next. */
  clear() {
    this.user = null;
    this.campaign = null;
    this.items = [];
    this.selected = null;
    this.report = null;
    this.deliveries = null;
    this.edits.clear();
    this.seq++;
    $('reports-host').replaceChildren();
    $('report-host').replaceChildren();
    $('report-detail').hidden = true;
    $('report-create-form').reset();
    say($('reports-message'), '');
  }

  /** The report to open at the next load (the address's ?report=ID). */
  want(id) {
    this.wanted = Number(id) || null;
  }

  /** Shows the page for this user and campaign; loads everything afresh. */
  async show(user, campaign) {
    const changed = !this.campaign || this.campaign.id !== campaign.id || !this.user || this.user.id !== user.id;
    this.user = user;
    this.campaign = campaign;
    if (changed) {
      this.selected = null;
      this.edits.clear();
      $('report-create-form').reset();
      say($('reports-message'), '');
    }
    $('report-create').hidden = !EDITORS.has(user.role);
    await this.load();
  }

  async load() {
    const seq = ++this.seq;
    const page = $('page-reports');
    page.setAttribute('aria-busy', 'true');
    try {
      const list = await rp.reports(this.campaign.id);
      if (seq !== this.seq) return;
      this.items = list.items || [];
      if (this.wanted && this.items.some((r) => r.id === this.wanted)) this.selected = this.wanted;
      this.wanted = null;
      if (!this.items.some((r) => r.id === this.selected)) {
        // The newest report first: a draft in the works, or the last approved.
        const newest = [...this.items].sort((a, b) => b.id - a.id);
        this.selected = (newest.find((r) => r.state === 'draft') || newest[0] || {}).id || null;
      }
      await this.loadReport(seq);
      if (seq !== this.seq) return;
    } finally {
      if (seq === this.seq) page.removeAttribute('aria-busy');
    }
    this.render();
    this.loaded++;
    page.dataset.loaded = String(this.loaded);
  }

  async loadReport(seq) {
    this.report = null;
    this.deliveries = null;
    if (!this.selected) return;
    const id = this.selected;
    const r = await rp.report(id);
    if (seq !== this.seq) return;
    this.report = r;
    if (r.state !== 'draft') {
      try {
        this.deliveries = await rp.deliveries(id);
      } catch (e) {
        if (e.status === 401) throw e;
        this.deliveries = { error: e.message };
      }
    }
  }

  async select(id) {
    this.keepEdits();
    this.selected = id;
    await this.load();
    const title = $('report-title');
    if (title) title.focus();
  }

  // ----------------------------------------------------------- render

  render() {
    this.renderList();
    this.renderReport();
  }

  renderList() {
    const host = $('reports-host');
    if (!this.items.length) {
      host.replaceChildren(h('p', { class: 'muted', text: EDITORS.has(this.user.role)
        ? 'Chưa có báo cáo nào của phong trào này: chọn loại báo cáo và bấm “Tạo dự thảo”.'
        : 'Chưa có báo cáo nào của phong trào này.' }));
      return;
    }
    const sorted = [...this.items].sort((a, b) => (a.as_of < b.as_of ? 1 : a.as_of > b.as_of ? -1 : b.id - a.id));
    host.replaceChildren(this.attention(sorted), h('ol', { class: 'reports', id: 'reports-list' }, sorted.map((r) => {
      const current = r.id === this.selected;
      const mark = r.late ? ' report-late' : waiting(r) ? ' report-waiting' : '';
      return h('li', {
        class: `report-item state-${r.state}${mark}${current ? ' report-current' : ''}`, 'data-report': r.id, 'data-state': r.state,
        'data-late': r.late ? 'true' : null, 'data-waiting': waiting(r) ? 'true' : null,
      }, [
        h('div', { class: 'nom-head' }, [
          h('h3', { class: 'nom-title' }, h('button', {
            type: 'button', class: 'link-btn', 'data-action': 'select', 'aria-current': current ? 'true' : null,
            text: `${kindLabel(r.kind)}${r.number ? ` số ${r.number}` : ''}`,
            onclick: () => this.select(r.id),
          })),
          stateBadge(r.state),
        ]),
        h('p', { class: 'nom-meta' }, [
          h('span', { 'data-role': 'as-of', text: `Số liệu tính đến ngày ${formatDate(r.as_of)}` }),
          ` · Kỳ báo cáo ${periodText(r)}`,
          r.approved_at ? ` · Duyệt lúc ${formatDateTime(r.approved_at)}`
            : r.generated_at ? ` · Số liệu tính lúc ${formatDateTime(r.generated_at)}` : '',
        ]),
        deadline(r),
      ]);
    })));
  }

  /** Above the list: the reports late for approval, and the drafts a schedule made that wait. */
  attention(sorted) {
    const late = sorted.filter((r) => r.late);
    const wait = sorted.filter(waiting);
    if (!late.length && !wait.length) return '';
    const links = (list) => list.map((r, i) => [i ? ', ' : '', h('button', {
      type: 'button', class: 'link-btn', 'data-report': r.id, 'data-action': 'select',
      text: `${kindLabel(r.kind)} (hạn duyệt ${formatDate(r.due_on)})`, onclick: () => this.select(r.id),
    })]).flat();
    return h('div', { class: 'report-attention', id: 'reports-attention', role: 'status' }, [
      late.length ? h('p', { class: 'attention-late', 'data-role': 'attention-late' }, [
        h('strong', { text: `Quá hạn duyệt (${formatInteger(late.length)}): ` }), ...links(late),
        '. Văn phòng hoàn thiện, Giám đốc duyệt sớm.',
      ]) : null,
      wait.length ? h('p', { class: 'attention-waiting', 'data-role': 'attention-waiting' }, [
        h('strong', { text: `Dự thảo mới theo lịch báo cáo (${formatInteger(wait.length)}): ` }), ...links(wait),
        '. Văn phòng viết phần nhận xét, Giám đốc duyệt trước hạn.',
      ]) : null,
    ]);
  }

  renderReport() {
    const r = this.report;
    const box = $('report-detail');
    box.hidden = !r;
    if (!r) {
      $('report-host').replaceChildren();
      return;
    }
    box.dataset.report = String(r.id);
    box.dataset.state = r.state;
    const draft = r.state === 'draft';
    const title = $('report-title');
    title.textContent = `${kindLabel(r.kind)}${r.number ? ` số ${r.number}` : ''}`;
    title.setAttribute('tabindex', '-1');
    $('report-host').replaceChildren(...[
      h('p', { class: 'report-meta' }, [
        stateBadge(r.state), ' ',
        h('span', { text: `Số liệu tính đến ngày ${formatDate(r.as_of)} · Kỳ báo cáo ${periodText(r)}` }),
        r.generated_at ? h('span', { class: 'muted', text: ` · Số liệu tính lúc ${formatDateTime(r.generated_at)}` }) : null,
        ' ', deadline(r),
      ]),
      !draft ? h('p', { class: 'report-meta', 'data-role': 'approved' }, [
        `Đã duyệt lúc ${formatDateTime(r.approved_at)}${r.approved_by ? ` (${r.approved_by})` : ''}.`,
        r.sha256 ? h('span', { class: 'digest' }, [' Mã SHA-256 của nội dung: ', h('code', { text: r.sha256 })]) : null,
      ]) : null,
      this.files(r),
      draft ? this.changesBox(r) : null,
      this.sectionsBox(r),
      draft && APPROVERS.has(this.user.role) ? this.approveForm(r) : null,
      !draft ? this.deliveriesBox() : null,
    ].filter(Boolean));
  }

  files(r) {
    return h('div', { class: 'form-actions report-files' }, [
      h('a', {
        class: 'btn', id: 'report-pdf', 'data-action': 'pdf', href: rp.fileUrl(r.id, 'pdf'), target: '_blank', rel: 'noopener',
        text: r.state === 'draft' ? 'Xem trước bản PDF' : 'Xem bản PDF',
      }),
      h('a', {
        class: 'btn btn-quiet', id: 'report-xlsx', 'data-action': 'xlsx', href: rp.fileUrl(r.id, 'xlsx'),
        download: `bao-cao-${r.id}.xlsx`, text: 'Tải bảng số liệu (XLSX)',
      }),
      h('span', { class: 'muted', text: r.state === 'draft'
        ? 'Bản PDF của dự thảo được trình bày theo số liệu và phần nhận xét hiện tại (mở ở thẻ mới).'
        : 'Bản đã lưu khi duyệt (mở ở thẻ mới).' }),
    ]);
  }

  changesBox(r) {
    const msg = h('p', { class: 'form-message', role: 'alert', id: 'report-regen-message', hidden: true });
    const changes = r.changes || [];
    const button = EDITORS.has(this.user.role) ? h('button', {
      type: 'button', class: 'btn', id: 'report-regenerate', 'data-action': 'regenerate', text: 'Cập nhật số liệu',
    }) : null;
    if (button) {
      button.addEventListener('click', async () => {
        button.disabled = true;
        try {
          this.keepEdits();
          const out = await rp.regenerate(r.id);
          await this.load();
          const n = (out.changes || []).length;
          say($('report-regen-message'), n
            ? `Đã cập nhật số liệu: ${formatInteger(n)} số liệu thay đổi (xem danh sách).`
            : 'Đã cập nhật số liệu: không có số liệu nào thay đổi.', 'info');
        } catch (e) {
          if (e.status === 401) return;
          say(msg, `Không cập nhật được số liệu: ${e.message}`);
          button.disabled = false;
        }
      });
    }
    return h('section', { class: 'panel report-changes', 'aria-labelledby': 'report-changes-title' }, [
      h('h3', { id: 'report-changes-title', text: 'Số liệu' }),
      h('p', { class: 'muted', text: `Số liệu tính từ dữ liệu tại ngày ${formatDate(r.as_of)}; bấm “Cập nhật số liệu” để tính lại khi dữ liệu đã được bổ sung.` }),
      changes.length ? h('div', { 'data-role': 'changes' }, [
        h('p', { text: `Thay đổi ở lần cập nhật gần nhất (${formatDateTime(r.generated_at)}):` }),
        h('ul', { class: 'changes', id: 'report-changes' }, changes.map((c) => h('li', { 'data-path': c.path, text: changeText(c, r.figures || {}) }))),
      ]) : null,
      button ? h('div', { class: 'form-actions' }, button) : null,
      msg,
    ]);
  }

  /** Remembers what was typed in the editor, so a reload does not lose it. */
  keepEdits() {
    for (const el of document.querySelectorAll('#report-sections-form textarea')) {
      const key = `${el.dataset.report}:${el.name}`;
      if (el.value !== el.defaultValue) this.edits.set(key, el.value);
      else this.edits.delete(key);
    }
  }

  sectionsBox(r) {
    const sections = r.sections || {};
    const editable = r.state === 'draft' && EDITORS.has(this.user.role);
    if (!editable) {
      return h('section', { class: 'report-sections', 'aria-labelledby': 'report-sections-title', id: 'report-sections' }, [
        h('h3', { id: 'report-sections-title', text: 'Phần nhận xét' }),
        ...SECTIONS.map(([key, label]) => h('div', { class: 'report-section', 'data-section': key }, [
          h('h4', { text: label }), ...paragraphs(sections[key]),
        ])),
      ]);
    }
    const msg = h('p', { class: 'form-message', role: 'alert', id: 'report-sections-message', hidden: true });
    const areas = SECTIONS.map(([key, label]) => {
      const saved = sections[key] || '';
      const area = h('textarea', {
        id: `report-section-${key}`, name: key, rows: 5, maxlength: 20000, 'data-report': r.id,
        'aria-describedby': 'report-sections-hint',
      });
      area.defaultValue = saved;
      const kept = this.edits.get(`${r.id}:${key}`);
      area.value = kept !== undefined ? kept : saved;
      return h('div', { class: 'field' }, [h('label', { for: area.id, text: label }), area]);
    });
    const button = h('button', { type: 'submit', class: 'btn btn-primary', id: 'report-save', text: 'Lưu phần nhận xét' });
    const form = h('form', { class: 'stack-form report-editor', id: 'report-sections-form', novalidate: true }, [
      h('p', { class: 'muted', id: 'report-sections-hint', text: 'Văn bản thường; mỗi dòng là một đoạn. Tối đa 20.000 ký tự mỗi phần.' }),
      ...areas, msg, h('div', { class: 'form-actions' }, button),
    ]);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const changed = {};
      for (const el of form.querySelectorAll('textarea')) {
        if (el.value !== el.defaultValue) changed[el.name] = el.value.trim() ? el.value : null;
      }
      if (!Object.keys(changed).length) {
        say(msg, 'Không có gì thay đổi để lưu.', 'info');
        return;
      }
      button.disabled = true;
      try {
        await rp.saveSections(r.id, changed);
        for (const k of Object.keys(changed)) this.edits.delete(`${r.id}:${k}`);
        this.keepEdits();
        await this.load();
        say($('report-sections-message'), `Đã lưu: ${SECTIONS.filter(([k]) => k in changed).map(([, l]) => l).join(', ')}.`, 'info');
      } catch (e) {
        if (e.status === 401) return;
        const labels = Object.fromEntries(SECTIONS.map(([k, l]) => [`sections.${k}`, l]));
        say(msg, `Không lưu được: ${e.message}`, 'error', problemErrors(e, (f) => labels[f]));
        button.disabled = false;
      }
    });
    return h('section', { class: 'report-sections', 'aria-labelledby': 'report-sections-title', id: 'report-sections' }, [
      h('h3', { id: 'report-sections-title', text: 'Phần nhận xét' }), form,
    ]);
  }

  approveForm(r) {
    const msg = h('p', { class: 'form-message', role: 'alert', id: 'report-approve-message', hidden: true });
    const input = h('input', {
      type: 'text', id: 'report-number', autocomplete: 'off', spellcheck: 'false', maxlength: 60, required: true,
      placeholder: '12/BC-SNV', 'aria-describedby': 'report-number-hint',
    });
    const button = h('button', { type: 'submit', class: 'btn btn-primary', id: 'report-approve', text: 'Duyệt báo cáo' });
    const form = h('form', { class: 'panel stack-form', id: 'report-approve-form', novalidate: true }, [
      h('h3', { text: 'Duyệt báo cáo' }),
      h('p', { class: 'muted', id: 'report-number-hint', text: 'Khi duyệt, nội dung được cố định (không sửa được nữa), bản PDF và bảng số liệu được lưu, và báo cáo được gửi đến các nơi nhận.' }),
      h('div', { class: 'field' }, [h('label', { for: 'report-number', text: 'Số văn bản' }), input]),
      msg,
      h('div', { class: 'form-actions' }, button),
    ]);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const number = input.value.trim();
      if (!number) {
        say(msg, 'Vui lòng nhập số văn bản của báo cáo (ví dụ 12/BC-SNV).');
        input.focus();
        return;
      }
      button.disabled = true;
      try {
        const out = await rp.approve(r.id, number);
        await this.load();
        say($('reports-message'), `Đã duyệt ${kindLabel(out.kind).toLowerCase()} số ${out.number}.`, 'info');
      } catch (e) {
        if (e.status === 401) return;
        const why = e.status === 409 && !(e.problem && e.problem.errors)
          ? `Không duyệt được: ${e.message}`
          : `Không duyệt được báo cáo: ${e.message}`;
        say(msg, why, 'error', problemErrors(e, (f) => (f === 'number' ? 'Số văn bản' : null)));
        button.disabled = false;
        input.focus();
      }
    });
    return form;
  }

  deliveriesBox() {
    const d = this.deliveries;
    const head = h('h3', { id: 'report-deliveries-title', text: 'Gửi báo cáo' });
    if (!d || d.error) {
      return h('section', { class: 'report-deliveries', 'aria-labelledby': 'report-deliveries-title' }, [
        head, h('p', { class: 'form-message form-message-error', text: `Không tải được tình trạng gửi: ${d ? d.error : ''}` }),
      ]);
    }
    const items = d.items || [];
    if (!items.length) {
      return h('section', { class: 'report-deliveries', 'aria-labelledby': 'report-deliveries-title' }, [
        head, h('p', { class: 'muted', text: 'Không có nơi nhận nào cho loại báo cáo này (quản trị viên khai báo nơi nhận).' }),
      ]);
    }
    const rows = items.map((x) => {
      const t = x.destination || {};
      return h('tr', { 'data-delivery': x.id, 'data-state': x.state }, [
        h('th', { scope: 'row', 'data-col': 'destination' }, [
          h('span', { class: 'cell-main', text: t.name || '' }),
          h('span', { class: 'cell-sub', text: `${CHANNELS[t.channel] || t.channel || ''}: ${t.url || t.address || ''}` }),
        ]),
        h('td', { 'data-col': 'state' }, [
          h('span', { class: `state-badge delivery-${x.state}`, text: deliveryStateLabel(x.state) }),
          x.state === 'queued' && x.next_attempt_at
            ? h('span', { class: 'cell-sub', text: `Lần gửi tới: ${formatDateTime(x.next_attempt_at)}` }) : null,
          x.state === 'failed' && RETRIERS.has(this.user.role) ? this.retryButton(x) : null,
        ]),
        h('td', { class: 'numcol', 'data-col': 'attempts', text: formatInteger(x.attempts || 0) }),
        h('td', { 'data-col': 'error', class: 'delivery-error' }, [
          x.last_error || '–',
          interrupted(x) ? h('span', {
            class: 'cell-sub', 'data-role': 'interrupted',
            text: `${formatInteger(interrupted(x))} lần gửi bị gián đoạn (tiến trình gửi dừng giữa chừng; không rõ nơi nhận đã nhận chưa)`,
          }) : null,
        ]),
        h('td', { 'data-col': 'acknowledged', text: x.acknowledged_at ? formatDateTime(x.acknowledged_at) : 'Chưa' }),
      ]);
    });
    return h('section', { class: 'report-deliveries', 'aria-labelledby': 'report-deliveries-title' }, [
      head,
      h('p', { class: 'form-message', role: 'alert', id: 'report-deliveries-message', hidden: true }),
      h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Tình trạng gửi đến từng nơi nhận (cuộn ngang được)' },
        h('table', { class: 'deliveries', id: 'report-deliveries' }, [
          h('caption', { class: 'sr-only', text: 'Tình trạng gửi báo cáo đến từng nơi nhận' }),
          h('thead', {}, h('tr', {}, [
            ['Nơi nhận', null], ['Trạng thái', null], ['Số lần gửi', 'numcol'], ['Lỗi gần nhất', null], ['Nơi nhận xác nhận lúc', null],
          ].map(([text, c]) => h('th', { scope: 'col', class: c, text })))),
          h('tbody', {}, rows),
        ])),
    ]);
  }

  /** "Gửi lại": queues failed delivery x again (same key and Message-ID, attempts from 0). */
  retryButton(x) {
    const name = (x.destination || {}).name || '';
    const button = h('button', {
      type: 'button', class: 'btn btn-small', 'data-action': 'retry', 'aria-label': `Gửi lại đến ${name}`, text: 'Gửi lại',
    });
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        await rp.retryDelivery(x.id);
        await this.load();
        say($('report-deliveries-message'), `Đã xếp lại việc gửi đến ${name}; báo cáo sẽ được gửi trong ít phút.`, 'info');
      } catch (e) {
        if (e.status === 401) return;
        say($('report-deliveries-message'), `Không gửi lại được: ${e.message}`);
        button.disabled = false;
      }
    });
    return button;
  }

  // ----------------------------------------------------------- create

  async onCreate() {
    const msg = $('report-create-message');
    const kind = $('report-kind').value;
    const asOfText = $('report-as-of').value.trim();
    const asOf = asOfText ? parseDate(asOfText) : null;
    if (asOfText && !asOf) {
      say(msg, 'Ngày tính số liệu không hợp lệ; vui lòng nhập theo dạng ngày/tháng/năm, hoặc để trống.');
      $('report-as-of').focus();
      return;
    }
    const button = $('report-create-submit');
    button.disabled = true;
    try {
      const r = await rp.createReport(this.campaign.id, kind, asOf);
      $('report-as-of').value = '';
      say(msg, '');
      $('report-create').open = false;
      this.selected = r.id;
      await this.load();
      say($('reports-message'), `Đã tạo dự thảo ${kindLabel(r.kind).toLowerCase()}, số liệu tính đến ngày ${formatDate(r.as_of)}.`, 'info');
    } catch (e) {
      if (e.status === 401) return;
      const labels = { kind: 'Loại báo cáo', as_of: 'Ngày tính số liệu', replaces_id: 'Báo cáo thay thế' };
      say(msg, `Không tạo được dự thảo: ${e.message}`, 'error', problemErrors(e, (f) => labels[f]));
    } finally {
      button.disabled = false;
    }
  }
}
