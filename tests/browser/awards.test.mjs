// awards.test.mjs — the "Khen thưởng" page in headless Chromium against the
// test stack: the office proposes through the form and sees each
// criterion with a ✓ or ✗ and its Vietnamese reason; a unit head sees only
// its unit's nominations; then a whole round: the office puts the
// nomination on a session's agenda and opens it with the members present,
// three members vote on the ballot screen (three logins; the confirmation
// shows no choice and no choice is left in the page), the office closes
// it and reads the result and the printable Biên bản, the director decides
// — and the LDTT card of the scorecard moves by one person.
// Loads sql/demo/*.sql when the database has no demo agency (as
// dashboard.test.mjs does) and makes its own users and facts.
// Artifacts: var/test/artifacts/awards.png, awards-phone.png.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { criterionText } from '../../nginx/www/js/criteria.js';
import { formatFraction, formatInteger, formatPercent } from '../../nginx/www/js/format.js';
import { ARTIFACTS, pageSession, psql, setUpDemo } from './session.mjs';
import { Browser, assert, assertEqual, run, test } from './webdriver.mjs';

const PASSWORD = 'browser-awards-7';
const U = {
  office: 'aw_office', head: 'aw_head', director: 'aw_director',
  c1: 'aw_council1', c2: 'aw_council2', c3: 'aw_council3',
};
// The council members' full names: the page names people by them.
const NAMES = { c1: 'Đặng Thị Thu Trang', c2: 'Lâm Quốc Bảo', c3: 'Trịnh Ngọc Ánh' };
const HEAD_UNIT = 'VP';
// The council meets, and the director decides, on days after the demo's
// ratings (24/12/2025) and inside the campaign (closes 30/06/2026).
const HELD_ON = '2025-12-29';
const DECIDED_ON = '2025-12-30';
// Unique per run, so that running the test again on the same database works.
const DECISION_NO = `${100 + (process.pid % 900)}/QĐ-SNV`;

let browser;
let campaign;
const tokens = {};
const ids = {};
let subject; // the staff member the office proposes for LDTT (eligible)
let other; // a nomination of another unit, made through the API
let nominationId;
let sessionId;
let cardBefore;

// ------------------------------------------------------------------ helpers

const { api, state, loadedCount, waitLoadedAfter, url: awardsUrl, loginAs } = pageSession({
  page: 'awards', password: PASSWORD, browser: () => browser, campaign: () => campaign, tokens,
});

async function choose(selectCss, value) {
  await browser.waitFor(`option ${value} in ${selectCss}`, () =>
    browser.exec(`return !!document.querySelector('${selectCss} option[value="${value}"]')`));
  await browser.click(await browser.find(`${selectCss} option[value="${value}"]`));
}

/** What the page shows of nomination `id`: state, eligibility and each criterion's line. */
function readNomination(id) {
  return browser.exec(`
    const li = document.querySelector('#nominations-list li[data-nomination="${id}"]');
    if (!li) return null;
    const top = li.querySelector('[data-role=eligibility] > ul.criteria');
    return {
      state: li.dataset.state, stateText: li.querySelector('[data-role=state]').textContent,
      subject: li.querySelector('[data-role=subject]').textContent,
      award: li.querySelector('[data-role=award]').textContent,
      eligible: li.querySelector('[data-role=eligibility]').dataset.eligible,
      verdict: li.querySelector('.verdict').textContent.trim(),
      criteria: top ? [...top.children].map((c) => ({
        code: c.dataset.code, met: c.dataset.met, tick: c.querySelector('.tick').textContent,
        text: c.querySelector('.crit-text').textContent,
      })) : [],
    };`, );
}

async function readLdttCard() {
  return browser.exec(`
    const li = document.querySelector('#cards li[data-code="staff_advanced"]');
    return li ? { value: li.querySelector('[data-role=value]').textContent, fraction: li.querySelector('[data-role=fraction]').textContent } : null;`);
}

const DATE = /\b\d{2}\/\d{2}\/\d{4}\b/;

// ------------------------------------------------------------------ set-up

async function before() {
  campaign = await setUpDemo({
    password: PASSWORD, tokens, ids,
    users: {
      office: [U.office, 'office'], head: [U.head, 'unit_head', '--unit', HEAD_UNIT], director: [U.director, 'director'],
      ...Object.fromEntries(['c1', 'c2', 'c3'].map((k) => [k, [U[k], 'council', '--name', NAMES[k]]])),
    },
  });
  const agencyId = String(campaign.agency_id);

  // The subject: someone of the unit head's unit, on the staff since before
  // mid-2025, with no LDTT yet (nor a title above it, which the LDTT card
  // already counts), no open hold and no open LDTT nomination;
  // rated at least HTTNV on or before the session (given a rating if not).
  const pick = (extra) => psql(`
    SELECT s.id FROM staff s JOIN units u ON u.id = s.unit_id
     WHERE u.code = :'p1' AND u.agency_id = :'p2' AND s.left_on IS NULL AND s.joined_on <= date '2025-06-30'
       AND NOT EXISTS (SELECT 1 FROM titles t WHERE t.staff_id = s.id AND t.campaign_id = :'p3'
                         AND t.title IN ('LDTT', 'CSTDCS', 'CSTD_TINH', 'CSTD_TOAN_QUOC'))
       AND NOT EXISTS (SELECT 1 FROM holds x WHERE x.staff_id = s.id AND (x.closed_on IS NULL OR x.closed_on > date '2025-12-01'))
       AND NOT EXISTS (SELECT 1 FROM nominations n WHERE n.staff_id = s.id AND n.campaign_id = :'p3' AND n.award = 'LDTT'
                         AND n.state NOT IN ('withdrawn', 'not_recommended', 'refused'))
       ${extra}
     ORDER BY s.id LIMIT 1`, HEAD_UNIT, agencyId, campaign.id);
  let id = pick(`AND (SELECT r.level FROM ratings r WHERE r.staff_id = s.id AND r.campaign_id = :'p3' AND r.decided_on <= date '${HELD_ON}'
                      ORDER BY r.decided_on DESC, r.id DESC LIMIT 1) IN ('HTTNV', 'HTXSNV')`);
  if (!id) {
    id = pick('');
    assert(id, `a member of ${HEAD_UNIT} without LDTT to propose`);
    await api(`/api/v1/campaigns/${campaign.id}/ratings`, {
      method: 'POST', as: 'director',
      body: { subject_type: 'staff', subject_id: Number(id), level: 'HTTNV', decided_on: '2025-12-26', decision_no: '96/QĐ-SNV' },
    });
  }
  subject = await api(`/api/v1/staff/${id}`);

  // A nomination of another unit, proposed through the API: someone rated
  // below HTTNV (or not rated), so that it shows a ✗ with its reason.
  const otherId = psql(`
    SELECT s.id FROM staff s JOIN units u ON u.id = s.unit_id
     WHERE u.code <> :'p1' AND u.kind <> 'agency' AND u.agency_id = :'p2' AND s.left_on IS NULL
       AND coalesce((SELECT r.level FROM ratings r WHERE r.staff_id = s.id AND r.campaign_id = :'p3'
                     ORDER BY r.decided_on DESC, r.id DESC LIMIT 1), 'none') IN ('none', 'KHTNV', 'HTNV')
       AND NOT EXISTS (SELECT 1 FROM nominations n WHERE n.staff_id = s.id AND n.campaign_id = :'p3' AND n.award = 'LDTT'
                         AND n.state NOT IN ('withdrawn', 'not_recommended', 'refused'))
     ORDER BY s.id LIMIT 1`, HEAD_UNIT, agencyId, campaign.id);
  assert(otherId, 'someone of another unit rated below HTTNV');
  other = await api(`/api/v1/campaigns/${campaign.id}/nominations`, {
    method: 'POST', body: { subject_type: 'staff', subject_id: Number(otherId), award: 'LDTT', reason: 'Đề nghị để kiểm thử' },
  });
  assertEqual(other.eligibility.eligible, false, 'the other unit\'s nomination is not eligible');

  browser = await Browser.start({ width: 1366, height: 900 });
}

async function after() {
  if (browser) await browser.quit();
}

// ------------------------------------------------------------------ tests

test('the office proposes through the form; each criterion has a ✓ and its reason in Vietnamese', async () => {
  await loginAs(U.office);
  assertEqual(await browser.exec('return document.querySelector("#nav-awards").getAttribute("aria-current")'), 'page', 'the awards tab is current');
  await browser.click(await browser.find('#propose-box > summary'));
  await browser.click(await browser.find('#propose-form input[name="subject_type"][value="staff"]'));
  await choose('#propose-unit', subject.unit_id);
  await choose('#propose-staff', subject.id);
  await choose('#propose-award', 'LDTT');
  await browser.type(await browser.find('#propose-reason'), 'Hoàn thành tốt nhiệm vụ, tích cực số hóa hồ sơ');
  const before = await loadedCount();
  await browser.click(await browser.find('#propose-submit'));
  await waitLoadedAfter(before, 'the list after proposing');
  const msg = await browser.waitFor('the confirmation', async () => {
    const el = await browser.find('#propose-message');
    return (await browser.displayed(el)) && browser.text(el);
  });
  assert(msg.startsWith('Đã gửi đề nghị'), `message: ${msg}`);

  const list = await api(`/api/v1/campaigns/${campaign.id}/nominations?limit=1000`);
  const mine = list.items.find((n) => n.subject_type === 'staff' && n.subject_id === subject.id && n.award === 'LDTT' && n.state === 'proposed');
  assert(mine, 'the API has the nomination the form sent');
  nominationId = mine.id;
  assertEqual(mine.reason, 'Hoàn thành tốt nhiệm vụ, tích cực số hóa hồ sơ', 'the reason as typed');
  const shown = await readNomination(nominationId);
  assert(shown, 'the new nomination is listed');
  assertEqual(shown.subject, subject.full_name, 'the subject by name');
  assertEqual(shown.award, 'Lao động tiên tiến', 'the award in words');
  assertEqual(shown.stateText, 'Đã đề nghị', 'the state in words');
  assertEqual(shown.eligible, 'true', 'eligible');
  assert(shown.verdict.startsWith('✓ Đủ điều kiện'), `verdict: ${shown.verdict}`);
  assertEqual(shown.criteria.length, mine.eligibility.criteria.length, 'one line per criterion');
  shown.criteria.forEach((c, i) => {
    const api_ = mine.eligibility.criteria[i];
    assertEqual(c.code, api_.code, `criterion ${i + 1} in the API's order`);
    assertEqual(c.tick, '✓', `criterion ${i + 1} ticked`);
    assertEqual(c.text, criterionText(api_, 'staff'), `criterion ${i + 1} sentence`);
  });
  const byCode = Object.fromEntries(shown.criteria.map((c) => [c.code, c.text]));
  const rating = mine.eligibility.criteria.find((c) => c.code === 'rating_at_least').evidence;
  assert(byCode.rating_at_least.startsWith('Xếp loại Hoàn thành tốt nhiệm vụ trở lên — đạt ('), byCode.rating_at_least);
  assert(byCode.rating_at_least.includes(`QĐ số ${rating.decision_no}`), `decision number: ${byCode.rating_at_least}`);
  const [y, m, d] = rating.decided_on.split('-');
  assert(byCode.rating_at_least.includes(`ngày ${d}/${m}/${y}`), `decision date dd/mm/yyyy: ${byCode.rating_at_least}`);
  const [jy, jm, jd] = subject.joined_on.split('-');
  assertEqual(byCode.tenure_months, `Công tác đủ 6 tháng — đạt (từ ngày ${jd}/${jm}/${jy})`, 'tenure');
  assert(byCode.no_hold.startsWith('Không đang bị xem xét kỷ luật') && byCode.no_hold.includes('— đạt'), byCode.no_hold);

  // The other unit's nomination: a ✗ on the rating and the reason.
  const o = await readNomination(other.id);
  assert(o, 'the office sees the other unit\'s nomination too');
  assertEqual(o.eligible, 'false', 'not eligible');
  assert(o.verdict.startsWith('✗ Chưa đủ điều kiện'), `verdict: ${o.verdict}`);
  const r = o.criteria.find((c) => c.code === 'rating_at_least');
  assertEqual(r.tick, '✗', 'the rating criterion has a ✗');
  assert(/^Xếp loại Hoàn thành tốt nhiệm vụ trở lên — chưa đạt \((chưa có quyết định xếp loại|Hoàn thành nhiệm vụ|Không hoàn thành nhiệm vụ)/.test(r.text), `reason: ${r.text}`);
  assert(r.text.includes('QĐ số') ? DATE.test(r.text) : true, `dates dd/mm/yyyy: ${r.text}`);
});

test('a second identical proposal is refused with the server\'s Vietnamese message', async () => {
  await choose('#propose-staff', subject.id);
  await choose('#propose-award', 'LDTT');
  await browser.click(await browser.find('#propose-submit'));
  const msg = await browser.waitFor('the refusal', async () => {
    const el = await browser.find('#propose-message');
    const t = (await browser.displayed(el)) && (await browser.text(el));
    return t && t.startsWith('Không gửi được đề nghị') ? t : null;
  });
  assert(msg.includes('đang mở'), `message: ${msg}`);
});

test('a unit head sees only its unit\'s nominations and proposes only for its unit', async () => {
  await loginAs(U.head);
  const theirs = await api(`/api/v1/campaigns/${campaign.id}/nominations?limit=1000&unit_id=${subject.unit_id}`, { as: 'head' });
  const shownIds = await browser.exec('return [...document.querySelectorAll("#nominations-list > li")].map((li) => Number(li.dataset.nomination))');
  assertEqual(JSON.stringify([...shownIds].sort((a, b) => a - b)), JSON.stringify(theirs.items.map((n) => n.id).sort((a, b) => a - b)), 'the page lists what the API gives the unit head');
  assert(shownIds.includes(nominationId), 'its unit\'s nomination is listed');
  assert(!shownIds.includes(other.id), 'another unit\'s nomination is not');
  const all = await api(`/api/v1/campaigns/${campaign.id}/nominations?limit=1000`);
  assert(all.items.length > theirs.items.length, 'the office sees more than the unit head');
  const unit = await browser.exec('const s = document.getElementById("propose-unit"); return { disabled: s.disabled, options: [...s.options].map((o) => o.value) };');
  assertEqual(unit.disabled, true, 'the unit is fixed');
  assertEqual(JSON.stringify(unit.options), JSON.stringify([String(subject.unit_id)]), 'only its own unit');
});

test('a unit\'s nomination shows its members\' share the Vietnamese way (n/m người, xx,x %)', async () => {
  // Proposed by the unit head through the form, for the unit itself.
  await browser.click(await browser.find('#propose-box > summary'));
  await browser.click(await browser.find('#propose-form input[name="subject_type"][value="unit"]'));
  await choose('#propose-award', 'TTLDTT');
  const before = await loadedCount();
  await browser.click(await browser.find('#propose-submit'));
  const msg = await browser.waitFor('the answer', async () => {
    const el = await browser.find('#propose-message');
    return (await browser.displayed(el)) && browser.text(el);
  });
  // The demo may already have an open TTLDTT nomination for the unit: then the refusal.
  const list = await api(`/api/v1/campaigns/${campaign.id}/nominations?limit=1000&unit_id=${subject.unit_id}`, { as: 'head' });
  const n = list.items.find((x) => x.subject_type === 'unit' && x.subject_id === subject.unit_id && x.award === 'TTLDTT'
    && !['withdrawn', 'not_recommended', 'refused'].includes(x.state));
  assert(n, `the unit has an open TTLDTT nomination (${msg})`);
  if (msg.startsWith('Đã gửi')) await waitLoadedAfter(before, 'the list after proposing');
  const shown = await readNomination(n.id);
  const share = n.eligibility.criteria.find((c) => c.code === 'members_title_share');
  const line = shown.criteria.find((c) => c.code === 'members_title_share');
  const ev = share.evidence;
  assertEqual(line.text, criterionText(share, 'unit'), 'the sentence');
  assert(line.text.includes(`(${formatFraction(ev.holding, ev.members)} người, `), `members: ${line.text}`);
  assert(/ người, (trên |từ |dưới )?\d{1,3}(,\d{1,2})? %\)$/.test(line.text), `a decimal comma and a space before %: ${line.text}`);
  assert(line.text.startsWith('Trên 50 % cán bộ của đơn vị đạt danh hiệu Lao động tiên tiến'), line.text);
  assertEqual(line.tick, share.met ? '✓' : '✗', 'its tick');
});

// ---------------------------------------------- the round (council, decision)

test('the office creates a session with the nomination on the agenda and opens it', async () => {
  await loginAs(U.office);
  // The scorecard's LDTT card before the decision (the final figures).
  await browser.click(await browser.find('#nav-scorecard'));
  await browser.waitFor('the scorecard', async () => (await state()) === 'ready' && (await readLdttCard()) !== null);
  cardBefore = await readLdttCard();
  await browser.click(await browser.find('#nav-awards'));
  await browser.waitFor('the awards page', async () => (await state()) === 'ready'
    && browser.exec('return !document.getElementById("page-awards").hidden'));

  await browser.click(await browser.find('#session-create-box > summary'));
  const [y, m, d] = HELD_ON.split('-');
  await browser.type(await browser.find('#session-held-on'), `${d}/${m}/${y}`);
  // The members are picked from the campaign's council candidates.
  for (const k of ['c1', 'c2', 'c3']) await browser.click(await browser.find(`#session-members-list input[value="${ids[k]}"]`));
  await browser.click(await browser.find(`#session-agenda-list input[value="${nominationId}"]`));
  const before = await loadedCount();
  await browser.click(await browser.find('#session-submit'));
  await waitLoadedAfter(before, 'the sessions after creating');
  const sessions = await api(`/api/v1/campaigns/${campaign.id}/council-sessions?limit=1000`);
  const s = sessions.items.find((x) => x.agenda.includes(nominationId));
  assert(s, 'the API has the session with the nomination on its agenda');
  sessionId = s.id;
  assertEqual(s.state, 'planned', 'planned');
  assertEqual(s.held_on, HELD_ON, 'held on the day typed dd/mm/yyyy');
  assertEqual(JSON.stringify([...s.members].sort((a, b) => a - b)), JSON.stringify([ids.c1, ids.c2, ids.c3].sort((a, b) => a - b)), 'members');
  const head = await browser.text(await browser.find(`#sessions-list li[data-session="${sessionId}"] h3`));
  assertEqual(head, `Phiên họp ngày ${d}/${m}/${y}`, 'the session by its date');
  assertEqual((await readNomination(nominationId)).stateText, 'Đang xét tại phiên họp', 'the nomination is in session');

  // Open it with everyone present.
  const b2 = await loadedCount();
  await browser.click(await browser.find(`#sessions-list li[data-session="${sessionId}"] button[data-action="open"]`));
  await waitLoadedAfter(b2, 'the session after opening');
  const open = await api(`/api/v1/council-sessions/${sessionId}`);
  assertEqual(open.state, 'open', 'open');
  assertEqual(open.present.length, 3, 'three present');
  const turnout = await browser.text(await browser.find(`#sessions-list li[data-session="${sessionId}"] [data-role=turnout]`));
  assertEqual(turnout, 'Có mặt 3/3 thành viên · Đã bỏ phiếu 0/3.', 'turnout before any ballot');
});

/** One member's ballot on the ballot screen; returns the page's text after. */
async function vote(who, choice, { tryEmpty = false } = {}) {
  await loginAs(who);
  const form = `#ballot form[data-session="${sessionId}"]`;
  await browser.waitFor('the ballot', () => browser.exec(`return !document.getElementById("ballot").hidden && !!document.querySelector('${form}')`));
  const legend = await browser.exec(`return [...document.querySelectorAll('${form} fieldset legend')].map((l) => l.textContent)`);
  assertEqual(legend.length, 1, 'one agenda item');
  assert(legend[0].includes(subject.full_name) && legend[0].includes('Lao động tiên tiến'), `legend: ${legend[0]}`);
  const labels = await browser.exec(`return [...document.querySelectorAll('${form} fieldset label')].map((l) => l.textContent.trim())`);
  assertEqual(JSON.stringify(labels), JSON.stringify(['Đồng ý', 'Không đồng ý', 'Không biểu quyết']), 'three labelled choices');
  if (tryEmpty) {
    await browser.click(await browser.find(`${form} button[data-action="ballot-submit"]`));
    const err = await browser.waitFor('the missing choice message', () => browser.exec(`const m = document.querySelector('${form} [role=alert]'); return m && !m.hidden && m.textContent`));
    assert(err.startsWith('Còn 1 nội dung chưa chọn ý kiến'), `message: ${err}`);
  }
  await browser.click(await browser.find(`${form} input[value="${choice}"]`));
  const before = await loadedCount();
  await browser.click(await browser.find(`${form} button[data-action="ballot-submit"]`));
  const box = `#ballot .ballot-box[data-session="${sessionId}"]`;
  await browser.waitFor('the confirmation', () => browser.exec(`return !!document.querySelector('${box} [data-role=ballot-done]')`));
  await waitLoadedAfter(before, 'the page after the ballot');
  const after = await browser.exec(`
    const b = document.querySelector('${box}');
    return { text: b.textContent, inputs: document.querySelectorAll('input[name^="vote-${sessionId}-"]').length,
             form: !!document.querySelector('${form}'), turnout: document.querySelector('#sessions-list li[data-session="${sessionId}"] [data-role=turnout]').textContent,
             voters: document.querySelector('#sessions-list li[data-session="${sessionId}"] [data-role=voters]').textContent };`);
  assert(after.text.includes('Phiếu biểu quyết đã được ghi nhận'), `confirmation: ${after.text}`);
  for (const word of ['Đồng ý', 'Không đồng ý', 'Không biểu quyết', 'đồng ý']) {
    assert(!after.text.includes(word), `the confirmation does not say the choice (“${word}” in ${after.text})`);
  }
  assertEqual(after.form, false, 'the ballot form is gone');
  assertEqual(after.inputs, 0, 'no choice is left in the page');
  return after;
}

test('three members vote on the ballot screen; the confirmation shows no choice; the turnout shows who voted', async () => {
  let after = await vote(U.c1, 'for', { tryEmpty: true });
  assertEqual(after.turnout, 'Có mặt 3/3 thành viên · Đã bỏ phiếu 1/3.', 'turnout after one');
  assert(after.voters.includes(NAMES.c1), `voters: ${after.voters}`);
  assert(!after.voters.includes(NAMES.c2), `only who voted: ${after.voters}`);
  after = await vote(U.c2, 'for');
  assertEqual(after.turnout, 'Có mặt 3/3 thành viên · Đã bỏ phiếu 2/3.', 'turnout after two');
  after = await vote(U.c3, 'against');
  assertEqual(after.turnout, 'Có mặt 3/3 thành viên · Đã bỏ phiếu 3/3.', 'turnout after three');
  for (const k of ['c1', 'c2', 'c3']) assert(after.voters.includes(NAMES[k]), `${NAMES[k]} is named among the voters`);
  // Coming back to the page: no ballot to cast for this session any more.
  await browser.go(awardsUrl());
  await browser.waitFor('the page again', async () => (await state()) === 'ready' && (await loadedCount()) > 0);
  assertEqual(await browser.exec(`return !!document.querySelector('#ballot .ballot-box[data-session="${sessionId}"]')`), false, 'no ballot once voted');
});

test('the office closes the session and reads the result and the printable Biên bản', async () => {
  await loginAs(U.office);
  const item = `#sessions-list li[data-session="${sessionId}"]`;
  await browser.click(await browser.find(`${item} button[data-action="close"]`));
  const before = await loadedCount();
  await browser.click(await browser.find(`${item} button[data-action="close-confirm"]`));
  await waitLoadedAfter(before, 'the page after closing');
  await browser.waitFor('the results', () => browser.exec(`return document.querySelector('${item} [data-role=results]')?.dataset.loaded === 'true'`));
  const minutes = await api(`/api/v1/council-sessions/${sessionId}/minutes`);
  const r = minutes.results.find((x) => x.nomination_id === nominationId);
  assertEqual(r.for, 2, 'two for');
  assertEqual(r.against, 1, 'one against');
  assertEqual(r.passed, true, 'passed');
  const row = await browser.exec(`const tr = document.querySelector('${item} tr[data-nomination="${nominationId}"]');
    const t = (c) => tr.querySelector('[data-col=' + c + ']').textContent.trim();
    return { for: t('for'), against: t('against'), abstain: t('abstain'), not_voted: t('not_voted'), threshold: t('threshold'), passed: t('passed') };`);
  assertEqual(row.for, formatInteger(r.for), 'for');
  assertEqual(row.against, formatInteger(r.against), 'against');
  assertEqual(row.abstain, formatInteger(r.abstain), 'abstain');
  assertEqual(row.not_voted, formatInteger(r.not_voted), 'not voted');
  assertEqual(row.threshold, `Trên 1/2 số thành viên có mặt (3 người): cần ít nhất ${formatInteger(r.threshold.needed)} phiếu đồng ý`, 'threshold');
  assertEqual(row.passed, '✓ Đề nghị khen thưởng', 'result');
  assertEqual((await readNomination(nominationId)).stateText, 'Hội đồng đề nghị khen thưởng', 'recommended');
  // LDTT is an open vote: each member's vote by name.
  const open = await browser.exec(`return document.querySelector('${item} details.open-votes').textContent`);
  for (const [k, v] of [['c1', 'Đồng ý'], ['c2', 'Đồng ý'], ['c3', 'Không đồng ý']]) {
    assert(open.includes(`${NAMES[k]}: ${v}`), `${NAMES[k]}'s open vote: ${open}`);
  }

  // The Biên bản opens in a new window: the API's text/html answer, with
  // the cookie session, styled by /css/document.css.
  const handles = await browser.cmd('GET', '/window/handles');
  await browser.click(await browser.find(`${item} a[data-action="minutes"]`));
  const added = await browser.waitFor('a new window', async () => {
    const now = await browser.cmd('GET', '/window/handles');
    return now.length > handles.length ? now.filter((x) => !handles.includes(x)) : null;
  });
  await browser.cmd('POST', '/window', { handle: added[0] });
  const doc = await browser.waitFor('the Biên bản', async () => {
    const t = await browser.exec('return document.body ? document.body.innerText : ""');
    return /biên bản/i.test(t) ? t : null;
  });
  assert(doc.includes(subject.full_name), 'it names the nomination\'s subject');
  const font = await browser.waitFor('the document\'s stylesheet', async () => {
    const f = await browser.exec('return getComputedStyle(document.body).fontFamily');
    return /times/i.test(f) ? f : null;
  });
  assert(/times/i.test(font), `the document is set in a Times-like serif: ${font}`);
  await browser.cmd('DELETE', '/window');
  await browser.cmd('POST', '/window', { handle: handles[0] });
});

test('the director decides with a dd/mm/yyyy date and the LDTT card of the scorecard moves', async () => {
  await loginAs(U.director);
  await browser.waitFor('the decision form', () => browser.exec(`return !document.getElementById('decision').hidden && !!document.querySelector('#decision-list input[value="${nominationId}"]')`));
  await browser.click(await browser.find(`#decision-list input[value="${nominationId}"]`));
  await browser.type(await browser.find('#decision-no'), DECISION_NO);
  const [y, m, d] = DECIDED_ON.split('-');
  await browser.type(await browser.find('#decision-on'), `${d}/${m}/${y}`);
  await browser.click(await browser.find('#decision-submit'));
  const msg = await browser.waitFor('the answer to the decision', async () => {
    const el = await browser.find('#decision-message');
    return (await browser.displayed(el)) && browser.text(el);
  });
  assertEqual(msg, `Đã ban hành Quyết định số ${DECISION_NO}, ngày ${d}/${m}/${y}: 1 khen thưởng.`, 'the confirmation');
  const decisions = await api(`/api/v1/campaigns/${campaign.id}/decisions?limit=1000`);
  const dec = decisions.items.find((x) => x.decision_no === DECISION_NO);
  assert(dec, 'the API has the decision');
  assertEqual(dec.decided_on, DECIDED_ON, 'decided_on in ISO in the API');
  const listed = await browser.text(await browser.find(`#decisions-list li[data-decision="${dec.id}"]`));
  assert(listed.startsWith(`Quyết định số ${DECISION_NO}, ngày ${d}/${m}/${y}`), `listed: ${listed}`);
  assertEqual((await readNomination(nominationId)).state, 'decided', 'decided');
  // Narrowed to the decided ones.
  await choose('#nominations-filter', 'decided');
  const states = await browser.exec('return [...document.querySelectorAll("#nominations-list > li")].map((li) => li.dataset.state)');
  assert(states.length > 0 && states.every((x) => x === 'decided'), `only decided ones: ${states}`);
  await choose('#nominations-filter', '');

  // The scorecard: one more person holds LDTT.
  await browser.click(await browser.find('#nav-scorecard'));
  await browser.waitFor('the scorecard', async () => (await state()) === 'ready' && (await readLdttCard()) !== null);
  const asOf = await browser.exec('return document.getElementById("dashboard").dataset.asOf');
  const sc = await api(`/api/v1/campaigns/${campaign.id}/scorecard?as_of=${asOf}`);
  const t = sc.targets.find((x) => x.code === 'staff_advanced');
  const card = await readLdttCard();
  assertEqual(card.value, formatPercent(t.value), 'the card shows the API\'s share');
  assertEqual(card.fraction, formatFraction(t.numerator, t.denominator, 'người'), 'and its count');
  const num = (f) => Number(f.split('/')[0].replace(/\./g, ''));
  assertEqual(num(card.fraction), num(cardBefore.fraction) + 1, `one more LDTT (${cardBefore.fraction} → ${card.fraction})`);
  assert(card.value !== cardBefore.value, `the share moved (${cardBefore.value} → ${card.value})`);
  assert(/^\d{1,3}(,\d{1,2})? %$/.test(card.value), `Vietnamese percent: ${card.value}`);
});

test('the awards page fits a phone\'s width; screenshots', async () => {
  await browser.go(awardsUrl());
  await browser.waitFor('the page', async () => (await state()) === 'ready' && (await loadedCount()) > 0);
  const png = await browser.screenshotFullPage(join(ARTIFACTS, 'awards.png'));
  assert(readFileSync(png).subarray(1, 4).toString() === 'PNG', 'a PNG was written');
  await browser.cmd('POST', '/window/rect', { width: 390, height: 844 });
  await browser.waitFor('the phone layout', () => browser.exec('return window.innerWidth <= 400'));
  const overflow = await browser.exec('return document.documentElement.scrollWidth - window.innerWidth');
  assert(overflow <= 0, `nothing wider than a phone's screen (overflow ${overflow}px)`);
  await browser.screenshotFullPage(join(ARTIFACTS, 'awards-phone.png'));
  await browser.cmd('POST', '/window/rect', { width: 1366, height: 900 });
  const refused = (await browser.log('browser')).map((e) => e.message).filter((m) => /Content Security Policy|Refused to/i.test(m));
  assertEqual(JSON.stringify(refused), '[]', 'nothing refused by the Content-Security-Policy');
});

run('awards', { before, after });
