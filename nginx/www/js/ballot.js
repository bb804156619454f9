// ballot.js — a council member's one ballot for each open session: every
// agenda item on one screen, each a fieldset of three choices (Đồng ý /
// Không đồng ý / Không biểu quyết), one submit. After the server has
// recorded it, the form is reset and removed and only a confirmation is
// left: the choices are not shown back, kept in a variable, or left in
// the DOM where someone at the same screen could read them.
import * as aw from './awards-api.js';
import { h } from './dom.js';
import { formatDate, formatInteger } from './format.js';
import { VOTE_CHOICES, awardLabel, voteKindLabel, voteLabel } from './criteria.js';

function item(a, i, sessionId) {
  const name = `vote-${sessionId}-${a.nomination_id}`;
  const legendId = `${name}-legend`;
  return h('fieldset', { class: 'ballot-item', 'data-nomination': a.nomination_id }, [
    h('legend', { id: legendId }, [
      `${i + 1}. `, h('span', { class: 'ballot-subject', text: a.subject_name || `#${a.nomination_id}` }),
      ` — ${awardLabel(a.award)}`,
    ]),
    h('p', { class: 'ballot-meta muted', text: [
      a.unit_name && a.subject_type === 'staff' ? a.unit_name : null,
      voteKindLabel(a.vote),
    ].filter(Boolean).join(' · ') }),
    h('div', { class: 'ballot-choices' }, VOTE_CHOICES.map((v) => h('label', { class: `ballot-choice choice-${v}` }, [
      h('input', { type: 'radio', name, value: v, required: true }), ` ${voteLabel(v)}`,
    ]))),
  ]);
}

/** One session's ballot in its own box; the box keeps only a confirmation once recorded. */
function ballotBox(s, { onDone }) {
  const items = [...(s.agenda_items || [])].sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
  const box = h('div', { class: 'ballot-box', 'data-session': s.id });
  const msg = h('p', { class: 'form-message', role: 'alert', hidden: true });
  const button = h('button', { type: 'submit', class: 'btn btn-primary', 'data-action': 'ballot-submit', text: 'Gửi phiếu biểu quyết' });
  const titleId = `ballot-${s.id}-title`;
  const form = h('form', { class: 'ballot', 'data-session': s.id, 'aria-labelledby': titleId, novalidate: true }, [
    h('h3', { id: titleId, class: 'ballot-title', text: `Phiên họp ngày ${formatDate(s.held_on)}` }),
    h('p', { class: 'ballot-intro' }, [
      `${formatInteger(items.length)} nội dung. `,
      'Chọn một ý kiến cho mỗi nội dung rồi gửi một lần; phiếu đã gửi không sửa được.',
    ]),
    ...items.map((a, i) => item(a, i, s.id)),
    msg,
    h('div', { class: 'form-actions' }, button),
  ]);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const missing = [];
    const votes = items.map((a) => {
      const c = form.querySelector(`input[name="vote-${s.id}-${a.nomination_id}"]:checked`);
      if (!c) missing.push(a);
      return { nomination_id: a.nomination_id, vote: c ? c.value : null };
    });
    if (missing.length) {
      msg.className = 'form-message form-message-error';
      msg.textContent = `Còn ${formatInteger(missing.length)} nội dung chưa chọn ý kiến: ${missing.map((a) => a.subject_name).join(', ')}.`;
      msg.hidden = false;
      const first = form.querySelector(`input[name="vote-${s.id}-${missing[0].nomination_id}"]`);
      if (first) first.focus();
      return;
    }
    button.disabled = true;
    let text = '';
    try {
      await aw.castBallot(s.id, votes);
    } catch (e) {
      if (e.status === 401) return;
      // A second ballot (409) means one is already recorded: nothing to keep either.
      if (e.status !== 409) {
        msg.className = 'form-message form-message-error';
        msg.textContent = `Chưa gửi được phiếu: ${e.message}`;
        msg.hidden = false;
        button.disabled = false;
        return;
      }
      text = e.message;
    } finally {
      votes.length = 0;
    }
    form.reset();
    form.remove();
    const done = h('div', { class: 'ballot-done', 'data-role': 'ballot-done', tabindex: '-1' }, [
      h('p', { class: 'form-message form-message-info' }, [
        h('strong', { text: text ? 'Phiếu không được ghi thêm. ' : 'Phiếu biểu quyết đã được ghi nhận. ' }),
        text || `Cảm ơn ông/bà đã biểu quyết tại phiên họp ngày ${formatDate(s.held_on)}. Hệ thống không hiển thị lại các lựa chọn.`,
      ]),
    ]);
    box.replaceChildren(done);
    done.focus();
    onDone();
  });
  box.append(form);
  return box;
}

/**
 * The ballots of `sessions` (open, the user present and not yet voted) in
 * host: a form already there is kept as it is (choices being made are not
 * lost when the page reloads after another ballot), and so is a
 * confirmation; a form whose session is no longer pending goes.
 */
export function renderBallots(host, sessions, { onDone }) {
  const pending = new Set(sessions.map((s) => String(s.id)));
  const kept = new Map();
  for (const box of host.querySelectorAll(':scope > .ballot-box')) {
    const done = !!box.querySelector('[data-role="ballot-done"]');
    if (done || pending.has(box.dataset.session)) kept.set(box.dataset.session, box);
  }
  const boxes = [...kept.entries()].filter(([, box]) => box.querySelector('[data-role="ballot-done"]')).map(([, box]) => box);
  for (const s of sessions) {
    const old = kept.get(String(s.id));
    boxes.push(old && old.querySelector('form') ? old : ballotBox(s, { onDone }));
  }
  host.replaceChildren(...boxes);
  return boxes.length > 0;
}
