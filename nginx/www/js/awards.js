// awards.js — the "Khen thưởng" page: the campaign's nominations with
// their eligibility (a ✓ or ✗ and a Vietnamese sentence per criterion),
// the propose form (office, unit heads), the council's sessions
// (council.js), the member's ballot (ballot.js) and the director's
// decision. A unit head is shown its unit's nominations (asked with
// ?unit_id=); the page does not filter what the API gives.
// #page-awards[data-loaded] counts the loads that finished: what the
// browser tests wait for.
import * as aw from './awards-api.js';
import { h, srOnly } from './dom.js';
import { formatDate, formatInteger, parseDate } from './format.js';
import {
  awardLabel, criterionItems, criterionText, nominationStateLabel, voteKindLabel,
} from './criteria.js';
import { renderSessions, fillSessionForm, readSessionForm } from './council.js';
import { renderBallots } from './ballot.js';

const $ = (id) => document.getElementById(id);

const PROPOSERS = new Set(['office', 'unit_head', 'admin']);
const DECIDERS = new Set(['director', 'admin']);
const SESSION_MAKERS = new Set(['office', 'admin']);

/** Shows text in a form message element (kind: error, info). `errors` are the problem's. */
export function say(el, text, kind = 'error', errors = null) {
  if (!text) {
    el.hidden = true;
    el.replaceChildren();
    return;
  }
  el.className = `form-message form-message-${kind}`;
  const list = errors && errors.length
    ? h('ul', { class: 'error-list' }, errors.map((e) => h('li', { text: e.message || String(e.field || '') })))
    : null;
  el.replaceChildren(...[h('span', { text }), list].filter(Boolean));
  el.hidden = false;
}

/** The problem's field errors, each with a label for the field when `label` knows it. */
export function problemErrors(e, label = () => null) {
  const errs = (e && e.problem && Array.isArray(e.problem.errors)) ? e.problem.errors : [];
  return errs.map((x) => {
    const name = x.field ? label(x.field) : null;
    return { field: x.field, message: name ? `${name}: ${x.message}` : x.message };
  });
}

function tick(met) {
  return h('span', { class: `tick ${met ? 'tick-met' : 'tick-missed'}`, 'aria-hidden': 'true', text: met ? '✓' : '✗' });
}

/** The criteria as a nested list: one item per criterion, any_of/all_of with their own. */
export function criteriaList(criteria, subjectType) {
  return h('ul', { class: 'criteria' }, (criteria || []).map((c) => {
    const sub = criterionItems(c);
    return h('li', { class: c.met ? 'crit crit-met' : 'crit crit-missed', 'data-code': c.code, 'data-met': String(!!c.met) }, [
      tick(c.met),
      srOnly(c.met ? 'Đạt: ' : 'Chưa đạt: '),
      h('span', { class: 'crit-text', text: criterionText(c, subjectType) }),
      sub.length ? criteriaList(sub, subjectType) : null,
    ]);
  }));
}

function eligibilityBox(n) {
  const e = n.eligibility;
  if (!e) {
    return h('p', { class: 'eligibility eligibility-unknown', 'data-role': 'eligibility', text: 'Chưa xét được điều kiện (khen thưởng không còn trong quy tắc của phong trào).' });
  }
  return h('div', { class: 'eligibility', 'data-role': 'eligibility', 'data-eligible': String(!!e.eligible) }, [
    h('p', { class: e.eligible ? 'verdict verdict-met' : 'verdict verdict-missed' }, [
      tick(e.eligible),
      e.eligible ? ' Đủ điều kiện' : ' Chưa đủ điều kiện',
      h('span', { class: 'verdict-date', text: e.as_of ? ` (xét tại ngày ${formatDate(e.as_of)})` : '' }),
    ]),
    criteriaList(e.criteria, n.subject_type),
  ]);
}

export class AwardsPage {
  constructor() {
    this.user = null;
    this.campaign = null;
    this.rules = null;
    this.items = [];
    this.sessions = null;
    this.decisions = null;
    this.names = new Map(); // "staff:12" → {name, unit}
    this.unitList = null;
    this.seq = 0;
    this.loaded = 0;
    this.bind();
  }

  bind() {
    $('propose-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.onPropose();
    });
    for (const r of document.querySelectorAll('#propose-form input[name="subject_type"]')) {
      r.addEventListener('change', () => this.fillProposeChoices());
    }
    $('propose-unit').addEventListener('change', () => this.fillStaff());
    $('nominations-filter').addEventListener('change', () => this.renderNominations());
    $('session-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.onCreateSession();
    });
    $('decision-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.onDecide();
    });
  }

  /** Empties the page (logout): nothing of one user is left for the next. */
  clear() {
    this.user = null;
    this.campaign = null;
    this.items = [];
    this.sessions = null;
    this.decisions = null;
    this.seq++;
    $('nominations-filter').replaceChildren();
    for (const id of ['nominations-host', 'sessions-host', 'ballot-host', 'decision-list', 'decisions-host',
      'nominations-summary', 'session-members-list', 'session-agenda-list']) $(id).replaceChildren();
    for (const id of ['propose-form', 'session-form', 'decision-form']) $(id).reset();
    $('ballot').hidden = true;
  }

  /** Shows the page for this user and campaign; loads everything afresh. */
  async show(user, campaign) {
    // A ballot's confirmation is shown once, not on coming back to the page.
    $('ballot-host').replaceChildren();
    $('ballot').hidden = true;
    const changed = !this.campaign || this.campaign.id !== campaign.id || !this.user || this.user.id !== user.id;
    this.user = user;
    this.campaign = campaign;
    if (changed) {
      this.rules = null;
      this.unitList = null;
      $('propose-form').reset();
      $('session-form').reset();
      $('decision-form').reset();
      for (const id of ['propose-message', 'session-form-message', 'decision-message', 'council-message']) say($(id), '');
    }
    await this.load();
  }

  async load() {
    const seq = ++this.seq;
    const c = this.campaign;
    const page = $('page-awards');
    page.setAttribute('aria-busy', 'true');
    // The council and decision routes may be missing on an older server:
    // their sections then say so instead of failing the page.
    const soft = (p) => p.then((v) => ({ ok: true, v }), (e) => ({ ok: false, e }));
    const makesSessions = SESSION_MAKERS.has(this.user.role);
    const [rules, noms, sessions, decisions, people] = await Promise.all([
      this.rules ? Promise.resolve({ ok: true, v: this.rules }) : soft(aw.awardRules(c.id)),
      // A unit head asks for its unit's only (the server's list does not
      // confine a unit head's reading by itself yet).
      soft(aw.nominations(c.id, this.user.role === 'unit_head' ? this.user.unit_id : null)),
      soft(aw.sessions(c.id)),
      soft(aw.decisions(c.id)),
      makesSessions ? soft(aw.councilCandidates(c.id)) : Promise.resolve({ ok: true, v: { items: [] } }),
    ]);
    if (seq !== this.seq) return;
    page.removeAttribute('aria-busy');
    this.rules = rules.ok ? rules.v : null;
    if (!noms.ok) {
      if (noms.e.status === 401) return;
      $('nominations-summary').textContent = `Không tải được danh sách đề nghị: ${noms.e.message}`;
      this.items = [];
    } else {
      this.items = noms.v.items || [];
      await this.resolveNames(this.items);
      if (seq !== this.seq) return;
    }
    this.sessions = sessions.ok ? (sessions.v.items || []) : null;
    this.sessionsError = sessions.ok ? null : sessions.e;
    this.decisions = decisions.ok ? (decisions.v.items || []) : null;
    this.people = people.ok ? (people.v.items || []) : [];
    this.render();
    this.loaded++;
    page.dataset.loaded = String(this.loaded);
  }

  awardRule(code) {
    return this.rules && this.rules.awards ? this.rules.awards[code] || null : null;
  }

  councilVote(code) {
    const r = this.awardRule(code);
    return r && r.council ? r.council.vote : null;
  }

  // ------------------------------------------------------------ names

  /** Fills subject_name / unit_name where the API did not give them. */
  async resolveNames(items) {
    const want = items.filter((n) => !n.subject_name && !this.names.has(`${n.subject_type}:${n.subject_id}`));
    await Promise.all(want.map(async (n) => {
      const key = `${n.subject_type}:${n.subject_id}`;
      try {
        if (n.subject_type === 'staff') {
          const s = await aw.staffMember(n.subject_id);
          const u = await this.unitName(s.unit_id);
          this.names.set(key, { name: s.full_name, unit: u, unitId: s.unit_id });
        } else {
          const u = await aw.unitById(n.subject_id);
          this.names.set(key, { name: u.name, unit: u.name, unitId: u.id });
        }
      } catch {
        this.names.set(key, { name: `${n.subject_type === 'unit' ? 'Đơn vị' : 'Cán bộ'} #${n.subject_id}`, unit: null });
      }
    }));
    for (const n of items) {
      const k = this.names.get(`${n.subject_type}:${n.subject_id}`);
      if (!n.subject_name && k) n.subject_name = k.name;
      if (!n.unit_name && k) n.unit_name = k.unit;
      if (!n.unit_id && k) n.unit_id = k.unitId;
    }
  }

  async unitName(id) {
    const key = `unit:${id}`;
    if (this.names.has(key)) return this.names.get(key).name;
    try {
      const u = await aw.unitById(id);
      this.names.set(key, { name: u.name, unit: u.name, unitId: u.id });
      return u.name;
    } catch {
      return null;
    }
  }

  // ----------------------------------------------------------- render

  render() {
    const role = this.user.role;
    this.renderNominations();
    $('propose-box').hidden = !PROPOSERS.has(role) || !this.rules;
    if (!$('propose-box').hidden) this.fillProposeForm();
    this.renderCouncil();
    this.renderBallot();
    $('decision').hidden = !DECIDERS.has(role);
    if (!$('decision').hidden) this.renderDecision();
  }

  nominationLine(n) {
    return `${n.subject_name || ''} — ${awardLabel(n.award)}`;
  }

  renderNominations() {
    const items = this.items;
    const open = items.filter((n) => n.state !== 'withdrawn');
    const eligible = open.filter((n) => n.eligibility && n.eligibility.eligible).length;
    $('nominations-summary').replaceChildren(...(items.length
      ? [h('strong', { text: formatInteger(open.length) }), ' đề nghị — ',
        h('span', { class: 'sum sum-met' }, [h('span', { 'aria-hidden': 'true', text: '✓ ' }), 'Đủ điều kiện: ', h('strong', { text: formatInteger(eligible) })]),
        ' · ',
        h('span', { class: 'sum sum-missed' }, [h('span', { 'aria-hidden': 'true', text: '✗ ' }), 'Chưa đủ điều kiện: ', h('strong', { text: formatInteger(open.length - eligible) })])]
      : [this.rules ? 'Chưa có đề nghị khen thưởng nào.' : 'Phong trào này chưa có bộ quy tắc khen thưởng: chưa nhận đề nghị.']));
    // Narrowing by state is only a view of what the API gave.
    const filter = $('nominations-filter');
    const wanted = filter.value;
    const states = [...new Set(items.map((n) => n.state))];
    filter.replaceChildren(h('option', { value: '', text: `Tất cả (${formatInteger(items.length)})` }),
      ...states.map((st) => h('option', {
        value: st, text: `${nominationStateLabel(st)} (${formatInteger(items.filter((n) => n.state === st).length)})`,
      })));
    filter.value = states.includes(wanted) ? wanted : '';
    $('nominations-filter-field').hidden = states.length < 2;
    const shown = filter.value ? items.filter((n) => n.state === filter.value) : items;
    const list = h('ol', { class: 'nominations', id: 'nominations-list' }, shown.map((n) => h('li', {
      class: `nomination state-${n.state}`, 'data-nomination': n.id, 'data-state': n.state, 'data-award': n.award,
    }, [
      h('article', { 'aria-labelledby': `nom-${n.id}` }, [
        h('div', { class: 'nom-head' }, [
          h('h3', { id: `nom-${n.id}`, class: 'nom-title' }, [
            h('span', { 'data-role': 'subject', text: n.subject_name || '' }),
          ]),
          h('span', { class: 'state-badge', 'data-role': 'state', text: nominationStateLabel(n.state) }),
        ]),
        h('p', { class: 'nom-meta' }, [
          h('span', { 'data-role': 'award', class: 'nom-award', text: awardLabel(n.award) }),
          n.unit_name && n.subject_type === 'staff' ? ` · ${n.unit_name}` : '',
          n.subject_type === 'unit' ? ' · Tập thể' : ' · Cá nhân',
        ]),
        n.reason ? h('p', { class: 'nom-reason', text: n.reason }) : null,
        eligibilityBox(n),
        n.decision ? h('p', { class: 'nom-decision', text: `Quyết định số ${n.decision.decision_no}, ngày ${formatDate(n.decision.decided_on)}` }) : null,
      ]),
    ])));
    $('nominations-host').replaceChildren(items.length ? list : '');
  }

  // ---------------------------------------------------------- propose

  async fillProposeForm() {
    const select = $('propose-unit');
    if (this.user.role === 'unit_head') {
      const name = (await this.unitName(this.user.unit_id)) || `Đơn vị #${this.user.unit_id}`;
      select.replaceChildren(h('option', { value: this.user.unit_id, text: name }));
      select.disabled = true;
    } else if (!this.unitList) {
      try {
        const out = await aw.units();
        const collator = new Intl.Collator('vi', { sensitivity: 'base', numeric: true });
        this.unitList = (out.items || []).filter((u) => !u.dissolved_on && u.agency_id === this.campaign.agency_id)
          .sort((a, b) => (a.kind === 'agency' ? -1 : b.kind === 'agency' ? 1 : collator.compare(a.name, b.name)));
      } catch (e) {
        say($('propose-message'), `Không tải được danh sách đơn vị: ${e.message}`);
        return;
      }
      const keep = select.value;
      select.replaceChildren(h('option', { value: '', text: '— Chọn đơn vị —' }),
        ...this.unitList.map((u) => h('option', { value: u.id, text: u.name })));
      if (keep) select.value = keep;
      select.disabled = false;
    }
    this.fillProposeChoices();
  }

  subjectType() {
    const r = document.querySelector('#propose-form input[name="subject_type"]:checked');
    return r ? r.value : 'staff';
  }

  fillProposeChoices() {
    const type = this.subjectType();
    $('propose-staff-field').hidden = type !== 'staff';
    const award = $('propose-award');
    const keep = award.value;
    const awards = Object.entries((this.rules && this.rules.awards) || {})
      .filter(([, r]) => r.subject === type || r.subject === 'staff_or_unit');
    award.replaceChildren(h('option', { value: '', text: '— Chọn hình thức —' }),
      ...awards.map(([code]) => h('option', { value: code, text: awardLabel(code) })));
    if (awards.some(([code]) => code === keep)) award.value = keep;
    if (type === 'staff') this.fillStaff();
  }

  async fillStaff() {
    const staff = $('propose-staff');
    const unitId = $('propose-unit').value;
    if (!unitId) {
      staff.replaceChildren(h('option', { value: '', text: '— Chọn đơn vị trước —' }));
      return;
    }
    if (staff.dataset.unit === String(unitId)) return;
    staff.dataset.unit = String(unitId);
    staff.replaceChildren(h('option', { value: '', text: 'Đang tải…' }));
    try {
      const out = await aw.staffOf(unitId);
      const people = (out.items || []).filter((s) => !s.left_on);
      staff.replaceChildren(h('option', { value: '', text: '— Chọn cán bộ —' }),
        ...people.map((s) => h('option', { value: s.id, text: `${s.full_name} (${s.code})` })));
    } catch (e) {
      delete staff.dataset.unit;
      staff.replaceChildren(h('option', { value: '', text: '— Không tải được —' }));
      say($('propose-message'), `Không tải được danh sách cán bộ: ${e.message}`);
    }
  }

  async onPropose() {
    const msg = $('propose-message');
    const type = this.subjectType();
    const subject = type === 'staff' ? $('propose-staff').value : $('propose-unit').value;
    const award = $('propose-award').value;
    const reason = $('propose-reason').value.trim();
    if (!subject || !award) {
      say(msg, type === 'staff' && !subject ? 'Vui lòng chọn cán bộ được đề nghị.'
        : !subject ? 'Vui lòng chọn đơn vị được đề nghị.' : 'Vui lòng chọn hình thức khen thưởng.');
      (!subject ? (type === 'staff' ? $('propose-staff') : $('propose-unit')) : $('propose-award')).focus();
      return;
    }
    const button = $('propose-submit');
    button.disabled = true;
    try {
      const n = await aw.propose(this.campaign.id, {
        subject_type: type, subject_id: Number(subject), award, reason: reason || null,
      });
      $('propose-reason').value = '';
      await this.load();
      const shown = this.items.find((x) => x.id === n.id) || n;
      const ok = n.eligibility && n.eligibility.eligible;
      say(msg, `Đã gửi đề nghị: ${this.nominationLine(shown)}. ${ok ? 'Đủ điều kiện tại hôm nay.' : 'Chưa đủ điều kiện tại hôm nay: xem lý do trong danh sách.'}`, 'info');
    } catch (e) {
      if (e.status === 401) return;
      const labels = { subject_id: 'Đối tượng', award: 'Hình thức khen thưởng', reason: 'Lý do', subject_type: 'Đối tượng' };
      say(msg, `Không gửi được đề nghị: ${e.message}`, 'error', problemErrors(e, (f) => labels[f]));
    } finally {
      button.disabled = false;
    }
  }

  // ---------------------------------------------------------- council

  renderCouncil() {
    const role = this.user.role;
    if (this.sessions === null) {
      const e = this.sessionsError;
      $('sessions-host').replaceChildren(h('p', { class: 'muted', text: e && e.status === 404
        ? 'Chức năng phiên họp Hội đồng chưa có trên máy chủ này.'
        : `Không tải được các phiên họp: ${e ? e.message : ''}` }));
      $('session-create-box').hidden = true;
      return;
    }
    $('session-create-box').hidden = !SESSION_MAKERS.has(role);
    if (!$('session-create-box').hidden) {
      const candidates = this.items.filter((n) => n.state === 'proposed' && this.councilVote(n.award) !== 'none');
      fillSessionForm(this.people, candidates, (n) => this.agendaLabel(n));
    }
    renderSessions($('sessions-host'), this.sessions, {
      user: this.user,
      nominations: this.items,
      onChange: (text) => this.afterCouncil(text),
      onError: (text, errors) => say($('council-message'), text, 'error', errors),
    });
  }

  agendaLabel(n) {
    const e = n.eligibility;
    return [
      h('span', { text: `${n.subject_name} — ${awardLabel(n.award)}` }),
      n.unit_name && n.subject_type === 'staff' ? h('span', { class: 'muted', text: ` (${n.unit_name})` }) : null,
      h('span', { class: 'muted', text: ` · ${voteKindLabel(this.councilVote(n.award))}` }),
      e ? h('span', { class: e.eligible ? 'inline-met' : 'inline-missed' }, [
        ' ', h('span', { 'aria-hidden': 'true', text: e.eligible ? '✓' : '✗' }), e.eligible ? ' đủ điều kiện' : ' chưa đủ điều kiện',
      ]) : null,
    ];
  }

  async afterCouncil(text) {
    await this.load();
    if (text) say($('council-message'), text, 'info');
  }

  async onCreateSession() {
    const msg = $('session-form-message');
    const read = readSessionForm();
    if (read.error) {
      say(msg, read.error);
      if (read.focus) read.focus.focus();
      return;
    }
    const button = $('session-submit');
    button.disabled = true;
    try {
      const s = await aw.createSession(this.campaign.id, read.body);
      $('session-form').reset();
      say(msg, '');
      $('session-create-box').open = false;
      await this.afterCouncil(`Đã tạo phiên họp ngày ${formatDate(s.held_on)} với ${formatInteger((s.agenda || []).length)} nội dung xét.`);
    } catch (e) {
      if (e.status === 401) return;
      const byId = new Map(this.items.map((n) => [n.id, n]));
      const label = (f) => {
        let m = /^agenda\[(\d+)\]/.exec(f);
        if (m) {
          const n = byId.get(read.body.agenda[Number(m[1])]);
          return n ? `Nội dung xét “${this.nominationLine(n)}”` : 'Nội dung xét';
        }
        m = /^members\[(\d+)\]/.exec(f);
        if (m) return `Thành viên mã ${read.body.members[Number(m[1])]}`;
        return { held_on: 'Ngày họp', members: 'Thành viên', agenda: 'Nội dung xét' }[f] || null;
      };
      say(msg, `Không tạo được phiên họp: ${e.message}`, 'error', problemErrors(e, label));
    } finally {
      button.disabled = false;
    }
  }

  // ----------------------------------------------------------- ballot

  renderBallot() {
    const me = this.user.id;
    const pending = (this.sessions || []).filter((x) => x.state === 'open'
      && (x.present || []).includes(me) && !(x.voted || []).includes(me))
      .sort((a, b) => (a.held_on < b.held_on ? -1 : a.held_on > b.held_on ? 1 : a.id - b.id));
    $('ballot').hidden = !renderBallots($('ballot-host'), pending, { onDone: () => this.load() });
  }

  // --------------------------------------------------------- decision

  renderDecision() {
    const candidates = this.items.filter((n) => n.state === 'recommended'
      || (n.state === 'proposed' && this.councilVote(n.award) === 'none'));
    const host = $('decision-list');
    const checked = new Set([...host.querySelectorAll('input:checked')].map((i) => Number(i.value)));
    host.replaceChildren(candidates.length
      ? h('ul', { class: 'check-list' }, candidates.map((n) => h('li', {}, [
        h('label', { class: 'check' }, [
          h('input', { type: 'checkbox', name: 'nomination', value: n.id, checked: checked.has(n.id) }),
          h('span', { class: 'check-text' }, this.agendaLabel(n)),
        ]),
      ])))
      : h('p', { class: 'muted', text: 'Chưa có đề nghị nào chờ quyết định.' }));
    $('decision-submit').disabled = !candidates.length;
    const decisions = this.decisions;
    $('decisions-host').replaceChildren(decisions === null
      ? h('p', { class: 'muted', text: 'Chức năng quyết định khen thưởng chưa có trên máy chủ này.' })
      : decisions.length
        ? h('ul', { class: 'decisions', id: 'decisions-list' }, decisions.map((d) => h('li', { 'data-decision': d.id }, [
          h('strong', { text: `Quyết định số ${d.decision_no}` }), `, ngày ${formatDate(d.decided_on)}: `,
          (d.nominations || []).map((n) => `${n.subject_name || ''} (${awardLabel(n.award)})`).join('; '),
        ])))
        : h('p', { class: 'muted', text: 'Chưa có quyết định khen thưởng nào.' }));
  }

  async onDecide() {
    const msg = $('decision-message');
    const ids = [...document.querySelectorAll('#decision-list input:checked')].map((i) => Number(i.value));
    const no = $('decision-no').value.trim();
    const on = parseDate($('decision-on').value);
    if (!ids.length) {
      say(msg, 'Vui lòng chọn ít nhất một đề nghị.');
      const first = document.querySelector('#decision-list input');
      if (first) first.focus();
      return;
    }
    if (!no) {
      say(msg, 'Vui lòng nhập số quyết định.');
      $('decision-no').focus();
      return;
    }
    if (!on) {
      say(msg, 'Ngày quyết định không hợp lệ; vui lòng nhập theo dạng ngày/tháng/năm.');
      $('decision-on').focus();
      return;
    }
    const button = $('decision-submit');
    button.disabled = true;
    try {
      const d = await aw.decide(this.campaign.id, { decision_no: no, decided_on: on, nomination_ids: ids });
      $('decision-form').reset();
      await this.load();
      say(msg, `Đã ban hành Quyết định số ${d.decision_no}, ngày ${formatDate(d.decided_on)}: ${formatInteger((d.nominations || ids).length)} khen thưởng.`, 'info');
    } catch (e) {
      if (e.status === 401) return;
      const byId = new Map(this.items.map((n) => [n.id, n]));
      const label = (f) => {
        const m = /^nomination_ids\[(\d+)\]/.exec(f);
        if (m) {
          const n = byId.get(ids[Number(m[1])]);
          return n ? `“${this.nominationLine(n)}”` : 'Đề nghị';
        }
        return { decision_no: 'Số quyết định', decided_on: 'Ngày quyết định', nomination_ids: 'Đề nghị' }[f] || null;
      };
      say(msg, `Không ban hành được quyết định: ${e.message}`, 'error', problemErrors(e, label));
    } finally {
      button.disabled = false;
    }
  }
}
