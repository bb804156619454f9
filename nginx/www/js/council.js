// council.js — the council's sessions on the "Khen thưởng" page: each
// session with its members (present, voted: the turnout, never a vote),
// its agenda, and what the user may do in its state: the office opens a
// planned session with the members present, the office or the director
// closes an open one; a closed one shows its result (the minutes JSON)
// and opens the printable Biên bản in a new window. Also the office's
// form to create a session.
import * as aw from './awards-api.js';
import { h, srOnly } from './dom.js';
import { formatDate, formatInteger, parseDate } from './format.js';
import { awardLabel, nominationStateLabel, sessionStateLabel, thresholdText, voteKindLabel, voteLabel } from './criteria.js';

const $ = (id) => document.getElementById(id);
const OPENERS = new Set(['office', 'director', 'admin']);

export const memberName = (m) => (m ? m.full_name || m.username || `#${m.id}` : '');

// ------------------------------------------------------------ the form

/**
 * The create form's choices: the people who may sit on the council (the
 * campaign's council-candidates: council and director users of the
 * agency) and the nominations waiting for a session.
 */
export function fillSessionForm(people, candidates, label) {
  const mHost = $('session-members-list');
  const checkedM = new Set([...mHost.querySelectorAll('input:checked')].map((i) => Number(i.value)));
  mHost.replaceChildren(people.length
    ? h('ul', { class: 'check-list' }, people.map((m) => h('li', {}, h('label', { class: 'check' }, [
      h('input', { type: 'checkbox', name: 'member', value: m.id, checked: checkedM.has(m.id) }),
      h('span', { class: 'check-text' }, [memberName(m), m.role === 'director' ? h('span', { class: 'muted', text: ' (Ban Giám đốc)' }) : null]),
    ]))))
    : h('p', { class: 'muted', text: 'Cơ quan chưa có tài khoản nào có vai trò Hội đồng (council) hoặc Ban Giám đốc (director).' }));
  const aHost = $('session-agenda-list');
  const checkedA = new Set([...aHost.querySelectorAll('input:checked')].map((i) => Number(i.value)));
  aHost.replaceChildren(candidates.length
    ? h('ul', { class: 'check-list' }, candidates.map((n) => h('li', {}, h('label', { class: 'check' }, [
      h('input', { type: 'checkbox', name: 'agenda', value: n.id, checked: checkedA.has(n.id) }),
      h('span', { class: 'check-text' }, label(n)),
    ]))))
    : h('p', { class: 'muted', text: 'Không có đề nghị nào đang chờ Hội đồng xét.' }));
}

/** {body} or {error, focus} from the create form. */
export function readSessionForm() {
  const heldOn = parseDate($('session-held-on').value);
  if (!heldOn) return { error: 'Ngày họp không hợp lệ; vui lòng nhập theo dạng ngày/tháng/năm.', focus: $('session-held-on') };
  const members = [...document.querySelectorAll('#session-members-list input:checked')].map((i) => Number(i.value));
  if (!members.length) {
    return { error: 'Vui lòng chọn ít nhất một thành viên Hội đồng.', focus: document.querySelector('#session-members-list input') || $('session-held-on') };
  }
  const agenda = [...document.querySelectorAll('#session-agenda-list input:checked')].map((i) => Number(i.value));
  if (!agenda.length) {
    return { error: 'Vui lòng chọn ít nhất một nội dung xét.', focus: document.querySelector('#session-agenda-list input') };
  }
  return { body: { held_on: heldOn, members, agenda } };
}

// -------------------------------------------------------- the sessions

function turnout(s) {
  const present = (s.present || []).length;
  const voted = (s.voted || []).length;
  const members = (s.members || []).length;
  if (s.state === 'planned') {
    return `${formatInteger(members)} thành viên; cần ít nhất ${formatInteger(s.quorum ? s.quorum.required : 0)} thành viên có mặt để khai mạc.`;
  }
  return `Có mặt ${formatInteger(present)}/${formatInteger(members)} thành viên · Đã bỏ phiếu ${formatInteger(voted)}/${formatInteger(present)}.`;
}

function memberRow(s, m) {
  const bits = [];
  if (s.state !== 'planned') {
    bits.push(m.present ? 'có mặt' : 'vắng mặt');
    if (m.present) bits.push(m.voted ? 'đã bỏ phiếu' : 'chưa bỏ phiếu');
  }
  return h('li', { 'data-member': m.id, 'data-voted': String(!!m.voted), 'data-present': String(!!m.present) }, [
    m.voted ? h('span', { class: 'tick tick-met', 'aria-hidden': 'true', text: '✓' }) : h('span', { class: 'tick tick-none', 'aria-hidden': 'true', text: '·' }),
    ` ${memberName(m)}`,
    m.role === 'director' ? h('span', { class: 'muted', text: ' (Ban Giám đốc)' }) : null,
    bits.length ? h('span', { class: 'muted', text: ` — ${bits.join(', ')}` }) : null,
  ]);
}

function agendaList(s) {
  return h('ol', { class: 'agenda' }, (s.agenda_items || []).map((a) => h('li', { 'data-nomination': a.nomination_id }, [
    h('strong', { text: a.subject_name || `#${a.nomination_id}` }),
    ` — ${awardLabel(a.award)}`,
    a.unit_name && a.subject_type === 'staff' ? h('span', { class: 'muted', text: ` (${a.unit_name})` }) : null,
    h('span', { class: 'muted', text: ` · ${voteKindLabel(a.vote)}` }),
    s.state === 'closed' && a.state ? h('span', { class: 'muted', text: ` · ${nominationStateLabel(a.state)}` }) : null,
  ])));
}

function openForm(s, ctx) {
  const id = `open-${s.id}`;
  const boxes = (s.member_list || []).map((m) => h('li', {}, h('label', { class: 'check' }, [
    h('input', { type: 'checkbox', name: 'present', value: m.id, checked: true }), h('span', { class: 'check-text', text: memberName(m) }),
  ])));
  const msg = h('p', { class: 'form-message', role: 'alert', hidden: true });
  const button = h('button', { type: 'submit', class: 'btn btn-primary', 'data-action': 'open', text: 'Khai mạc phiên họp' });
  const form = h('form', { class: 'stack-form session-action', id, novalidate: true }, [
    h('fieldset', { class: 'choices choices-list' }, [
      h('legend', { text: 'Thành viên có mặt' }),
      h('ul', { class: 'check-list' }, boxes),
    ]),
    msg,
    h('div', { class: 'form-actions' }, button),
  ]);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const present = [...form.querySelectorAll('input:checked')].map((i) => Number(i.value));
    const need = s.quorum ? s.quorum.required : 1;
    if (present.length < need) {
      msg.className = 'form-message form-message-error';
      msg.textContent = `Chưa đủ số thành viên có mặt: cần ít nhất ${formatInteger(need)}, mới có ${formatInteger(present.length)}.`;
      msg.hidden = false;
      return;
    }
    button.disabled = true;
    try {
      await aw.openSession(s.id, present);
      await ctx.onChange(`Đã khai mạc phiên họp ngày ${formatDate(s.held_on)}: ${formatInteger(present.length)} thành viên có mặt.`);
    } catch (e) {
      if (e.status === 401) return;
      msg.className = 'form-message form-message-error';
      msg.textContent = `Không khai mạc được phiên họp: ${e.message}`;
      msg.hidden = false;
      button.disabled = false;
    }
  });
  return form;
}

function closeControl(s, ctx) {
  const box = h('div', { class: 'session-action' });
  const msg = h('p', { class: 'form-message', role: 'alert', hidden: true });
  const ask = () => {
    const yes = h('button', { type: 'button', class: 'btn btn-primary', 'data-action': 'close-confirm', text: 'Kết thúc và kiểm phiếu' });
    const no = h('button', { type: 'button', class: 'btn btn-quiet', text: 'Hủy' });
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      try {
        await aw.closeSession(s.id);
        await ctx.onChange(`Đã kết thúc phiên họp ngày ${formatDate(s.held_on)} và kiểm phiếu.`);
      } catch (e) {
        if (e.status === 401) return;
        msg.className = 'form-message form-message-error';
        msg.textContent = `Không kết thúc được phiên họp: ${e.message}`;
        msg.hidden = false;
        yes.disabled = false;
      }
    });
    no.addEventListener('click', () => {
      box.replaceChildren(first(), msg);
      box.querySelector('button').focus();
    });
    const notVoted = (s.present || []).length - (s.voted || []).length;
    box.replaceChildren(
      h('p', { class: 'confirm-text', text: notVoted > 0
        ? `Còn ${formatInteger(notVoted)} thành viên có mặt chưa bỏ phiếu (sẽ được tính là chưa bỏ phiếu). Kết thúc phiên họp?`
        : 'Mọi thành viên có mặt đã bỏ phiếu. Kết thúc phiên họp?' }),
      h('div', { class: 'form-actions' }, [yes, ' ', no]), msg,
    );
    yes.focus();
  };
  const first = () => h('button', { type: 'button', class: 'btn', 'data-action': 'close', text: 'Kết thúc phiên họp…', onclick: ask });
  box.append(first(), msg);
  return box;
}

// ------------------------------------------------------------- results

function resultsTable(m) {
  const rows = (m.results || []).map((r) => h('tr', { 'data-nomination': r.nomination_id, 'data-passed': String(!!r.passed) }, [
    h('th', { scope: 'row' }, [
      h('span', { class: 'cell-main', text: r.subject_name || `#${r.nomination_id}` }),
      h('span', { class: 'cell-sub', text: `${awardLabel(r.award)} · ${voteKindLabel(r.vote)}` }),
    ]),
    h('td', { class: 'numcol', 'data-col': 'for', text: formatInteger(r.for) }),
    h('td', { class: 'numcol', 'data-col': 'against', text: formatInteger(r.against) }),
    h('td', { class: 'numcol', 'data-col': 'abstain', text: formatInteger(r.abstain) }),
    h('td', { class: 'numcol', 'data-col': 'not_voted', text: formatInteger(r.not_voted) }),
    h('td', { 'data-col': 'threshold', text: thresholdText(r.threshold) }),
    h('td', { 'data-col': 'passed', class: r.passed ? 'passed' : 'weak' }, [
      h('span', { class: 'tick', 'aria-hidden': 'true', text: r.passed ? '✓ ' : '✗ ' }),
      r.passed ? 'Đề nghị khen thưởng' : 'Không đề nghị',
    ]),
  ]));
  const open = (m.results || []).filter((r) => r.vote === 'open' && (r.open_votes || []).length);
  const names = new Map(((m.session && m.session.member_list) || []).map((x) => [x.id, x]));
  return [
    h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Kết quả biểu quyết (cuộn ngang được)' }, h('table', { class: 'results' }, [
      h('caption', { class: 'sr-only', text: 'Kết quả biểu quyết từng nội dung' }),
      h('thead', {}, h('tr', {}, [
        ['Nội dung', null], ['Đồng ý', 'numcol'], ['Không đồng ý', 'numcol'], ['Không biểu quyết', 'numcol'],
        ['Chưa bỏ phiếu', 'numcol'], ['Ngưỡng thông qua', null], ['Kết quả', null],
      ].map(([t, c]) => h('th', { scope: 'col', class: c, text: t })))),
      h('tbody', {}, rows),
    ])),
    open.length ? h('details', { class: 'open-votes' }, [
      h('summary', { text: 'Biểu quyết công khai: ý kiến từng thành viên' }),
      ...open.map((r) => h('p', {}, [
        h('strong', { text: `${r.subject_name || ''} — ${awardLabel(r.award)}: ` }),
        r.open_votes.map((v) => `${memberName(names.get(v.user_id)) || v.username}: ${voteLabel(v.vote)}`).join('; '),
      ])),
    ]) : null,
  ];
}

function resultsBox(s) {
  const host = h('div', { class: 'results-host', 'data-role': 'results' }, h('p', { class: 'muted', text: 'Đang tải kết quả…' }));
  // The printable record is the API's own text/html answer: a browser's
  // navigation asks for text/html and sends the session cookie, and the
  // document takes its look from /css/document.css (the policy refuses
  // inline styles).
  const link = h('a', {
    class: 'btn', 'data-action': 'minutes', target: '_blank', rel: 'noopener',
    href: `/api/v1/council-sessions/${encodeURIComponent(s.id)}/minutes`, text: 'Xem Biên bản (bản in)',
  });
  aw.minutes(s.id).then((m) => {
    host.replaceChildren(...resultsTable(m));
    host.dataset.loaded = 'true';
  }, (e) => {
    host.replaceChildren(h('p', { class: 'form-message form-message-error', text: `Không tải được kết quả: ${e.message}` }));
  });
  return h('div', { class: 'session-results' }, [
    h('h4', { text: 'Kết quả biểu quyết' }), host, h('div', { class: 'form-actions' }, link),
  ]);
}

/** Draws every session of the campaign, newest first. */
export function renderSessions(host, sessions, ctx) {
  if (!sessions.length) {
    host.replaceChildren(h('p', { class: 'muted', text: 'Chưa có phiên họp nào.' }));
    return;
  }
  const role = ctx.user.role;
  const sorted = [...sessions].sort((a, b) => (a.held_on < b.held_on ? 1 : a.held_on > b.held_on ? -1 : b.id - a.id));
  host.replaceChildren(h('ol', { class: 'sessions', id: 'sessions-list' }, sorted.map((s) => {
    const title = `session-${s.id}-title`;
    const members = s.member_list || [];
    const voters = members.filter((m) => m.voted);
    return h('li', { class: `session-item state-${s.state}`, 'data-session': s.id, 'data-state': s.state }, [
      h('article', { 'aria-labelledby': title }, [
        h('div', { class: 'nom-head' }, [
          h('h3', { id: title, class: 'nom-title', text: `Phiên họp ngày ${formatDate(s.held_on)}` }),
          h('span', { class: `state-badge session-${s.state}`, 'data-role': 'state', text: sessionStateLabel(s.state) }),
        ]),
        h('p', { class: 'turnout', 'data-role': 'turnout', text: turnout(s) }),
        s.state !== 'planned' ? h('p', { class: 'voters', 'data-role': 'voters' }, [
          srOnly('Những thành viên đã bỏ phiếu: '),
          voters.length ? `Đã bỏ phiếu: ${voters.map(memberName).join(', ')}.` : 'Chưa thành viên nào bỏ phiếu.',
        ]) : null,
        h('details', { class: 'session-members' }, [
          h('summary', { text: `Thành viên (${formatInteger(members.length)})` }),
          h('ul', { class: 'members' }, members.map((m) => memberRow(s, m))),
        ]),
        h('h4', { text: 'Nội dung xét' }),
        agendaList(s),
        s.state === 'planned' && OPENERS.has(role) ? openForm(s, ctx) : null,
        s.state === 'open' && OPENERS.has(role) ? closeControl(s, ctx) : null,
        s.state === 'closed' ? resultsBox(s) : null,
      ]),
    ]);
  })));
}
