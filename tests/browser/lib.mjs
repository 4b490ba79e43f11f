// lib.mjs -- what the browser scripts (e2e*.mjs) share:
// the server URL from the command line, Debian's chromium with one page that
// may reach nothing but that server, check()/assert, logging in through the
// UI, and the "N passed, M failed" line run.sh adds up.
//   const { base, page, check, loginAs, finish } = await start('e2e.mjs', { shots: 'xj' })
import { createRequire } from 'node:module'
import { execFileSync } from 'node:child_process'

const require = createRequire(new URL('../../web/package.json', import.meta.url))
const { chromium, request } = require('playwright-core')

// API sessions outside the browser (request.newContext).
export { request as pwRequest }

// A valid 18-character resident ID: region code, YYYYMMDD, 3-digit
// sequence (odd for a male) and the GB 11643 check character.
const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
export function makeId(region, ymd, seq) {
  const id17 = region + ymd + String(seq).padStart(3, '0')
  let s = 0
  for (let i = 0; i < 17; i++) s += Number(id17[i]) * W[i]
  return id17 + '10X98765432'[s % 11]
}

// The password of every demo user (`xueji demo`, and run.sh's users).
export const PASSWORD = 'xueji-demo-2026'

// Run SQL @q on the server's database (run.sh's XJ_E2E_DB: a SQLite
// file, or a postgresql:// URL when the tests run on PostgreSQL), for the
// few set-ups no route makes (a second class, a lowered setting).  Write
// portable SQL: it runs through sqlite3 or psql.
export function dbExec(q) {
  const db = process.env.XJ_E2E_DB
  assert(db, 'XJ_E2E_DB not set (run through tests/browser/run.sh)')
  const pg = /^postgres(ql)?:/.test(db)
  const argv = pg ? ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', db, '-c', q] : [db, q]
  return execFileSync(pg ? 'psql' : 'sqlite3', argv).toString()
}

export class Fail extends Error {}
export function assert(cond, msg) {
  if (!cond) throw new Fail(msg)
}

// An API session of @user outside the browser (setup and cross-checks):
// {user, get(path), post(path, data), patch(path, data), close()};
// get/post/patch answer {status, body}.
export async function apiAs(base, user) {
  const ctx = await request.newContext({ baseURL: base + '/' })
  const r = await ctx.post('api/v1/session', { data: { username: user, password: PASSWORD } })
  if (r.status() !== 200) throw new Fail(`API log-in of ${user} answered ${r.status()}`)
  const b = await r.json()
  const token = b.csrf_token
  return {
    user: b.user,
    get: async (p) => {
      const x = await ctx.get('api/v1' + p)
      return { status: x.status(), body: await x.json().catch(() => null) }
    },
    post: async (p, data) => {
      const x = await ctx.post('api/v1' + p, { data: data || {}, headers: { 'X-CSRF-Token': token } })
      return { status: x.status(), body: await x.json().catch(() => null) }
    },
    patch: async (p, data) => {
      const x = await ctx.patch('api/v1' + p, { data: data || {}, headers: { 'X-CSRF-Token': token } })
      return { status: x.status(), body: await x.json().catch(() => null) }
    },
    put: async (p, data) => {
      const x = await ctx.put('api/v1' + p, { data: data || {}, headers: { 'X-CSRF-Token': token } })
      return { status: x.status(), body: await x.json().catch(() => null) }
    },
    close: () => ctx.dispose()
  }
}


// The server URL (argv[2]; without it print the usage of @script and exit 2),
// then chromium and one page on it.  Options:
//   shots:    name prefix of the screenshot a failed check leaves in /tmp
//   skipNote: if set, after the first failed check every later one fails
//             without running, "(skipped: skipNote)"
export async function start(script, { shots, skipNote = '' }) {
  const base = (process.argv[2] || '').replace(/\/+$/, '')
  if (!base) {
    console.error(`usage: node tests/browser/${script} http://127.0.0.1:PORT`)
    process.exit(2)
  }
  const origin = new URL(base).origin

  let passed = 0
  let failed = 0
  let shot = 0
  let skipRest = false

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync']
  })
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' })
  const page = await context.newPage()
  page.setDefaultTimeout(10000)

  // Everything must come from the server itself (closed intranets).
  const foreign = []
  await context.route('**/*', (route) => {
    const u = route.request().url()
    if (u.startsWith('data:') || u.startsWith('blob:') || u.startsWith(origin + '/')) return route.continue()
    foreign.push(u)
    return route.abort()
  })
  // Script errors of the page; a script may push more (console errors).
  const pageErrors = []
  page.on('pageerror', (e) => pageErrors.push(String(e && e.message ? e.message : e)))

  // Run one check: "ok - name", or "not ok - name", the first lines of the
  // error and a screenshot of the page.
  async function check(name, fn) {
    if (skipRest) {
      failed++
      console.log('not ok - ' + name + ' (skipped: ' + skipNote + ')')
      return
    }
    try {
      await fn()
      passed++
      console.log('ok - ' + name)
    } catch (e) {
      failed++
      if (skipNote) skipRest = true
      console.log('not ok - ' + name)
      console.log('#   ' + String(e && e.message ? e.message : e).split('\n').slice(0, 6).join('\n#   '))
      const file = `/tmp/${shots}-${++shot}-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 40)}.png`
      try {
        await page.screenshot({ path: file, fullPage: false })
        console.log('#   screenshot: ' + file)
      } catch {
        /* page gone */
      }
    }
  }

  // The last check of a script: nothing the page asked for went elsewhere,
  // and no script error.
  async function checkSelfContained() {
    await check('no request left the server and no script error', async () => {
      assert(foreign.length === 0, 'foreign requests: ' + foreign.slice(0, 5).join(' '))
      assert(pageErrors.length === 0, 'page errors: ' + pageErrors.slice(0, 3).join(' | '))
    })
  }

  // Log out whoever is logged in, then log in as @user through the form.
  async function loginAs(user) {
    await page.goto(base + '/#/')
    const out = page.locator('[data-test=logout]')
    if (await out.count()) {
      await out.click()
      await page.waitForFunction(() => location.hash.startsWith('#/login'))
    }
    await page.goto(base + '/#/login')
    await page.locator('input[name=username]').fill(user)
    await page.locator('input[name=password]').fill(PASSWORD)
    await page.locator('[data-test=login-submit]').click()
    await page.waitForFunction(() => !location.hash.startsWith('#/login'))
    await page.locator('[data-test=user]').waitFor()
  }

  // Close the browser, print "N passed, M failed" and exit 1 if any failed.
  async function finish() {
    await browser.close()
    console.log(`${passed} passed, ${failed} failed`)
    process.exit(failed ? 1 : 0)
  }

  return { base, page, pageErrors, check, checkSelfContained, loginAs, finish }
}
