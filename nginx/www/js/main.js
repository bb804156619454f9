// main.js — the dashboard page: login and logout, the campaign and the
// "as of" date (kept in the address so a view can be bookmarked or
// printed), then the scorecard, the units' table and the chart; or, on the
// "Khen thưởng" page (?page=awards, awards.js), the awards workflow; or,
// on the "Báo cáo" page (?page=reports, reports.js), the campaign's reports.
// body[data-state] is "login", "loading", "ready" or "error", and
// #dashboard[data-as-of] the date of the figures shown: what a person sees
// and what the browser tests wait for.
import * as api from './api.js';
import { h } from './dom.js';
import { formatDate, parseDate, todayInVietnam } from './format.js';
import { renderScorecard, isPercent } from './scorecard.js';
import { UnitsTable } from './units.js';
import { renderChart } from './chart.js';
import { AwardsPage } from './awards.js';
import { ReportsPage } from './reports.js';

const $ = (id) => document.getElementById(id);

const ROLES = {
  admin: 'Quản trị hệ thống',
  office: 'Văn phòng',
  unit_head: 'Trưởng đơn vị',
  council: 'Hội đồng Thi đua - Khen thưởng',
  director: 'Ban Giám đốc',
  viewer: 'Người xem',
};

const state = {
  user: null,
  campaigns: [],
  campaign: null,
  asOf: null,
  page: 'scorecard',
  scorecard: null,
  seriesCode: null,
  step: 'month',
  points: null,
  loadSeq: 0,
  seriesSeq: 0,
};

let unitsTable;
let awardsPage;
let reportsPage;
const PAGES = ['scorecard', 'awards', 'reports'];
// The pages other than the scorecard: their object (show, clear) and what
// a failed load says.
const OTHER_PAGES = {
  awards: { page: () => awardsPage, failure: 'Không tải được trang khen thưởng' },
  reports: { page: () => reportsPage, failure: 'Không tải được trang báo cáo' },
};

function setState(name) {
  document.body.dataset.state = name;
}

function notice(text, kind = 'error') {
  const el = $('notice');
  if (!text) {
    el.hidden = true;
    el.textContent = '';
    return;
  }
  el.className = `notice notice-${kind}`;
  el.textContent = text;
  el.hidden = false;
}

// ------------------------------------------------------------------ login

function showLogin(message = '', kind = 'error') {
  state.user = null;
  $('dashboard').hidden = true;
  $('session-box').hidden = true;
  $('login-view').hidden = false;
  notice('');
  const msg = $('login-message');
  msg.textContent = message;
  msg.className = `form-message form-message-${kind}`;
  msg.hidden = !message;
  $('password').value = '';
  if (awardsPage) awardsPage.clear();
  if (reportsPage) reportsPage.clear();
  setState('login');
  // After an expired session the name is still there: only the password is asked.
  ($('username').value ? $('password') : $('username')).focus();
}

async function onLogin(ev) {
  ev.preventDefault();
  const username = $('username').value.trim();
  const password = $('password').value;
  const msg = $('login-message');
  if (!username || !password) {
    msg.textContent = 'Vui lòng nhập tên đăng nhập và mật khẩu.';
    msg.className = 'form-message form-message-error';
    msg.hidden = false;
    (username ? $('password') : $('username')).focus();
    return;
  }
  const button = $('login-submit');
  button.disabled = true;
  try {
    const user = await api.login(username, password);
    msg.hidden = true;
    await startDashboard(user);
  } catch (e) {
    msg.textContent = e.status === 401 ? 'Sai tên đăng nhập hoặc mật khẩu. Vui lòng thử lại.' : e.message;
    msg.className = 'form-message form-message-error';
    msg.hidden = false;
    $('password').value = '';
    $('password').focus();
  } finally {
    button.disabled = false;
  }
}

async function onLogout() {
  try {
    await api.logout();
  } catch (e) {
    if (e.status !== 401) {
      notice(`Đăng xuất không thành công: ${e.message}`);
      return;
    }
  }
  history.replaceState(null, '', location.pathname);
  state.page = 'scorecard';
  showLogin('Đã đăng xuất.', 'info');
}

// -------------------------------------------------------------- campaign

function clampDate(d, lo, hi) {
  if (lo && d < lo) return lo;
  if (hi && d > hi) return hi;
  return d;
}

function pickCampaign(list, wantedId) {
  const byId = list.find((c) => String(c.id) === String(wantedId));
  if (byId) return byId;
  const today = todayInVietnam();
  const running = list.filter((c) => c.starts_on <= today && today <= (c.closes_on || c.ends_on));
  const pool = running.length ? running : list;
  return [...pool].sort((a, b) => b.year - a.year || b.id - a.id)[0];
}

function defaultAsOf(c) {
  return clampDate(todayInVietnam(), c.starts_on, c.closes_on || c.ends_on);
}

function keepInAddress() {
  const q = new URLSearchParams();
  if (state.campaign) q.set('campaign', state.campaign.id);
  if (state.asOf) q.set('as_of', state.asOf);
  if (state.page !== 'scorecard') q.set('page', state.page);
  history.replaceState(null, '', `${location.pathname}?${q}`);
}

async function startDashboard(user) {
  state.user = user;
  $('login-view').hidden = true;
  $('session-box').hidden = false;
  $('user-name').textContent = `${user.username} (${ROLES[user.role] || user.role})`;
  $('dashboard').hidden = false;
  setState('loading');
  notice('');
  try {
    const list = await api.campaigns();
    state.campaigns = list.items || [];
  } catch (e) {
    if (e.status === 401) return;
    fail(`Không tải được danh sách phong trào: ${e.message}`);
    return;
  }
  if (!state.campaigns.length) {
    fail('Chưa có phong trào thi đua nào để theo dõi.', 'info');
    return;
  }
  const params = new URLSearchParams(location.search);
  if (PAGES.includes(params.get('page'))) state.page = params.get('page');
  if (params.get('report')) reportsPage.want(params.get('report'));
  const select = $('campaign-select');
  select.replaceChildren(...[...state.campaigns]
    .sort((a, b) => b.year - a.year || a.name.localeCompare(b.name, 'vi'))
    .map((c) => h('option', { value: c.id, text: `${c.year} — ${c.name}` })));
  $('campaign-field').hidden = state.campaigns.length < 2;
  await chooseCampaign(pickCampaign(state.campaigns, params.get('campaign')), parseDate(params.get('as_of') || ''));
}

async function chooseCampaign(c, asOf) {
  state.campaign = c;
  state.seriesCode = null;
  $('campaign-select').value = String(c.id);
  $('campaign-name').textContent = c.name;
  $('campaign-theme').textContent = c.theme ? `Chủ đề: “${c.theme}”` : '';
  $('campaign-theme').hidden = !c.theme;
  $('campaign-plan').textContent = [
    c.plan_number ? `Kế hoạch số ${c.plan_number}` : '',
    `Năm ${c.year}: từ ${formatDate(c.starts_on)} đến ${formatDate(c.ends_on)}`,
  ].filter(Boolean).join(' · ');
  document.title = `${c.name} — Bảng theo dõi thi đua`;
  const closes = c.closes_on || c.ends_on;
  const picker = $('as-of-picker');
  picker.min = c.starts_on;
  picker.max = closes;
  $('preset-end').textContent = `Cuối năm (${formatDate(c.ends_on)})`;
  $('preset-close').textContent = `Khép sổ (${formatDate(closes)})`;
  api.unit(c.agency_id).then((u) => {
    $('agency-name').textContent = u.name;
    document.title = `${u.name} — ${c.name}`;
  }).catch(() => {
    $('agency-name').textContent = 'Bảng theo dõi thi đua';
  });
  await setAsOf(asOf || defaultAsOf(c), false);
  await showPage(state.page);
}

// ----------------------------------------------------------------- pages

/** Shows one page ("scorecard", "awards" or "reports") and loads its data afresh. */
async function showPage(name) {
  state.page = PAGES.includes(name) ? name : 'scorecard';
  const other = OTHER_PAGES[state.page];
  $('dashboard').dataset.page = state.page;
  for (const p of PAGES) $(`page-${p}`).hidden = p !== state.page;
  // On the other pages the toolbar only chooses the campaign.
  $('toolbar').hidden = !!other && $('campaign-field').hidden;
  for (const a of document.querySelectorAll('nav.pages a')) {
    if (a.dataset.page === state.page) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
    const q = new URLSearchParams(location.search);
    q.set('page', a.dataset.page);
    a.href = `?${q}`;
  }
  keepInAddress();
  if (!other) {
    await load();
    return;
  }
  const shown = state.page;
  state.loadSeq++; // a scorecard still loading no longer sets the page state
  setState('loading');
  notice('');
  try {
    await other.page().show(state.user, state.campaign);
    if (state.page === shown) setState('ready');
  } catch (e) {
    if (e.status === 401 || state.page !== shown) return;
    fail(`${other.failure}: ${e.message}`);
  }
}

// ---------------------------------------------------------------- as of

async function setAsOf(iso, reload = true) {
  state.asOf = iso;
  $('as-of').value = formatDate(iso);
  $('as-of-picker').value = iso;
  $('as-of-error').hidden = true;
  keepInAddress();
  if (reload && state.page === 'scorecard') await load();
}

function onAsOfChange() {
  const input = $('as-of');
  const iso = parseDate(input.value);
  if (!iso) {
    $('as-of-error').textContent = 'Ngày không hợp lệ; vui lòng chọn ngày theo dạng ngày/tháng/năm.';
    $('as-of-error').hidden = false;
    return;
  }
  if (iso !== state.asOf) setAsOf(iso);
}

function fail(message, kind = 'error') {
  notice(message, kind);
  setState(kind === 'error' ? 'error' : 'ready');
}

function describeAsOf(sc) {
  const c = state.campaign;
  const closes = c.closes_on || c.ends_on;
  $('as-of-text').replaceChildren(
    'Số liệu tính đến ngày ', h('strong', { 'data-role': 'as-of', text: formatDate(sc.as_of) }), '. ',
    sc.final
      ? h('span', { class: 'final', text: `Số liệu chính thức (đã khép sổ ngày ${formatDate(closes)}).` })
      : h('span', { class: 'provisional', text: `Số liệu tạm tính: các quyết định về năm ${c.year} còn được ghi nhận đến ngày ${formatDate(closes)}.` }),
  );
}

// The final scorecard of the same agency's campaign of the year before, or
// null; fetched once per campaign. A failure only loses the comparison.
const previousCache = new Map();
function previousYear(c) {
  if (!previousCache.has(c.id)) {
    const prev = state.campaigns.filter((x) => x.agency_id === c.agency_id && x.year === c.year - 1)
      .sort((a, b) => b.id - a.id)[0];
    previousCache.set(c.id, prev
      ? api.scorecard(prev.id, prev.closes_on || prev.ends_on).catch(() => null)
      : Promise.resolve(null));
  }
  return previousCache.get(c.id);
}

async function load() {
  const seq = ++state.loadSeq;
  const c = state.campaign;
  const asOf = state.asOf;
  setState('loading');
  $('dashboard').setAttribute('aria-busy', 'true');
  try {
    const [sc, units, previous] = await Promise.all([
      api.scorecard(c.id, asOf), api.unitsScorecard(c.id, asOf), previousYear(c),
    ]);
    if (seq !== state.loadSeq) return;
    state.scorecard = sc;
    notice('');
    describeAsOf(sc);
    renderScorecard($('cards'), $('summary'), sc, previous);
    unitsTable.render(units, sc.targets);
    setupSeriesChoices(sc.targets);
    $('dashboard').dataset.asOf = sc.as_of;
    $('dashboard').removeAttribute('aria-busy');
    await loadSeries();
    if (seq === state.loadSeq) setState('ready');
  } catch (e) {
    if (seq !== state.loadSeq || e.status === 401) return;
    $('dashboard').removeAttribute('aria-busy');
    fail(`Không tải được số liệu: ${e.message}`);
  }
}

// ---------------------------------------------------------------- series

function setupSeriesChoices(targets) {
  const percent = targets.filter(isPercent);
  const select = $('series-target');
  $('trend').hidden = !percent.length;
  if (!percent.length) return;
  if (!percent.some((t) => t.code === state.seriesCode)) {
    state.seriesCode = (percent.find((t) => t.metric === 'study_coverage') || percent[0]).code;
  }
  select.replaceChildren(...percent.map((t) => h('option', { value: t.code, text: t.name })));
  select.value = state.seriesCode;
}

async function loadSeries() {
  const target = state.scorecard && state.scorecard.targets.find((t) => t.code === state.seriesCode);
  if (!target) return;
  const seq = ++state.seriesSeq;
  const c = state.campaign;
  const to = clampDate(state.asOf, c.starts_on, c.closes_on || c.ends_on);
  const msg = $('series-message');
  try {
    const out = await api.series(c.id, target.code, c.starts_on, to, state.step);
    if (seq !== state.seriesSeq) return;
    state.points = out.points || out.items || [];
    msg.hidden = true;
    drawChart();
  } catch (e) {
    if (seq !== state.seriesSeq || e.status === 401) return;
    state.points = null;
    $('chart').replaceChildren();
    $('series-table').replaceChildren();
    msg.textContent = `Không tải được diễn biến: ${e.message}`;
    msg.hidden = false;
  }
}

function drawChart() {
  const target = state.scorecard && state.scorecard.targets.find((t) => t.code === state.seriesCode);
  if (!target || !state.points) return;
  if (!state.points.length) {
    $('chart').replaceChildren(h('p', { text: 'Chưa có mốc số liệu nào trong khoảng thời gian này.' }));
    $('series-table').replaceChildren();
    return;
  }
  renderChart($('chart'), $('series-table'), target, state.points, state.step);
}

// ------------------------------------------------------------------ start

function bind() {
  unitsTable = new UnitsTable($('units-host'), $('units-note'));
  awardsPage = new AwardsPage();
  reportsPage = new ReportsPage();
  for (const a of document.querySelectorAll('nav.pages a')) {
    a.addEventListener('click', (ev) => {
      if (ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.altKey) return; // a new tab: the link
      ev.preventDefault();
      if (a.dataset.page !== state.page) showPage(a.dataset.page);
    });
  }
  $('login-form').addEventListener('submit', onLogin);
  $('logout').addEventListener('click', onLogout);
  $('as-of').addEventListener('change', onAsOfChange);
  $('as-of-picker').addEventListener('change', (ev) => {
    if (ev.target.value) setAsOf(ev.target.value);
  });
  $('as-of-calendar').addEventListener('click', () => {
    const picker = $('as-of-picker');
    if (typeof picker.showPicker === 'function') {
      try {
        picker.showPicker();
        return;
      } catch {
        // Not allowed here: fall through to the text field.
      }
    }
    $('as-of').focus();
  });
  $('controls').addEventListener('submit', (ev) => {
    ev.preventDefault();
    onAsOfChange();
  });
  $('preset-today').addEventListener('click', () => setAsOf(defaultAsOf(state.campaign)));
  $('preset-end').addEventListener('click', () => setAsOf(state.campaign.ends_on));
  $('preset-close').addEventListener('click', () => setAsOf(state.campaign.closes_on || state.campaign.ends_on));
  $('campaign-select').addEventListener('change', (ev) => {
    const c = state.campaigns.find((x) => String(x.id) === ev.target.value);
    if (c) chooseCampaign(c, null);
  });
  $('series-target').addEventListener('change', (ev) => {
    state.seriesCode = ev.target.value;
    loadSeries();
  });
  for (const r of document.querySelectorAll('input[name="step"]')) {
    r.addEventListener('change', (ev) => {
      state.step = ev.target.value;
      loadSeries();
    });
  }
  $('print').addEventListener('click', () => window.print());
  let timer = 0;
  window.addEventListener('resize', () => {
    clearTimeout(timer);
    timer = setTimeout(drawChart, 150);
  });
  api.onSessionLost(() => {
    if (state.user) showLogin('Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại.');
  });
}

async function init() {
  bind();
  try {
    const user = await api.currentUser();
    if (user) await startDashboard(user);
    else showLogin();
  } catch (e) {
    showLogin(e.message);
  }
}

init();
