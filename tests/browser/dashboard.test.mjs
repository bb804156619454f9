// dashboard.test.mjs — the leadership dashboard in headless Chromium against
// the test stack (nginx + the ASan build + PostgreSQL): log in with the
// cookie session, see the demo campaign's twelve targets with the numbers
// the API gives, change the "as of" date, sort the units' table, read the
// chart, lose the session, log out; and no request leaves the server.
// Loads sql/demo/*.sql into the test database (as `make run` does for the
// dev stack) and makes its own users. Artifacts: var/test/artifacts/
// dashboard.png (full page), dashboard-phone.png, dashboard.pdf (A4 print).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  formatFraction, formatInteger, formatPercent, parseDate, ratingLabel, statusWord,
} from '../../nginx/www/js/format.js';
import { Browser, assert, assertEqual, outsideRequests, requestedUrls, run, test } from './webdriver.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run through tests/run.sh (make test)`);
  return v;
};
const BASE = env('THIDUA_URL');
const DB = env('THIDUA_TEST_DB');
const ARTIFACTS = join(env('THIDUA_VAR'), 'artifacts');
const PASSWORD = 'browser-pass-1';
const USER = 'browser_director';
const READER = 'browser_reader';

let browser;
let token; // the reader's bearer token: what the API says, to compare with the page
let campaign;
const seenUrls = [];

// ------------------------------------------------------------------ helpers

function psql(sql, ...params) {
  // Parameters through psql variables, quoted by psql itself.
  const args = [DB, '-v', 'ON_ERROR_STOP=1', '-Atq'];
  params.forEach((p, i) => args.push('-v', `p${i + 1}=${p}`));
  return execFileSync('psql', args, { input: sql, encoding: 'utf8' }).trim();
}

function cli(args, input) {
  execFileSync(env('THIDUA_BIN_PATH'), ['--config', env('THIDUA_CONFIG_FILE'), ...args], {
    input, stdio: ['pipe', 'ignore', 'inherit'],
  });
}

async function api(path, { method = 'GET', body, auth = token } = {}) {
  const r = await fetch(BASE + path, {
    method,
    headers: { ...(auth ? { Authorization: `Bearer ${auth}` } : {}), ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

const state = () => browser.exec('return document.body.dataset.state');
const waitState = (want) => browser.waitFor(`page state ${want}`, async () => (await state()) === want);
const waitAsOf = (iso) => browser.waitFor(`figures as of ${iso}`, async () =>
  (await state()) === 'ready' && (await browser.exec('return document.getElementById("dashboard").dataset.asOf')) === iso);

const consoleLines = [];
async function drainNetworkLog() {
  seenUrls.push(...requestedUrls(await browser.log('performance')));
  consoleLines.push(...(await browser.log('browser')).map((e) => e.message));
}

/** What each card shows, read from the page in one go. */
function readCards() {
  return browser.exec(`
    const q = (el, sel) => { const x = el.querySelector(sel); return x ? x.textContent.trim() : null; };
    return [...document.querySelectorAll('#cards > li')].map((li) => ({
      code: li.dataset.code, status: li.dataset.status, metric: li.dataset.metric,
      badge: li.querySelector('.badge').lastChild.textContent.trim(), title: q(li, '.card-title'),
      value: q(li, '[data-role=value]'), fraction: q(li, '[data-role=fraction]'), lastYear: q(li, '[data-role=last-year]'),
      visible: li.offsetParent !== null,
    }));`);
}

const UNIT_WORD = {
  task_completion: 'nhiệm vụ', study_coverage: 'người', staff_title_share: 'người', unit_title_share: 'đơn vị',
};

/** The page's cards and summary against the API's scorecard. */
async function assertCardsMatch(sc) {
  const cards = await readCards();
  assertEqual(cards.length, sc.targets.length, 'one card per target');
  sc.targets.forEach((t, i) => {
    const c = cards[i];
    const at = `card ${i + 1} (${t.code})`;
    assertEqual(c.code, t.code, `${at}: plan order`);
    assert(c.visible, `${at}: visible`);
    assertEqual(c.title, t.name, `${at}: name`);
    assertEqual(c.status, t.status, `${at}: status`);
    assertEqual(c.badge, statusWord(t.status), `${at}: status word`);
    switch (t.metric) {
      case 'task_completion': case 'study_coverage': case 'staff_title_share': case 'unit_title_share':
        assertEqual(c.value, formatPercent(t.value), `${at}: percent`);
        if (t.value !== null) assert(/^\d{1,3}(\.\d{3})*(,\d{1,2})? %$/.test(c.value), `${at}: Vietnamese percent ${c.value}`);
        assertEqual(c.fraction, formatFraction(t.numerator, t.denominator, UNIT_WORD[t.metric]), `${at}: numerator/denominator`);
        break;
      case 'unit_title_count':
        assertEqual(c.value, t.value === null ? '–' : formatInteger(t.value), `${at}: count`);
        break;
      case 'rating':
        assertEqual(c.value, t.value ? ratingLabel(t.value) : 'Chưa xếp loại', `${at}: rating`);
        assert(c.lastYear !== null, `${at}: last year's rating beside it`);
        break;
      case 'ratings_all':
        assertEqual(c.fraction, formatFraction(t.numerator, t.denominator), `${at}: rated units`);
        break;
      case 'index_rank':
        assertEqual(c.value, t.value === null ? 'Chưa công bố xếp hạng năm nay' : formatInteger(t.value), `${at}: rank`);
        assertEqual(c.lastYear, t.threshold === null ? 'chưa có' : `hạng ${formatInteger(t.threshold)}`, `${at}: last year's rank`);
        break;
      case 'certification':
        assertEqual(c.value, t.value === true ? 'Đã được công nhận' : t.value === false ? 'Chưa được công nhận' : 'Chưa có quyết định', `${at}: certification`);
        break;
      default:
        throw new Error(`${at}: unknown metric ${t.metric}`);
    }
  });
  const summary = await browser.exec(`
    const out = {};
    for (const el of document.querySelectorAll('#summary [data-status]')) out[el.dataset.status] = el.querySelector('strong').textContent;
    return out;`);
  for (const k of ['met', 'at_risk', 'missed', 'pending']) {
    assertEqual(summary[k], formatInteger(sc.summary[k]), `summary ${k}`);
  }
}

const shown = (sc) => JSON.stringify(sc.targets.map((t) => [t.value, t.numerator, t.denominator, t.status]));

// ------------------------------------------------------------------ set-up

async function before() {
  if (psql("SELECT count(*) FROM units WHERE code = 'SNV' AND kind = 'agency'") === '0') {
    const dir = join(root, 'sql', 'demo');
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.sql')).sort()) {
      execFileSync('psql', [DB, '-v', 'ON_ERROR_STOP=1', '-q', '-1', '-f', join(dir, f)], { stdio: ['ignore', 'ignore', 'inherit'] });
    }
  }
  cli(['user', 'add', USER, '--role', 'director', '--agency', 'SNV'], `${PASSWORD}\n`);
  cli(['user', 'add', READER, '--role', 'viewer', '--agency', 'SNV'], `${PASSWORD}\n`);
  token = (await api('/api/v1/sessions', { method: 'POST', body: { username: READER, password: PASSWORD }, auth: null })).token;
  const list = await api('/api/v1/campaigns?limit=1000');
  const agencyId = psql("SELECT id FROM units WHERE code = 'SNV' AND kind = 'agency'");
  campaign = list.items.find((c) => String(c.agency_id) === agencyId && c.code === 'TD2025');
  assert(campaign, 'the demo campaign TD2025 of SNV is listed by the API');
  browser = await Browser.start({ width: 1366, height: 900 });
  await browser.cdp('Network.enable', {});
}

async function after() {
  if (browser) {
    await drainNetworkLog().catch(() => {});
    await browser.quit();
  }
}

// ------------------------------------------------------------------ tests

test('a wrong password gets a clear message and no session', async () => {
  await browser.go(`${BASE}/?campaign=${campaign.id}`);
  await waitState('login');
  await browser.type(await browser.find('#username'), USER);
  await browser.type(await browser.find('#password'), 'not-the-password');
  await browser.click(await browser.find('#login-submit'));
  const msg = await browser.waitFor('the login message', async () => {
    const el = await browser.find('#login-message');
    return (await browser.displayed(el)) && browser.text(el);
  });
  assert(msg.includes('Sai tên đăng nhập hoặc mật khẩu'), `message: ${msg}`);
  assertEqual(await state(), 'login', 'still on the login form');
});

test('logs in; the session cookie is HttpOnly and SameSite=Strict', async () => {
  const user = await browser.find('#username');
  await browser.clear(user);
  await browser.type(user, USER);
  const pw = await browser.find('#password');
  await browser.clear(pw);
  await browser.type(pw, `${PASSWORD}\uE007`); // Enter submits the form
  await waitState('ready');
  const cookies = await browser.cmd('GET', '/cookie');
  const c = cookies.find((x) => x.name === 'thidua_session');
  assert(c, 'the session cookie is set');
  assertEqual(c.httpOnly, true, 'HttpOnly');
  assertEqual(c.sameSite, 'Strict', 'SameSite');
  const visible = await browser.exec('return document.cookie');
  assert(!visible.includes('thidua_session'), 'page scripts cannot read the session cookie');
  const who = await browser.text(await browser.find('#user-name'));
  assert(who.includes(USER), `the user is named: ${who}`);
});

test('the header names the agency, the campaign and its theme', async () => {
  const agency = await api(`/api/v1/units/${campaign.agency_id}`);
  await browser.waitFor('the agency name', async () =>
    (await browser.text(await browser.find('#agency-name'))).toLowerCase() === agency.name.toLowerCase());
  assertEqual(await browser.text(await browser.find('#campaign-name')), campaign.name, 'campaign name');
  if (campaign.theme) {
    const theme = await browser.text(await browser.find('#campaign-theme'));
    assert(theme.includes(campaign.theme), `theme shown: ${theme}`);
  }
  assertEqual(await browser.exec('return document.documentElement.lang'), 'vi', 'page language');
});

test('twelve targets in the plan\'s order with the API\'s numbers', async () => {
  const asOf = await browser.exec('return document.getElementById("dashboard").dataset.asOf');
  assert(/^\d{4}-\d{2}-\d{2}$/.test(asOf), `as of date: ${asOf}`);
  const sc = await api(`/api/v1/campaigns/${campaign.id}/scorecard?as_of=${asOf}`);
  assertEqual(sc.targets.length, 12, 'the demo plan has twelve targets');
  await assertCardsMatch(sc);
  const field = await browser.prop(await browser.find('#as-of'), 'value');
  assertEqual(parseDate(field), asOf, `the date field shows dd/mm/yyyy (${field})`);
  assert(/^\d{2}\/\d{2}\/\d{4}$/.test(field), `date field format: ${field}`);
});

test('changing the "as of" date changes the figures to the API\'s for that date', async () => {
  const now = await browser.exec('return document.getElementById("dashboard").dataset.asOf');
  const current = await api(`/api/v1/campaigns/${campaign.id}/scorecard?as_of=${now}`);
  const year = Number(campaign.starts_on.slice(0, 4));
  const candidates = [`${year}-06-30`, `${year}-03-31`, `${year}-09-30`, campaign.ends_on, campaign.starts_on]
    .filter((d) => d >= campaign.starts_on && d !== now);
  let target = null;
  let other = null;
  for (const d of candidates) {
    other = await api(`/api/v1/campaigns/${campaign.id}/scorecard?as_of=${d}`);
    if (shown(other) !== shown(current)) {
      target = d;
      break;
    }
  }
  assert(target, 'the demo data gives different figures on some earlier date');
  const field = await browser.find('#as-of');
  await browser.clear(field);
  const [y, m, d] = target.split('-');
  await browser.type(field, `${d}/${m}/${y}\uE007`);
  await waitAsOf(target);
  await assertCardsMatch(other);
  const text = await browser.text(await browser.find('#as-of-text'));
  assert(text.includes(`${d}/${m}/${y}`), `the date is written dd/mm/yyyy: ${text}`);
  assert((await browser.url()).includes(`as_of=${target}`), 'the date is kept in the address');

  // A preset button goes back to the year's end.
  await browser.click(await browser.find('#preset-end'));
  await waitAsOf(campaign.ends_on);
  await assertCardsMatch(await api(`/api/v1/campaigns/${campaign.id}/scorecard?as_of=${campaign.ends_on}`));

  // A date that does not exist is refused on the page, the figures stay.
  await browser.clear(field);
  await browser.type(field, '31/02/2025\uE007');
  const err = await browser.waitFor('the date error', async () => {
    const el = await browser.find('#as-of-error');
    return (await browser.displayed(el)) && browser.text(el);
  });
  assert(err.includes('Ngày không hợp lệ'), `date error: ${err}`);
  assertEqual(await browser.exec('return document.getElementById("dashboard").dataset.asOf'), campaign.ends_on, 'figures kept');

  // Back to the final figures (the day the campaign closes) for what follows.
  await browser.click(await browser.find('#preset-close'));
  await waitAsOf(campaign.closes_on);
  assertEqual(await browser.displayed(await browser.find('#as-of-error')), false, 'the error is gone');
  await drainNetworkLog();
});

async function columnValues(col) {
  return browser.exec(`return [...document.querySelectorAll('#units-table tbody tr')].map((tr) => {
    const c = tr.querySelector('[data-col="${col}"]');
    return c.querySelector('.cell-main') ? c.querySelector('.cell-main').textContent.trim() : c.textContent.trim();
  });`);
}

test('the units\' table has the API\'s units and sorts by its columns', async () => {
  const asOf = await browser.exec('return document.getElementById("dashboard").dataset.asOf');
  const data = await api(`/api/v1/campaigns/${campaign.id}/units/scorecard?as_of=${asOf}`);
  assert(data.units.length > 1, 'the demo has several member units');
  const rows = await browser.exec(`return [...document.querySelectorAll('#units-table tbody tr')].map((tr) => tr.dataset.unit);`);
  assertEqual(JSON.stringify([...rows].sort()), JSON.stringify(data.units.map((u) => u.code).sort()), 'one row per member unit');
  const byCode = Object.fromEntries(data.units.map((u) => [u.code, u]));
  const staffShown = await columnValues('staff');
  rows.forEach((code, i) => assertEqual(staffShown[i], formatInteger(byCode[code].active_staff), `staff of ${code}`));

  // Sort by staff: ascending by click, then descending by keyboard.
  await browser.click(await browser.find('button[data-sort="staff"]'));
  let staff = (await columnValues('staff')).map((s) => Number(s.replace(/\./g, '')));
  assertEqual(JSON.stringify(staff), JSON.stringify([...staff].sort((a, b) => a - b)), 'ascending staff');
  assertEqual(await browser.attr(await browser.find('th[data-col="staff"]'), 'aria-sort'), 'ascending', 'aria-sort');
  assertEqual(JSON.stringify([...staff].sort((a, b) => a - b)),
    JSON.stringify(data.units.map((u) => u.active_staff).sort((a, b) => a - b)), 'the same figures as the API');
  await browser.exec('document.querySelector(\'button[data-sort="staff"]\').focus()');
  await browser.keys('\uE007');
  staff = (await columnValues('staff')).map((s) => Number(s.replace(/\./g, '')));
  assertEqual(JSON.stringify(staff), JSON.stringify([...staff].sort((a, b) => b - a)), 'descending staff (keyboard)');
  assertEqual(await browser.attr(await browser.find('th[data-col="staff"]'), 'aria-sort'), 'descending', 'aria-sort descending');

  // By name, the Vietnamese way.
  await browser.click(await browser.find('button[data-sort="name"]'));
  const names = await columnValues('name');
  const collator = new Intl.Collator('vi', { sensitivity: 'base', numeric: true });
  assertEqual(JSON.stringify(names), JSON.stringify([...names].sort(collator.compare)), 'names A→Z');
  assertEqual(await browser.attr(await browser.find('th[data-col="name"]'), 'aria-sort'), 'ascending', 'name aria-sort');
  assertEqual(await browser.attr(await browser.find('th[data-col="staff"]'), 'aria-sort'), 'none', 'the old sort is cleared');

  // Study coverage: the weakest first.
  await browser.click(await browser.find('button[data-sort="study"]'));
  const cov = await browser.exec(`return [...document.querySelectorAll('#units-table tbody tr')].map((tr) => tr.dataset.unit);`);
  const ratio = (u) => (u.study_covered === null || !u.active_staff ? Infinity : u.study_covered / u.active_staff);
  for (let i = 1; i < cov.length; i++) {
    assert(ratio(byCode[cov[i - 1]]) <= ratio(byCode[cov[i]]), `study coverage ascending at row ${i + 1}`);
  }
});

test('the trend chart draws the series endpoint\'s points and the threshold', async () => {
  await browser.waitFor('the chart', () => browser.exec('return !!document.querySelector("#chart svg.chart")'));
  const code = await browser.prop(await browser.find('#series-target'), 'value');
  const asOf = await browser.exec('return document.getElementById("dashboard").dataset.asOf');
  const to = asOf > campaign.closes_on ? campaign.closes_on : asOf;
  const series = await api(`/api/v1/campaigns/${campaign.id}/targets/${code}/series?from=${campaign.starts_on}&to=${to}&step=month`);
  const points = series.points;
  assert(points.length > 0, 'the series has points');
  const known = points.filter((p) => p.value !== null).length;
  const dots = await browser.exec('return document.querySelectorAll("#chart circle.dot").length');
  assertEqual(dots, known, 'one dot per point with a value');
  const rows = await browser.exec('return document.querySelectorAll("#series-table tbody tr").length');
  assertEqual(rows, points.length, 'the data table lists every point');
  const sc = await api(`/api/v1/campaigns/${campaign.id}/scorecard?as_of=${asOf}`);
  const t = sc.targets.find((x) => x.code === code);
  if (t.threshold !== null) {
    assert(await browser.exec('return !!document.querySelector("#chart .threshold-line line")'), 'threshold line');
  }
  // Weeks give more points than months.
  await browser.click(await browser.find('input[name="step"][value="week"]'));
  const weekly = await api(`/api/v1/campaigns/${campaign.id}/targets/${code}/series?from=${campaign.starts_on}&to=${to}&step=week`);
  await browser.waitFor('the weekly chart', async () =>
    (await browser.exec('return document.querySelectorAll("#series-table tbody tr").length')) === weekly.points.length);
  assert(weekly.points.length > points.length, 'weekly has more points than monthly');
});

test('full-page screenshot, phone width and A4 print', async () => {
  const png = await browser.screenshotFullPage(join(ARTIFACTS, 'dashboard.png'));
  console.log(`screenshot: ${png}`);
  assert(readFileSync(png).subarray(1, 4).toString() === 'PNG', 'a PNG was written');

  const pdf = await browser.cdp('Page.printToPDF', { preferCSSPageSize: true, printBackground: true });
  const bytes = Buffer.from(pdf.data, 'base64');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(ARTIFACTS, 'dashboard.pdf'), bytes);
  console.log(`print: ${join(ARTIFACTS, 'dashboard.pdf')}`);
  const box = /\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/.exec(bytes.toString('latin1'));
  assert(box, 'the PDF has a page');
  assert(Math.abs(Number(box[1]) - 595.3) < 2 && Math.abs(Number(box[2]) - 841.9) < 2, `A4 pages: ${box[1]}×${box[2]}`);

  await browser.cmd('POST', '/window/rect', { width: 390, height: 844 });
  await browser.waitFor('the phone layout', () => browser.exec('return window.innerWidth <= 400'));
  const overflow = await browser.exec('return document.documentElement.scrollWidth - window.innerWidth');
  assert(overflow <= 0, `nothing wider than a phone's screen (overflow ${overflow}px)`);
  const phone = await browser.screenshotFullPage(join(ARTIFACTS, 'dashboard-phone.png'));
  console.log(`screenshot: ${phone}`);
  await browser.cmd('POST', '/window/rect', { width: 1366, height: 900 });
});

test('an expired session brings back the login form with a message', async () => {
  psql(`UPDATE sessions SET expires_at = now() - interval '1 second'
        WHERE user_id = (SELECT id FROM users WHERE username = :'p1')`, USER);
  await browser.click(await browser.find('#preset-end'));
  await waitState('login');
  const msg = await browser.text(await browser.find('#login-message'));
  assert(msg.includes('Phiên làm việc đã hết hạn'), `message: ${msg}`);
  const name = await browser.find('#username');
  assertEqual(await browser.prop(name, 'value'), USER, 'the user name is kept for logging in again');
  assertEqual(await browser.exec('return document.activeElement.id'), 'password', 'the password field has the focus');
  await browser.type(await browser.find('#password'), `${PASSWORD}\uE007`);
  await waitState('ready');
});

test('logs out, also from a page that lost its CSRF token', async () => {
  // A reload with sessionStorage gone: the token is read back from the server.
  await browser.exec('sessionStorage.clear()');
  await browser.go(`${BASE}/?campaign=${campaign.id}`);
  await waitState('ready');
  await browser.click(await browser.find('#logout'));
  await waitState('login');
  const msg = await browser.text(await browser.find('#login-message'));
  assert(msg.includes('Đã đăng xuất'), `message: ${msg}`);
  const cookies = await browser.cmd('GET', '/cookie');
  assert(!cookies.some((c) => c.name === 'thidua_session' && c.value), 'the cookie is gone');
  const status = await browser.execAsync(`const done = arguments[arguments.length - 1];
    fetch('/api/v1/sessions/current').then((r) => done(r.status), () => done(0));`);
  assertEqual(status, 401, 'the server has no session for the page');
  assertEqual(psql(`SELECT count(*) FROM sessions WHERE user_id = (SELECT id FROM users WHERE username = :'p1')
                    AND expires_at > now()`, USER), '0', 'the session is deleted');
  await drainNetworkLog();
});

test('the page makes no request outside the server', async () => {
  await drainNetworkLog();
  const origin = new URL(BASE).origin;
  assert(seenUrls.some((u) => u.endsWith('/js/main.js')), 'the log saw the page load its own scripts');
  assert(seenUrls.some((u) => u.includes('/api/v1/campaigns/')), 'the log saw the API calls');
  const outside = outsideRequests(seenUrls, origin);
  assertEqual(JSON.stringify(outside), '[]', 'requests outside the server');
  // The check itself finds one (so it is not a check that cannot fail).
  assertEqual(outsideRequests([`${origin}/x`, 'https://fonts.example.org/a.css', 'data:,', 'ws://127.0.0.2:80/'], origin).length, 2, 'detector');
  // Nothing was refused by the Content-Security-Policy either (an attempt
  // to load from elsewhere, an inline script or style).
  const refused = consoleLines.filter((m) => /Content Security Policy|Refused to/i.test(m));
  assertEqual(JSON.stringify(refused), '[]', 'CSP reports in the console');
  const resources = await browser.exec('return performance.getEntriesByType("resource").map((e) => e.name)');
  assertEqual(JSON.stringify(outsideRequests(resources, origin)), '[]', 'resource timing entries outside the server');
});

run('dashboard', { before, after });
