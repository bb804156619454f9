// session.mjs — what the browser tests of a dashboard page (awards,
// reports) share: the test stack's settings from the environment, psql and
// the thidua command on its database, the demo agency SNV loaded when the
// database has none, users made with `thidua user add` and logged in
// through the API, the API called with a user's token, and the page driven
// in the browser: its state, its loads, a login as someone.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assert } from './webdriver.mjs';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run through tests/run.sh (make test)`);
  return v;
};
export const BASE = env('THIDUA_URL');
export const DB = env('THIDUA_TEST_DB');
export const ARTIFACTS = join(env('THIDUA_VAR'), 'artifacts');

/** psql on the test database; params are :p1, :p2... */
export function psql(sql, ...params) {
  const args = [DB, '-v', 'ON_ERROR_STOP=1', '-Atq'];
  params.forEach((p, i) => args.push('-v', `p${i + 1}=${p}`));
  return execFileSync('psql', args, { input: sql, encoding: 'utf8' }).trim();
}

/** `thidua ARGS` with the test stack's configuration. */
export function cli(args, input) {
  execFileSync(env('THIDUA_BIN_PATH'), ['--config', env('THIDUA_CONFIG_FILE'), ...args], {
    input, stdio: ['pipe', 'ignore', 'inherit'],
  });
}

/**
 * Loads sql/demo/*.sql when the database has no demo agency (as
 * dashboard.test.mjs does); makes each user of `users` ({key: [username,
 * role, ...more `user add` arguments]}) in SNV and logs it in: its token
 * and id into tokens[key] and ids[key]. Returns the demo campaign TD2025.
 */
export async function setUpDemo({ users, password, tokens, ids = {} }) {
  if (psql("SELECT count(*) FROM units WHERE code = 'SNV' AND kind = 'agency'") === '0') {
    const dir = join(root, 'sql', 'demo');
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.sql')).sort()) {
      execFileSync('psql', [DB, '-v', 'ON_ERROR_STOP=1', '-q', '-1', '-f', join(dir, f)], { stdio: ['ignore', 'ignore', 'inherit'] });
    }
  }
  for (const [username, role, ...more] of Object.values(users)) {
    cli(['user', 'add', username, '--role', role, '--agency', 'SNV', ...more], `${password}\n`);
  }
  for (const [k, [username]] of Object.entries(users)) {
    const r = await fetch(`${BASE}/api/v1/sessions`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password }),
    });
    if (!r.ok) throw new Error(`login ${username}: ${r.status}`);
    const out = await r.json();
    tokens[k] = out.token;
    ids[k] = out.user.id;
  }
  const list = await apiAs(tokens[Object.keys(users)[0]], '/api/v1/campaigns?limit=1000');
  const agencyId = psql("SELECT id FROM units WHERE code = 'SNV' AND kind = 'agency'");
  const campaign = list.items.find((c) => String(c.agency_id) === agencyId && c.code === 'TD2025');
  assert(campaign, 'the demo campaign TD2025 of SNV is listed by the API');
  return campaign;
}

async function apiAs(token, path, { method = 'GET', body } = {}) {
  const r = await fetch(BASE + path, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/**
 * The helpers of one page (`page`: "awards", "reports"): browser() and
 * campaign() give the test's current ones, tokens its users' tokens.
 */
export function pageSession({ page, password, browser, campaign, tokens }) {
  const api = (path, { method = 'GET', body, as = 'office' } = {}) => apiAs(tokens[as], path, { method, body });
  const state = () => browser().exec('return document.body.dataset.state');
  const waitState = (want) => browser().waitFor(`page state ${want}`, async () => (await state()) === want);
  const loadedCount = () => browser().exec(`return Number(document.getElementById("page-${page}").dataset.loaded || 0)`);
  async function waitLoadedAfter(before, what) {
    await browser().waitFor(what, async () => (await loadedCount()) > before && (await state()) === 'ready');
  }
  const url = () => `${BASE}/?campaign=${campaign().id}&page=${page}`;

  /** Logs the browser in as `who` on the page (logging out whoever was in). */
  async function loginAs(who) {
    const b = browser();
    await b.go(url());
    await b.waitFor('the page to settle', async () => ['login', 'ready', 'error'].includes(await state()));
    if ((await state()) !== 'login') {
      await b.click(await b.find('#logout'));
      await waitState('login');
      await b.go(url());
      await waitState('login');
    }
    const user = await b.find('#username');
    await b.clear(user);
    await b.type(user, who);
    await b.type(await b.find('#password'), `${password}\uE007`);
    await b.waitFor(`the ${page} page for ${who}`, async () =>
      (await state()) === 'ready' && (await loadedCount()) > 0
      && b.exec(`return !document.getElementById("page-${page}").hidden`));
  }
  return { api, state, waitState, loadedCount, waitLoadedAfter, url, loginAs };
}
