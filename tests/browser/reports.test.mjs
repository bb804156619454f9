// reports.test.mjs — the "Báo cáo" page in headless Chromium against the
// test stack: the office creates a mid-year draft through the form, writes
// two narrative sections (two paragraphs in one), a task is added through
// the API and "Cập nhật số liệu" lists what changed in Vietnamese; the
// PDF behind the page's link is a PDF whose text has "BÁO CÁO" and the
// sections; the director is refused a number already used (409, in words)
// and approves with another; editing is gone after approval, for the
// director and the office; the delivery to a destination the admin made
// shows queued, then sent; failed, it has "Gửi lại" for the office (not for
// a viewer), which queues it again; a report late for approval and a draft
// a schedule made stand out above the list and in it, and the link of the
// e-mail that tells the office opens its report. Loads sql/demo/*.sql when the database has no demo agency
// (as dashboard.test.mjs does) and makes its own users and facts.
// Artifacts: var/test/artifacts/reports-draft.png, reports-attention.png, reports.png, reports-phone.png.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { changeText, formatDateTime } from '../../nginx/www/js/reports-text.js';
import { ARTIFACTS, cli, env, pageSession, psql, setUpDemo } from './session.mjs';
import { Browser, assert, assertEqual, run, test } from './webdriver.mjs';

const PASSWORD = 'browser-reports-9';
const U = { office: 'rp_office', director: 'rp_director', admin: 'rp_admin', viewer: 'rp_viewer' };
// Unique per run, so that running the test again on the same database works.
const RUN = 100 + (process.pid % 800);
const TAKEN_NO = `${RUN}/BC-SNV`;
const NUMBER = `${RUN + 1}/BC-SNV`;
const DESTINATION = `Khối thi đua các cơ quan tham mưu (kiểm thử ${RUN})`;
const STRENGTHS = ['Các đơn vị chủ động triển khai kế hoạch thi đua ngay từ đầu năm.', 'Tỷ lệ hồ sơ được số hóa tăng rõ rệt so với năm 2024.'];
const LESSONS = 'Phân công rõ người, rõ việc, rõ thời hạn; kiểm tra, đôn đốc thường xuyên.';

let browser;
let campaign;
const tokens = {};
let reportId;
let destination;

// ------------------------------------------------------------------ helpers

const { api, state, loadedCount, waitLoadedAfter, url: reportsUrl, loginAs } = pageSession({
  page: 'reports', password: PASSWORD, browser: () => browser, campaign: () => campaign, tokens,
});

/** Text of a visible form message, once it shows. */
function messageOf(id) {
  return browser.waitFor(`the message #${id}`, () => browser.exec(`const m = document.getElementById('${id}'); return m && !m.hidden && m.textContent`));
}

/** Shows report `id` on the page (clicking it in the list when it is not the one shown). */
async function open(id) {
  const shown = await browser.exec('return document.getElementById("report-detail").dataset.report');
  if (shown === String(id)) return;
  const before = await loadedCount();
  await browser.click(await browser.find(`#reports-list li[data-report="${id}"] button[data-action="select"]`));
  await waitLoadedAfter(before, `report ${id}`);
}

/** What the page shows of the report: its id, state, title, and what may be done. */
function readDetail() {
  return browser.exec(`
    const d = document.getElementById('report-detail');
    if (d.hidden) return null;
    return {
      id: d.dataset.report, state: d.dataset.state, title: document.getElementById('report-title').textContent,
      stateText: d.querySelector('[data-role=state]').textContent,
      meta: d.querySelector('.report-meta').textContent,
      textareas: d.querySelectorAll('textarea').length, editor: !!document.getElementById('report-sections-form'),
      regenerate: !!document.getElementById('report-regenerate'), approve: !!document.getElementById('report-approve-form'),
      create: !document.getElementById('report-create').hidden,
      pdf: document.getElementById('report-pdf')?.getAttribute('href'), pdfTarget: document.getElementById('report-pdf')?.target,
      xlsx: document.getElementById('report-xlsx')?.getAttribute('href'),
      sections: Object.fromEntries([...d.querySelectorAll('.report-section')].map((s) => [s.dataset.section, [...s.querySelectorAll('p')].map((p) => p.textContent)])),
    };`);
}

// ------------------------------------------------------------------ set-up

async function before() {
  campaign = await setUpDemo({
    password: PASSWORD, tokens,
    users: {
      office: [U.office, 'office'], director: [U.director, 'director', '--name', 'Trần Minh Đức'],
      admin: [U.admin, 'admin'], viewer: [U.viewer, 'viewer'],
    },
  });
  // Where approved mid-year reports go: an e-mail destination of the agency.
  destination = await api('/api/v1/report-destinations', {
    method: 'POST', as: 'admin',
    body: { name: DESTINATION, channel: 'email', address: `khoi-thi-dua-${RUN}@example.gov.vn`, kinds: ['mid_year'] },
  });
  browser = await Browser.start({ width: 1366, height: 900 });
}

async function after() {
  if (browser) await browser.quit();
}

// ------------------------------------------------------------------ tests

test('the office creates a mid-year draft through the form', async () => {
  await loginAs(U.office);
  assertEqual(await browser.exec('return document.querySelector("#nav-reports").getAttribute("aria-current")'), 'page', 'the reports tab is current');
  const known = new Set((await api(`/api/v1/campaigns/${campaign.id}/reports?limit=1000`)).items.map((r) => r.id));
  await browser.click(await browser.find('#report-create > summary'));
  await browser.click(await browser.find('#report-kind option[value="mid_year"]'));
  const before = await loadedCount();
  await browser.click(await browser.find('#report-create-submit'));
  await waitLoadedAfter(before, 'the list after creating');
  const msg = await messageOf('reports-message');
  assertEqual(msg, 'Đã tạo dự thảo báo cáo sơ kết 6 tháng, số liệu tính đến ngày 30/06/2025.', 'the confirmation');
  const made = (await api(`/api/v1/campaigns/${campaign.id}/reports?limit=1000`)).items.filter((r) => !known.has(r.id));
  assertEqual(made.length, 1, 'one report made');
  reportId = made[0].id;
  assertEqual(made[0].kind, 'mid_year', 'mid_year');
  assertEqual(made[0].state, 'draft', 'a draft');
  const d = await readDetail();
  assertEqual(d.id, String(reportId), 'the new draft is shown');
  assertEqual(d.title, 'Báo cáo sơ kết 6 tháng', 'its title');
  assertEqual(d.stateText, 'Dự thảo', 'its state in words');
  assert(d.meta.includes('Số liệu tính đến ngày 30/06/2025 · Kỳ báo cáo từ 01/01/2025 đến 30/06/2025'), `as of and period dd/mm/yyyy: ${d.meta}`);
  assertEqual(d.textareas, 5, 'five sections to write');
  assert(d.regenerate && !d.approve && d.create, 'the office may regenerate and create, not approve');
  const item = await browser.exec(`const li = document.querySelector('#reports-list li[data-report="${reportId}"]');
    return li && { state: li.dataset.state, text: li.querySelector('[data-role=state]').textContent, asOf: li.querySelector('[data-role=as-of]').textContent };`);
  assert(item, 'the draft is listed');
  assertEqual(item.state, 'draft', 'listed as a draft');
  assertEqual(item.text, 'Dự thảo', 'its state in words in the list');
  assertEqual(item.asOf, 'Số liệu tính đến ngày 30/06/2025', 'its date in the list');
});

test('the office writes two sections, one of two paragraphs', async () => {
  const labels = await browser.exec('return [...document.querySelectorAll("#report-sections-form label")].map((l) => l.textContent + "→" + document.getElementById(l.htmlFor).name)');
  assertEqual(JSON.stringify(labels), JSON.stringify(['Ưu điểm→strengths', 'Hạn chế→shortcomings', 'Bài học kinh nghiệm→lessons', 'Phương hướng→next_steps', 'Kiến nghị→proposals']), 'each section labelled');
  await browser.type(await browser.find('#report-section-strengths'), `${STRENGTHS[0]}\uE007${STRENGTHS[1]}`);
  await browser.type(await browser.find('#report-section-lessons'), LESSONS);
  const before = await loadedCount();
  await browser.click(await browser.find('#report-save'));
  await waitLoadedAfter(before, 'the report after saving');
  assertEqual(await messageOf('report-sections-message'), 'Đã lưu: Ưu điểm, Bài học kinh nghiệm.', 'the confirmation');
  const r = await api(`/api/v1/reports/${reportId}`);
  assertEqual(r.sections.strengths, STRENGTHS.join('\n'), 'strengths: two paragraphs, one a line');
  assertEqual(r.sections.lessons, LESSONS, 'lessons');
  assertEqual(r.sections.shortcomings, null, 'the sections left empty are not written');
  assertEqual(await browser.exec('return document.getElementById("report-section-strengths").value'), STRENGTHS.join('\n'), 'the editor shows what was saved');
});

test('after a task is added, "Cập nhật số liệu" lists what changed in Vietnamese', async () => {
  const before = await api(`/api/v1/reports/${reportId}`);
  // A task due and completed on time before the report's as_of (30/06/2025).
  await api(`/api/v1/campaigns/${campaign.id}/tasks`, {
    method: 'POST', body: { title: `Rà soát hồ sơ đề nghị khen thưởng (kiểm thử ${RUN})`, unit_id: null, due_on: '2025-06-20', completed_on: '2025-06-18' },
  });
  const n = await loadedCount();
  await browser.click(await browser.find('#report-regenerate'));
  await waitLoadedAfter(n, 'the report after regenerating');
  const r = await api(`/api/v1/reports/${reportId}`);
  assert(r.changes.length > 0, 'the API lists changes');
  assertEqual(await messageOf('report-regen-message'), `Đã cập nhật số liệu: ${r.changes.length} số liệu thay đổi (xem danh sách).`, 'the confirmation');
  const shown = await browser.exec('return [...document.querySelectorAll("#report-changes li")].map((li) => ({ path: li.dataset.path, text: li.textContent }))');
  assertEqual(shown.length, r.changes.length, 'one line per change');
  r.changes.forEach((c, i) => {
    assertEqual(shown[i].path, c.path, `change ${i + 1} in the API's order`);
    assertEqual(shown[i].text, changeText(c, r.figures), `change ${i + 1} in words`);
  });
  const byPath = Object.fromEntries(shown.map((x) => [x.path, x.text]));
  const total = before.figures.tasks.total;
  assertEqual(byPath['tasks.total'], `Nhiệm vụ › tổng số: ${total} → ${total + 1}`, 'the number of tasks');
  assertEqual(byPath['tasks.completed'], `Nhiệm vụ › số nhiệm vụ hoàn thành: ${before.figures.tasks.completed} → ${before.figures.tasks.completed + 1}`, 'the tasks completed');
  const rate = shown.find((x) => x.path === 'scorecard.targets[tasks_completed].value');
  if (rate) {
    assert(/^Chỉ tiêu thi đua › “[^”]+” › kết quả: \d{1,3}(,\d{1,2})? % → \d{1,3}(,\d{1,2})? %$/.test(rate.text), `the completion rate with a decimal comma: ${rate.text}`);
  }
  // What was written is kept.
  assertEqual(await browser.exec('return document.getElementById("report-section-lessons").value'), LESSONS, 'the sections are kept');
  await browser.screenshotFullPage(join(ARTIFACTS, 'reports-draft.png'));
});

test('the PDF preview behind the page\'s link is the draft\'s PDF; the workbook link answers XLSX', async () => {
  const d = await readDetail();
  assertEqual(d.pdf, `/api/v1/reports/${reportId}?format=pdf`, 'the PDF link');
  assertEqual(d.pdfTarget, '_blank', 'opened in a new tab');
  // Fetched as the page would, with the cookie session.
  const got = await browser.execAsync(`const done = arguments[arguments.length - 1];
    fetch(arguments[0], { credentials: 'same-origin' }).then(async (r) => {
      const b = new Uint8Array(await r.arrayBuffer());
      let s = '';
      for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode(...b.subarray(i, i + 8192));
      done({ status: r.status, type: r.headers.get('Content-Type'), data: btoa(s) });
    }, (e) => done({ error: String(e) }));`, d.pdf);
  assertEqual(got.status, 200, 'the PDF answers 200');
  assertEqual(got.type.split(';')[0], 'application/pdf', 'as application/pdf');
  const pdf = Buffer.from(got.data, 'base64');
  assertEqual(pdf.subarray(0, 5).toString('latin1'), '%PDF-', 'it starts with %PDF');
  const dir = mkdtempSync(join(tmpdir(), 'thidua-reports-'));
  try {
    writeFileSync(join(dir, 'r.pdf'), pdf);
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', join(dir, 'r.pdf'), '-'], { encoding: 'utf8' }).normalize('NFC');
    assert(text.includes('BÁO CÁO'), 'pdftotext finds “BÁO CÁO”');
    const flat = text.replace(/\s+/g, ' ');
    assert(flat.includes(LESSONS.replace(/\s+/g, ' ')), 'the PDF has the lessons written on the page');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const xlsx = await browser.execAsync(`const done = arguments[arguments.length - 1];
    fetch(arguments[0], { credentials: 'same-origin' }).then(async (r) => {
      const b = new Uint8Array(await r.arrayBuffer());
      done({ status: r.status, type: r.headers.get('Content-Type').split(';')[0], zip: String.fromCharCode(b[0], b[1]) });
    }, (e) => done({ error: String(e) }));`, d.xlsx);
  assertEqual(xlsx.status, 200, 'the workbook answers 200');
  assertEqual(xlsx.type, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'as XLSX');
  assertEqual(xlsx.zip, 'PK', 'a zip (OOXML) file');
});

test('a viewer reads the draft and its sections but cannot write', async () => {
  await loginAs(U.viewer);
  await open(reportId);
  const d = await readDetail();
  assert(!d.editor && !d.regenerate && !d.approve && !d.create, 'no editor, no regenerate, no approve, no create');
  assertEqual(JSON.stringify(d.sections.strengths), JSON.stringify(STRENGTHS), 'strengths as two paragraphs');
  assertEqual(JSON.stringify(d.sections.shortcomings), JSON.stringify(['(Chưa viết)']), 'an empty section says so');
});

test('the director is refused a number already used (in words), then approves with a number', async () => {
  // Another mid-year report, approved with TAKEN_NO through the API.
  const other = await api(`/api/v1/campaigns/${campaign.id}/reports`, { method: 'POST', body: { kind: 'mid_year' } });
  await api(`/api/v1/reports/${other.id}/approve`, { method: 'POST', as: 'director', body: { number: TAKEN_NO } });
  await loginAs(U.director);
  await open(reportId);
  let d = await readDetail();
  assert(d.approve && !d.editor && !d.regenerate && !d.create, 'the director approves; does not write');
  await browser.click(await browser.find('#report-approve'));
  assertEqual(await messageOf('report-approve-message'), 'Vui lòng nhập số văn bản của báo cáo (ví dụ 12/BC-SNV).', 'a number is asked');
  await browser.type(await browser.find('#report-number'), TAKEN_NO);
  await browser.click(await browser.find('#report-approve'));
  const refused = await browser.waitFor('the refusal', () => browser.exec('const m = document.getElementById("report-approve-message"); return m && !m.hidden && m.textContent.startsWith("Không duyệt được") && m.textContent'));
  assert(refused.includes('Số văn bản: Số văn bản này đã dùng cho một báo cáo khác của phong trào'), `409 in words: ${refused}`);
  assertEqual((await api(`/api/v1/reports/${reportId}`)).state, 'draft', 'still a draft');

  const number = await browser.find('#report-number');
  await browser.clear(number);
  await browser.type(number, NUMBER);
  const n = await loadedCount();
  await browser.click(await browser.find('#report-approve'));
  await waitLoadedAfter(n, 'the report after approving');
  assertEqual(await messageOf('reports-message'), `Đã duyệt báo cáo sơ kết 6 tháng số ${NUMBER}.`, 'the confirmation');
  const r = await api(`/api/v1/reports/${reportId}`);
  assertEqual(r.state, 'approved', 'approved');
  assertEqual(r.number, NUMBER, 'with the number typed');
  d = await readDetail();
  assertEqual(d.title, `Báo cáo sơ kết 6 tháng số ${NUMBER}`, 'the title has the number');
  assertEqual(d.stateText, 'Đã duyệt', 'approved in words');
  assert(!d.approve && !d.editor && d.textareas === 0, 'nothing to approve or edit any more');
  const approved = await browser.exec('return document.querySelector("#report-detail [data-role=approved]").textContent');
  assert(approved.startsWith(`Đã duyệt lúc ${formatDateTime(r.approved_at)} (Trần Minh Đức).`), `approved at dd/mm/yyyy hh:mm: ${approved}`);
  assert(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/.test(formatDateTime(r.approved_at)), 'dd/mm/yyyy hh:mm');
  assert(approved.includes(r.sha256), 'the digest is shown');
});

test('editing is gone for the office after approval; the delivery to the admin\'s destination shows queued', async () => {
  await loginAs(U.office);
  await open(reportId);
  const d = await readDetail();
  assertEqual(d.state, 'approved', 'approved');
  assert(!d.editor && !d.regenerate && d.textareas === 0, 'no editor, no regenerate');
  assertEqual(JSON.stringify(d.sections.strengths), JSON.stringify(STRENGTHS), 'the sections read as paragraphs');
  assertEqual(d.pdf, `/api/v1/reports/${reportId}?format=pdf`, 'the stored PDF is linked');

  const dl = await api(`/api/v1/reports/${reportId}/deliveries`);
  const mine = dl.items.find((x) => x.destination.id === destination.id);
  assert(mine, 'the approval queued a delivery to the destination');
  const row = await browser.exec(`const tr = document.querySelector('#report-deliveries tr[data-delivery="${mine.id}"]');
    if (!tr) return null;
    const t = (c) => tr.querySelector('[data-col=' + c + ']').textContent.trim();
    return { state: tr.dataset.state, destination: t('destination'), stateText: tr.querySelector('[data-col=state] .state-badge').textContent,
             attempts: t('attempts'), error: t('error'), acknowledged: t('acknowledged') };`);
  assert(row, 'the delivery is listed');
  assertEqual(row.state, 'queued', 'queued');
  assertEqual(row.stateText, 'Chờ gửi', 'queued in words');
  assertEqual(row.destination, `${DESTINATION}Thư điện tử: khoi-thi-dua-${RUN}@example.gov.vn`, 'the destination by name and address');
  assertEqual(row.attempts, '0', 'no attempt yet');
  assertEqual(row.error, '–', 'no error');
  assertEqual(row.acknowledged, 'Chưa', 'not acknowledged');
  const item = await browser.exec(`return document.querySelector('#reports-list li[data-report="${reportId}"] [data-role=state]').textContent`);
  assertEqual(item, 'Đã duyệt', 'the list says approved');
});

test('once delivered (thidua report deliver --once, to the stack\'s SMTP server), the row says when it was acknowledged', async () => {
  execFileSync(env('THIDUA_BIN_PATH'), ['--config', env('THIDUA_CONFIG_FILE'), 'report', 'deliver', '--once'], {
    stdio: ['ignore', 'ignore', 'ignore'], timeout: 120000,
  });
  const dl = await api(`/api/v1/reports/${reportId}/deliveries`);
  const mine = dl.items.find((x) => x.destination.id === destination.id);
  assertEqual(mine.state, 'sent', 'the API says sent');
  await browser.go(reportsUrl());
  await browser.waitFor('the page again', async () => (await state()) === 'ready' && (await loadedCount()) > 0);
  await open(reportId);
  const row = await browser.exec(`const tr = document.querySelector('#report-deliveries tr[data-delivery="${mine.id}"]');
    const t = (c) => tr.querySelector('[data-col=' + c + ']').textContent.trim();
    return { state: tr.dataset.state, stateText: t('state'), attempts: t('attempts'), acknowledged: t('acknowledged') };`);
  assertEqual(row.state, 'sent', 'sent');
  assertEqual(row.stateText, 'Đã gửi', 'sent in words');
  assertEqual(row.attempts, '1', 'one attempt');
  assertEqual(row.acknowledged, formatDateTime(mine.acknowledged_at), 'acknowledged at, in Vietnam\'s time');
  assert(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/.test(row.acknowledged), `dd/mm/yyyy hh:mm: ${row.acknowledged}`);
  if (dl.state === 'delivered') {
    const badge = await browser.exec('return document.querySelector("#report-detail [data-role=state]").textContent');
    assertEqual(badge, 'Đã gửi', 'the report is delivered');
  }
});

test('a failed delivery has "Gửi lại" for the office (not for a viewer), which queues it again', async () => {
  const dl = await api(`/api/v1/reports/${reportId}/deliveries`);
  const mine = dl.items.find((x) => x.destination.id === destination.id);
  // As if the mail server had refused it for good.
  psql(`UPDATE report_deliveries SET state = 'failed', last_error = 'Máy chủ thư từ chối (SMTP 550): hộp thư không tồn tại'
        WHERE id = ${Number(mine.id)}; UPDATE reports SET state = 'delivery_failed' WHERE id = ${Number(reportId)};
        INSERT INTO report_delivery_attempts (delivery_id, ok, interrupted, ended_at, error)
        VALUES (${Number(mine.id)}, false, true, now(), 'Lần gửi bị gián đoạn');`);
  const rows = () => browser.exec(`return [...document.querySelectorAll('#report-deliveries tr[data-delivery]')].map((tr) => ({
    id: tr.dataset.delivery, state: tr.dataset.state, retry: !!tr.querySelector('[data-action=retry]'),
    stateText: tr.querySelector('[data-col=state] .state-badge').textContent, attempts: tr.querySelector('[data-col=attempts]').textContent }))`);
  await loginAs(U.viewer);
  await open(reportId);
  let seen = await rows();
  assert(seen.some((x) => x.id === String(mine.id) && x.state === 'failed'), 'the viewer sees the failed delivery');
  assert(seen.every((x) => !x.retry), 'no retry for a viewer');

  await loginAs(U.office);
  await open(reportId);
  seen = await rows();
  const row = seen.find((x) => x.id === String(mine.id));
  assertEqual(row.stateText, 'Gửi lỗi', 'failed in words');
  const cut = await browser.exec(`return document.querySelector('#report-deliveries tr[data-delivery="${mine.id}"] [data-role=interrupted]')?.textContent`);
  assertEqual(cut, '1 lần gửi bị gián đoạn (tiến trình gửi dừng giữa chừng; không rõ nơi nhận đã nhận chưa)', 'an interrupted attempt is said');
  assert(row.retry, 'the failed delivery has "Gửi lại"');
  assert(seen.every((x) => x.retry === (x.state === 'failed')), `"Gửi lại" on failed deliveries only: ${JSON.stringify(seen)}`);
  const label = await browser.exec(`return document.querySelector('#report-deliveries tr[data-delivery="${mine.id}"] [data-action=retry]').getAttribute('aria-label')`);
  assertEqual(label, `Gửi lại đến ${DESTINATION}`, 'the button names where it sends');
  const n = await loadedCount();
  await browser.click(await browser.find(`#report-deliveries tr[data-delivery="${mine.id}"] [data-action=retry]`));
  await waitLoadedAfter(n, 'the report after the retry');
  assertEqual(await messageOf('report-deliveries-message'), `Đã xếp lại việc gửi đến ${DESTINATION}; báo cáo sẽ được gửi trong ít phút.`, 'the confirmation');
  const after = (await api(`/api/v1/reports/${reportId}/deliveries`)).items.find((x) => x.id === mine.id);
  assertEqual(after.state, 'queued', 'the API says queued again');
  assertEqual(after.attempts, 0, 'attempts counted from 0');
  assertEqual((await api(`/api/v1/reports/${reportId}`)).state, 'approved', 'the report is approved again');
  const again = (await rows()).find((x) => x.id === String(mine.id));
  assertEqual(again.stateText, 'Chờ gửi', 'queued in words');
  assert(!again.retry, 'no "Gửi lại" once queued');
});

test('a report late for approval and a fresh scheduled draft stand out; the e-mail\'s link opens its report', async () => {
  // Two schedules of the demo campaign, made and run on days unique to this run.
  const day = (offset) => new Date(Date.UTC(2021, 0, 1) + (RUN * 2 + offset) * 86400000).toISOString().slice(0, 10);
  const late = await api('/api/v1/report-schedules', {
    method: 'POST', as: 'admin', body: { campaign_id: campaign.id, kind: 'year_end', draft_on: day(0), due_on: day(1) },
  });
  const fresh = await api('/api/v1/report-schedules', {
    method: 'POST', as: 'admin', body: { campaign_id: campaign.id, kind: 'award_statistics', draft_on: day(0), due_on: '2099-12-31' },
  });
  try {
    cli(['report', 'run', '--today', day(2)]);
  } catch (e) {
    if (e.status !== 1) throw e; // another test's schedule may fail; ours are checked below
  }
  const lateId = (await api(`/api/v1/report-schedules/${late.id}`, { as: 'admin' })).report_id;
  const freshId = (await api(`/api/v1/report-schedules/${fresh.id}`, { as: 'admin' })).report_id;
  assert(lateId && freshId, 'report run made both drafts');
  assertEqual((await api(`/api/v1/reports/${lateId}`)).late, true, 'the API says late');

  await loginAs(U.director);
  const banner = await browser.exec(`const b = document.getElementById('reports-attention');
    if (!b) return null;
    const ids = (role) => [...b.querySelectorAll('[data-role=' + role + '] button[data-report]')].map((x) => x.dataset.report);
    return { late: ids('attention-late'), waiting: ids('attention-waiting'),
             lateText: b.querySelector('[data-role=attention-late]').textContent, waitText: b.querySelector('[data-role=attention-waiting]').textContent };`);
  assert(banner, 'what needs someone is shown above the list');
  assert(banner.late.includes(String(lateId)), 'the late report is named first');
  assert(!banner.late.includes(String(freshId)), 'the fresh draft is not late');
  assert(banner.waiting.includes(String(freshId)), 'the fresh scheduled draft is named');
  assert(banner.lateText.startsWith('Quá hạn duyệt ('), `late in words: ${banner.lateText}`);
  assert(banner.lateText.includes(`Báo cáo tổng kết năm (hạn duyệt ${day(1).split('-').reverse().join('/')})`), `its kind and due date: ${banner.lateText}`);
  assert(banner.waitText.startsWith('Dự thảo mới theo lịch báo cáo ('), `waiting in words: ${banner.waitText}`);
  const item = (id) => browser.exec(`const li = document.querySelector('#reports-list li[data-report="${id}"]');
    return li && { late: li.dataset.late || null, waiting: li.dataset.waiting || null, cls: li.className,
      lateBadge: li.querySelector('[data-role=late]')?.textContent || null, scheduled: li.querySelector('[data-role=scheduled]')?.textContent || null };`);
  const l = await item(lateId);
  assertEqual(l.late, 'true', 'the late report is marked in the list');
  assert(l.cls.includes('report-late'), 'and styled');
  assertEqual(l.lateBadge, '! Quá hạn', 'with its badge');
  const f = await item(freshId);
  assertEqual(f.waiting, 'true', 'the fresh draft is marked in the list');
  assertEqual(f.scheduled, 'Dự thảo theo lịch, chờ duyệt', 'with its badge');
  const style = await browser.exec(`return getComputedStyle(document.querySelector('#reports-list li[data-report="${lateId}"]')).backgroundColor`);
  const plain = await browser.exec(`return getComputedStyle(document.querySelector('#reports-list li[data-report="${reportId}"]')).backgroundColor`);
  assert(style !== plain, `a late report looks different from an approved one (${style} / ${plain})`);
  await browser.screenshotFullPage(join(ARTIFACTS, 'reports-attention.png'));
  // The banner's link opens it.
  const n = await loadedCount();
  await browser.click(await browser.find(`#reports-attention [data-role=attention-late] button[data-report="${lateId}"]`));
  await waitLoadedAfter(n, 'the late report');
  assertEqual(await browser.exec('return document.getElementById("report-detail").dataset.report'), String(lateId), 'the late report is shown');
  // The e-mail's link: ?campaign=…&page=reports&report=ID.
  await browser.go(`${reportsUrl()}&report=${freshId}`);
  await browser.waitFor('the page from the e-mail\'s link', async () => (await state()) === 'ready' && (await loadedCount()) > 0
    && (await browser.exec('return document.getElementById("report-detail").dataset.report')) === String(freshId));
});

test('the reports page fits a phone\'s width; screenshots; nothing refused by the policy', async () => {
  const png = await browser.screenshotFullPage(join(ARTIFACTS, 'reports.png'));
  assert(readFileSync(png).subarray(1, 4).toString() === 'PNG', 'a PNG was written');
  await browser.cmd('POST', '/window/rect', { width: 390, height: 844 });
  await browser.waitFor('the phone layout', () => browser.exec('return window.innerWidth <= 400'));
  const overflow = await browser.exec('return document.documentElement.scrollWidth - window.innerWidth');
  assert(overflow <= 0, `nothing wider than a phone's screen (overflow ${overflow}px)`);
  await browser.screenshotFullPage(join(ARTIFACTS, 'reports-phone.png'));
  await browser.cmd('POST', '/window/rect', { width: 1366, height: 900 });
  const refused = (await browser.log('browser')).map((e) => e.message).filter((m) => /Content Security Policy|Refused to/i.test(m));
  assertEqual(JSON.stringify(refused), '[]', 'nothing refused by the Content-Security-Policy');
});

run('reports', { before, after });
