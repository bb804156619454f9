// webdriver.mjs — a small W3C WebDriver client for the browser tests:
// starts Debian's chromedriver, opens headless Chromium and drives it with
// Node's built-in fetch. Nothing is downloaded. Also a tiny test runner
// that prints "N passed, N failed" as tests/run.sh expects.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';
const WAIT_MS = 20000;

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export class Browser {
  /** Starts chromedriver and a headless Chromium session; call quit() at the end. */
  static async start({ width = 1366, height = 900, lang = 'vi-VN' } = {}) {
    const b = new Browser();
    b.port = await freePort();
    b.profile = mkdtempSync(join(tmpdir(), 'thidua-chromium-'));
    b.driver = spawn(process.env.CHROMEDRIVER || '/usr/bin/chromedriver', [`--port=${b.port}`], {
      stdio: ['ignore', 'ignore', 'inherit'],
      // Chromium on Linux takes its interface language (and so how a date
      // field shows its value: 31/12/2025) from LANGUAGE.
      env: { ...process.env, LANGUAGE: lang.replace('-', '_').split('_')[0], LANG: 'C.UTF-8' },
    });
    b.base = `http://127.0.0.1:${b.port}`;
    for (let i = 0; ; i++) {
      try {
        const r = await fetch(`${b.base}/status`);
        if ((await r.json()).value.ready) break;
      } catch {
        // not listening yet
      }
      if (i > 200) throw new Error('chromedriver did not start');
      await sleep(50);
    }
    const args = [
      '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-default-apps', '--disable-extensions', '--disable-dev-shm-usage',
      '--no-default-browser-check', '--metrics-recording-only', '--password-store=basic',
      `--user-data-dir=${b.profile}`, `--window-size=${width},${height}`, `--lang=${lang}`,
    ];
    const caps = {
      capabilities: {
        alwaysMatch: {
          browserName: 'chrome',
          'goog:chromeOptions': {
            binary: process.env.CHROMIUM || '/usr/bin/chromium',
            args,
            prefs: { 'intl.accept_languages': lang },
          },
          'goog:loggingPrefs': { performance: 'ALL', browser: 'ALL' },
        },
      },
    };
    const out = await b.raw('POST', '/session', caps);
    b.session = out.sessionId;
    return b;
  }

  async raw(method, path, body) {
    const r = await fetch(this.base + path, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const j = await r.json();
    if (!r.ok) {
      const v = j.value || {};
      const e = new Error(`WebDriver ${method} ${path}: ${v.error}: ${v.message}`);
      e.wd = v.error;
      throw e;
    }
    return j.value;
  }

  cmd(method, path, body) {
    return this.raw(method, `/session/${this.session}${path}`, body);
  }

  async quit() {
    try {
      if (this.session) await this.cmd('DELETE', '');
    } finally {
      this.driver.kill('SIGTERM');
      rmSync(this.profile, { recursive: true, force: true });
    }
  }

  go(url) { return this.cmd('POST', '/url', { url }); }
  url() { return this.cmd('GET', '/url'); }

  /** Runs a function body in the page: `return …` with arguments[0..]. */
  exec(script, ...args) { return this.cmd('POST', '/execute/sync', { script, args }); }
  execAsync(script, ...args) { return this.cmd('POST', '/execute/async', { script, args }); }

  async find(css) {
    const v = await this.cmd('POST', '/element', { using: 'css selector', value: css });
    return v[ELEMENT];
  }
  async findAll(css) {
    const v = await this.cmd('POST', '/elements', { using: 'css selector', value: css });
    return v.map((e) => e[ELEMENT]);
  }
  click(el) { return this.cmd('POST', `/element/${el}/click`, {}); }
  clear(el) { return this.cmd('POST', `/element/${el}/clear`, {}); }
  type(el, text) { return this.cmd('POST', `/element/${el}/value`, { text }); }
  text(el) { return this.cmd('GET', `/element/${el}/text`); }
  attr(el, name) { return this.cmd('GET', `/element/${el}/attribute/${name}`); }
  prop(el, name) { return this.cmd('GET', `/element/${el}/property/${name}`); }
  displayed(el) { return this.cmd('GET', `/element/${el}/displayed`); }
  /** Keys to the focused element (WebDriver key codes, e.g. "\uE007" Enter). */
  async keys(text) {
    const actions = [...text].flatMap((c) => [{ type: 'keyDown', value: c }, { type: 'keyUp', value: c }]);
    await this.cmd('POST', '/actions', { actions: [{ type: 'key', id: 'kbd', actions }] });
    await this.cmd('DELETE', '/actions');
  }

  /** Polls fn until it returns a truthy value; fails with `what` after a while. */
  async waitFor(what, fn, ms = WAIT_MS) {
    const end = Date.now() + ms;
    let last;
    for (;;) {
      try {
        last = await fn();
        if (last) return last;
      } catch (e) {
        last = e.message;
      }
      if (Date.now() > end) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
      await sleep(100);
    }
  }

  /** Chrome DevTools Protocol through chromedriver. */
  cdp(cmd, params = {}) { return this.cmd('POST', '/goog/cdp/execute', { cmd, params }); }

  /** A PNG of the whole page (beyond the window), written to `file`. */
  async screenshotFullPage(file) {
    const m = await this.cdp('Page.getLayoutMetrics', {});
    const size = m.cssContentSize || m.contentSize;
    const shot = await this.cdp('Page.captureScreenshot', {
      format: 'png',
      captureBeyondViewport: true,
      clip: { x: 0, y: 0, width: Math.ceil(size.width), height: Math.ceil(size.height), scale: 1 },
    });
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, Buffer.from(shot.data, 'base64'));
    return file;
  }

  /** Entries of a log ("performance", "browser") since the last call. */
  async log(type) {
    return this.cmd('POST', '/se/log', { type });
  }
}

/** The URLs the page asked for, from performance-log entries (CDP Network events). */
export function requestedUrls(entries) {
  const urls = [];
  for (const e of entries) {
    let msg;
    try {
      msg = JSON.parse(e.message).message;
    } catch {
      continue;
    }
    if (msg.method === 'Network.requestWillBeSent') urls.push(msg.params.request.url);
    else if (msg.method === 'Network.webSocketCreated') urls.push(msg.params.url);
  }
  return urls;
}

/**
 * Those of `urls` that go over the network anywhere but `origin`. Only the
 * browser's own pages use chrome: and the like (the new tab before the
 * first navigation); data: and blob: stay in the page.
 */
export function outsideRequests(urls, origin) {
  const local = ['data:', 'blob:', 'about:', 'chrome:', 'chrome-untrusted:', 'chrome-extension:', 'devtools:'];
  return urls.filter((u) => {
    if (local.some((s) => u.startsWith(s))) return false;
    try {
      return new URL(u).origin !== origin;
    } catch {
      return true;
    }
  });
}

// ------------------------------------------------------------------ runner

const tests = [];
/** Registers a test; tests run in order and share state through closures. */
export function test(name, fn) {
  tests.push({ name, fn });
}

export function assert(cond, message) {
  if (!cond) throw new Error(message);
}

export function assertEqual(actual, expected, message) {
  if (actual !== expected) {
    throw new Error(`${message}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

/**
 * Runs the registered tests in order; after a failure the rest that depend
 * on the page state still run (each reports on its own). `after` always runs.
 * Exits non-zero on any failure.
 */
export async function run(suite, { before, after } = {}) {
  let passed = 0;
  let failed = 0;
  console.log(`[==========] ${suite}: running ${tests.length} test(s).`);
  try {
    if (before) await before();
    for (const t of tests) {
      console.log(`[ RUN      ] ${t.name}`);
      try {
        await t.fn();
        passed++;
        console.log(`[       OK ] ${t.name}`);
      } catch (e) {
        failed++;
        console.log(`[  FAILED  ] ${t.name}\n${e.stack || e}`);
      }
    }
  } catch (e) {
    failed++;
    console.log(`[  ERROR   ] set-up failed: ${e.stack || e}`);
  } finally {
    if (after) {
      try {
        await after();
      } catch (e) {
        console.log(`[  ERROR   ] tear-down: ${e.stack || e}`);
      }
    }
  }
  console.log(`[==========] ${suite}: ${passed + failed} test(s) run.`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}
