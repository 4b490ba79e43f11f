// e2e.mjs -- the xueji web UI in a real browser against a real server.
//   node tests/browser/e2e.mjs http://127.0.0.1:PORT
// The server must run `xueji demo` (demo users, password xueji-demo-2026).
// Prints "ok - …" / "not ok - …" per check and "N passed, M failed".
import { createRequire } from 'node:module'

const require = createRequire(new URL('../../web/package.json', import.meta.url))
const { chromium } = require('playwright-core')

const base = (process.argv[2] || '').replace(/\/+$/, '')
if (!base) {
  console.error('usage: node tests/browser/e2e.mjs http://127.0.0.1:PORT')
  process.exit(2)
}
const PASSWORD = 'xueji-demo-2026'
const origin = new URL(base).origin

let passed = 0
let failed = 0
let shot = 0
const notes = []

class Fail extends Error {}
function assert(cond, msg) {
  if (!cond) throw new Fail(msg)
}

// ---- GB 11643 resident ID ----
const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
function checkDigit(id17) {
  let s = 0
  for (let i = 0; i < 17; i++) s += Number(id17[i]) * W[i]
  return '10X98765432'[s % 11]
}
function makeId(region, ymd, seq) {
  const id17 = region + ymd + String(seq).padStart(3, '0')
  return id17 + checkDigit(id17)
}

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
const pageErrors = []
page.on('pageerror', (e) => pageErrors.push(String(e && e.message ? e.message : e)))
page.on('console', (m) => {
  if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) pageErrors.push(m.text())
})

async function check(name, fn) {
  try {
    await fn()
    passed++
    console.log('ok - ' + name)
  } catch (e) {
    failed++
    console.log('not ok - ' + name)
    console.log('#   ' + String(e && e.message ? e.message : e).split('\n').slice(0, 6).join('\n#   '))
    const file = `/tmp/xj-${++shot}-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 40)}.png`
    try {
      await page.screenshot({ path: file, fullPage: false })
      console.log('#   screenshot: ' + file)
    } catch {
      /* page gone */
    }
  }
}

const api = (path) =>
  page.evaluate(async (p) => {
    const r = await fetch('api/v1' + p, { credentials: 'same-origin' })
    return { status: r.status, body: await r.json().catch(() => null) }
  }, path)

const rows = () => page.locator('[data-test=student-table] .el-table__body tr.el-table__row')
async function totalShown() {
  const t = await page.locator('[data-test=student-pager] .el-pagination__total').innerText()
  const m = t.match(/\d+/)
  return m ? Number(m[0]) : NaN
}
async function waitTableIdle() {
  await page.waitForFunction(() => {
    const t = document.querySelector('[data-test=student-table]')
    return t && !t.querySelector('.el-loading-mask')
  })
}

// Pick @label in the Element Plus select inside form item [data-field=key].
async function selectOption(key, label) {
  const item = page.locator(`[data-field="${key}"]`)
  await item.locator('.el-select__wrapper').click()
  const filter = item.locator('input.el-select__input')
  if (await filter.count()) await filter.fill(label)
  const opt = page.locator('.el-select-dropdown:visible .el-select-dropdown__item:not(.is-disabled)', {
    hasText: new RegExp('^\\s*' + label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '\\s*$')
  })
  await opt.first().click()
  await page.keyboard.press('Escape').catch(() => {})
}
async function fillText(key, value) {
  await page.locator(`[data-field="${key}"] input`).first().fill(value)
}
async function fillDate(key, value) {
  const inp = page.locator(`[data-field="${key}"] input`).first()
  await inp.click()
  await inp.fill(value)
  await inp.press('Enter')
  await page.keyboard.press('Escape').catch(() => {})
}

// ---- (a) log in as the registrar ----
let me = null
await check('log in as ys_reg1 lands in the UI showing the school name', async () => {
  await page.goto(base + '/#/login')
  await page.locator('input[name=username]').fill('ys_reg1')
  await page.locator('input[name=password]').fill(PASSWORD)
  await page.locator('[data-test=login-submit]').click()
  await page.waitForFunction(() => !location.hash.startsWith('#/login'))
  const s = await api('/session')
  assert(s.status === 200, 'GET /session after log-in answered ' + s.status)
  me = s.body.user
  assert(me && me.role === 'registrar' && me.school_name, 'session user is not a registrar with a school: ' + JSON.stringify(me))
  await page.locator('[data-test=scope]').filter({ hasText: me.school_name }).waitFor()
  const top = await page.locator('.topbar').innerText()
  assert(top.includes(me.school_name), `top bar lacks school name ${me.school_name}: ${top}`)
  assert(top.includes(me.display_name), `top bar lacks display name ${me.display_name}`)
})

// ---- (b) student list with masked IDs ----
let firstName = ''
let totalAll = 0
await check('student list shows rows with masked ID numbers', async () => {
  await page.goto(base + '/#/students')
  await rows().first().waitFor()
  await waitTableIdle()
  const n = await rows().count()
  assert(n > 0, 'no rows')
  const ids = await page.locator('[data-test=student-table] .cell-id').allInnerTexts()
  assert(ids.length === n, `ID cells ${ids.length} != rows ${n}`)
  const bad = ids.filter((s) => s && !s.includes('*'))
  assert(ids.some((s) => s.includes('*')), 'no masked ID in the list: ' + ids.slice(0, 3).join(', '))
  assert(bad.length === 0, 'unmasked IDs in the list: ' + bad.slice(0, 3).join(', '))
  assert(!ids.some((s) => /^\d{17}[\dX]$/.test(s)), 'a full ID number is shown in the list')
  firstName = (await page.locator('[data-test=student-table] .cell-name').first().innerText()).trim()
  totalAll = await totalShown()
  assert(totalAll >= n, `total ${totalAll} < rows ${n}`)
})

// ---- (c) search by name prefix ----
await check('search by a name prefix narrows the list (and back restores it)', async () => {
  assert(firstName, 'no name from the first row')
  const chars = Array.from(firstName)
  const prefix = chars.slice(0, Math.min(2, chars.length)).join('')
  const resp = page.waitForResponse((r) => r.url().includes('/api/v1/students?') && r.url().includes('q='))
  await page.locator('[data-test=student-q]').fill(prefix)
  await page.locator('[data-test=student-search]').click()
  await resp
  await waitTableIdle()
  await page.waitForFunction(() => decodeURIComponent(location.hash).includes('q='))
  const names = await page.locator('[data-test=student-table] .cell-name').allInnerTexts()
  assert(names.length > 0, 'no rows after searching ' + prefix)
  const off = names.filter((s) => !s.includes(prefix))
  assert(off.length === 0, `rows not containing "${prefix}": ${off.slice(0, 5).join(', ')}`)
  const t = await totalShown()
  assert(t < totalAll, `total did not narrow: ${t} of ${totalAll}`)
  assert(t === names.length || names.length === 20, `total ${t} disagrees with ${names.length} rows`)
  // The filters live in the route query: back restores the full list.
  await page.goBack()
  await page.waitForFunction(() => !decodeURIComponent(location.hash).includes('q='))
  await waitTableIdle()
  await page.waitForFunction(
    (n) => {
      const el = document.querySelector('[data-test=student-pager] .el-pagination__total')
      return el && el.textContent.includes(String(n))
    },
    totalAll
  )
  assert((await page.locator('[data-test=student-q]').inputValue()) === '', 'search box not cleared after back')
})

// ---- (d) record page and reveal ----
await check('record page reveals an unmasked 18-character ID (audited)', async () => {
  await rows().first().waitFor()
  await rows().first().click()
  await page.waitForFunction(() => /#\/students\/\d+/.test(location.hash))
  const idCell = page.locator('[data-field=id_no]')
  await idCell.waitFor()
  const masked = (await idCell.innerText()).trim()
  assert(masked.includes('*'), 'record shows an unmasked ID before reveal: ' + masked)
  const body = await page.locator('.page').innerText()
  for (const g of ['基本信息', '身份信息', '学籍信息', '家庭与联系', '家庭成员1']) assert(body.includes(g), 'group missing: ' + g)
  const resp = page.waitForResponse((r) => /\/api\/v1\/students\/\d+\/reveal/.test(r.url()))
  await page.locator('[data-test=reveal]').click()
  await page.locator('.el-message-box').waitFor()
  assert((await page.locator('.el-message-box').innerText()).includes('审计'), 'confirm dialog does not mention the audit log')
  await page.locator('.el-message-box__btns .el-button--primary').click()
  const r = await resp
  assert(r.status() === 200, 'reveal answered ' + r.status())
  await page.waitForFunction(() => {
    const el = document.querySelector('[data-field=id_no]')
    return el && /^\d{17}[\dX]$/.test(el.textContent.trim())
  })
  const full = (await idCell.innerText()).trim()
  assert(/^\d{17}[\dX]$/.test(full), 'not an 18-character ID: ' + full)
  assert(full.slice(0, 4) === masked.slice(0, 4) && full.slice(-4) === masked.slice(-4), `revealed ${full} does not fit ${masked}`)
  const msg = await page.locator('.el-message').first().innerText()
  assert(msg.includes('审计'), 'no notice that the reveal was recorded in the audit log: ' + msg)
})

// ---- (e)/(f) registration ----
let fieldList = []
let codeSets = {}
// Register into the lowest grade the registrar's school teaches (一年级 = 11
// in a primary school), with a birth date that fits it: 2019-05-01 for
// grade 11, a year earlier per grade above.
const GRADE_ORDER = ['11', '12', '13', '14', '15', '16', '21', '22', '23', '31', '32', '33']
let REG_GRADE = '11'
let REG_DATE = '2019-05-01'
async function pickGrade() {
  if (!me || !me.school_id) return
  const d = await api('/schools/' + me.school_id)
  const have = ((d.body && d.body.grades) || []).map((g) => String(g.grade))
  const g = GRADE_ORDER.find((x) => have.includes(x)) || have[0]
  if (!g) return
  REG_GRADE = g
  const step = GRADE_ORDER.indexOf(g) >= 0 ? GRADE_ORDER.indexOf(g) : Math.max(0, Number(g[1]) - 1)
  REG_DATE = `${2019 - step}-05-01`
}
async function openRegister() {
  await page.goto(base + '/#/register')
  await page.locator('[data-test=reg-submit]').waitFor()
  await page.locator('[data-field=id_no] input').waitFor()
  if (!fieldList.length) {
    await pickGrade()
    fieldList = (await api('/fields')).body.items
    codeSets = (await api('/codes')).body.sets
  }
}
const label = (set, code) => {
  const c = (codeSets[set] || []).find((x) => String(x.code) === String(code))
  if (!c) throw new Fail(`code ${code} not in set ${set}`)
  return c.zh
}
async function fillRequired(name, id) {
  const gender = Number(id[16]) % 2 === 1 ? '1' : '2'
  const given = { name, id_no: id, birth_date: REG_DATE, gender, grade: REG_GRADE, enrol_ym: '2026-09', ethnicity: '01' }
  for (const f of fieldList) {
    if (!f.required && !(f.key in given)) continue
    const key = f.key
    const cur = await page.locator(`[data-field="${key}"]`).count()
    if (!cur) continue
    if (key === 'birth_date') await fillDate(key, given[key])
    else if (key === 'enrol_ym') await fillDate(key, given[key])
    else if (f.codeset) {
      // Keep a default the form already chose (id_type 1, nationality CHN).
      const has = await page.locator(`[data-field="${key}"] .el-select__placeholder:not(.is-transparent)`).count()
      const code = given[key] ?? (has ? null : codeSets[f.codeset][0].code)
      if (code !== null) await selectOption(key, label(f.codeset, code))
    } else await fillText(key, given[key] ?? '1')
  }
}
function newName() {
  const tails = ['安', '宁', '欣', '然', '睿', '涵', '泽', '琪', '萱', '航']
  return '吉𠮷' + tails[Math.floor(Math.random() * tails.length)] + tails[Math.floor(Math.random() * tails.length)]
}

await check('register a new student (4-byte name) shows registry number G+ID', async () => {
  await openRegister()
  notes.push(`registered into grade ${REG_GRADE} with birth date ${REG_DATE}`)
  const name = newName()
  let id = null
  let r = null
  for (let attempt = 0; attempt < 4; attempt++) {
    id = makeId('441823', REG_DATE.replace(/-/g, ''), 100 + Math.floor(Math.random() * 899))
    if (attempt === 0) await fillRequired(name, id)
    else {
      await fillText('id_no', id)
      // The gender must agree with the 17th digit.
      await selectOption('gender', label('gender', Number(id[16]) % 2 === 1 ? '1' : '2'))
    }
    const resp = page.waitForResponse((x) => x.url().endsWith('/api/v1/students') && x.request().method() === 'POST')
    await page.locator('[data-test=reg-submit]').click()
    r = await resp
    if (r.status() !== 409) break
  }
  const raw = await r.text().catch((e) => 'unreadable: ' + e)
  const body = (() => { try { return JSON.parse(raw) } catch { return raw } })()
  if (r.status() !== 201) console.log('#   request: ' + r.request().postData())
  assert(r.status() === 201, `POST /students answered ${r.status()}: ${JSON.stringify(body)}`)
  const shown = (await page.locator('[data-test=reg-registry-no]').innerText()).trim()
  assert(shown === 'G' + id, `registry number shown ${shown}, expected G${id}`)
  await page.locator('[data-test=reg-open]').click()
  await page.waitForFunction(() => /#\/students\/\d+/.test(location.hash))
  await page.locator('[data-test=record-name]').filter({ hasText: name }).waitFor()
  const got = (await page.locator('[data-test=record-name]').innerText()).trim()
  assert(got === name, `record name ${got} != ${name}`)
})

await check('a wrong check digit shows the server field error next to the ID field', async () => {
  await openRegister()
  const good = makeId('441823', REG_DATE.replace(/-/g, ''), 100 + Math.floor(Math.random() * 899))
  const wrong = good.slice(0, 17) + (good[17] === '0' ? '1' : '0')
  await fillRequired(newName(), wrong)
  const resp = page.waitForResponse((x) => x.url().endsWith('/api/v1/students') && x.request().method() === 'POST')
  await page.locator('[data-test=reg-submit]').click()
  const r = await resp
  const raw = await r.text().catch((e) => 'unreadable: ' + e)
  const body = (() => { try { return JSON.parse(raw) } catch { return raw } })()
  assert(r.status() === 422, `POST /students answered ${r.status()}: ${JSON.stringify(body)}`)
  const det = ((body && body.error && body.error.details) || []).filter((d) => d.field === 'id_no')
  assert(det.length > 0, 'server gave no id_no detail: ' + JSON.stringify(body))
  const err = page.locator('[data-field=id_no] .el-form-item__error')
  await err.waitFor()
  const text = (await err.innerText()).trim()
  assert(text.includes(det[0].message), `field error "${text}" lacks server message "${det[0].message}"`)
  const top = (await page.locator('[data-test=reg-error]').innerText()).trim()
  assert(top.includes(body.error.message), `top message "${top}" lacks "${body.error.message}"`)
})

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
const navTexts = async () => (await page.locator('.aside .el-menu-item').allInnerTexts()).map((x) => x.trim())

await check('bureau: school list -> school page with chart -> class students', async () => {
  await loginAs('ys_bureau')
  assert((await navTexts()).includes('学校'), 'bureau nav lacks 学校: ' + (await navTexts()))
  await page.goto(base + '/#/schools')
  const srows = page.locator('[data-test=school-table] .el-table__body tr.el-table__row')
  await srows.first().waitFor()
  assert((await srows.count()) === 3, 'expected the 3 demo schools, got ' + (await srows.count()))
  await srows.first().click()
  await page.waitForFunction(() => /#\/schools\/\d+/.test(location.hash))
  await page.locator('[data-test=grade-chart] canvas').waitFor()
  const crow = page.locator('[data-test=class-table] .el-table__body tr.el-table__row').first()
  await crow.waitFor()
  await crow.click()
  await page.waitForFunction(() => decodeURIComponent(location.hash).includes('class_id='))
  await rows().first().waitFor()
  await waitTableIdle()
  const classes = new Set((await page.locator('[data-test=student-table] .el-table__body tr.el-table__row td:nth-child(8)').allInnerTexts()).map((x) => x.trim()))
  assert(classes.size === 1, 'class filter shows several classes: ' + [...classes].join(', '))
})

await check('administrator sees the reveal in the audit log', async () => {
  await loginAs('admin')
  assert((await navTexts()).includes('审计日志'), 'admin nav lacks 审计日志')
  await page.goto(base + '/#/audit')
  const arows = page.locator('[data-test=audit-table] .el-table__body tr.el-table__row')
  await arows.first().waitFor()
  const text = await page.locator('[data-test=audit-table]').innerText()
  assert(/reveal/i.test(text) && text.includes('ys_reg1'), 'no reveal by ys_reg1 in the first audit page')
})

await check('class teacher: read-only navigation, no registration', async () => {
  await loginAs('ys_teacher1')
  const nav = await navTexts()
  assert(!nav.includes('新生注册') && !nav.includes('审计日志') && !nav.includes('学校'), 'teacher nav: ' + nav.join(','))
  await page.goto(base + '/#/register')
  await page.waitForFunction(() => !location.hash.startsWith('#/register'))
  await page.goto(base + '/#/students')
  await rows().first().waitFor()
})

await check('language switch to English persists across reload', async () => {
  await page.locator('[data-test=lang] label, [data-test=lang] .el-radio-button').filter({ hasText: 'English' }).first().click()
  await page.locator('.aside .el-menu-item').filter({ hasText: 'Students' }).waitFor()
  await page.reload()
  await page.locator('.aside .el-menu-item').filter({ hasText: 'Students' }).waitFor()
  assert((await page.locator('[data-test=logout]').innerText()).includes('Log out'), 'top bar not in English')
  await page.locator('[data-test=lang] label, [data-test=lang] .el-radio-button').filter({ hasText: '中文' }).first().click()
  await page.locator('.aside .el-menu-item').filter({ hasText: '学生' }).waitFor()
})

await check('registrar edits a non-key field (PATCH with version) and the timeline shows it', async () => {
  await loginAs('ys_reg1')
  await page.goto(base + '/#/students')
  await rows().first().waitFor()
  await rows().first().click()
  await page.locator('[data-field=id_no]').waitFor()
  await page.locator('[data-test=edit]').click()
  const value = '书法' + Math.floor(Math.random() * 1000)
  await page.locator('.el-dialog [data-field=specialty] input').fill(value)
  const resp = page.waitForResponse((r) => /\/api\/v1\/students\/\d+$/.test(r.url()) && r.request().method() === 'PATCH')
  await page.locator('[data-test=edit-save]').click()
  const r = await resp
  const sent = JSON.parse(r.request().postData() || '{}')
  assert(r.status() === 200, 'PATCH answered ' + r.status() + ' ' + (await r.text()))
  assert(Number.isInteger(sent.version) && sent.specialty === value && Object.keys(sent).length === 2, 'PATCH body: ' + JSON.stringify(sent))
  await page.locator('[data-field=specialty]').filter({ hasText: value }).first().waitFor()
  await page.locator('[data-test=events]').filter({ hasText: value }).waitFor()
})

await check('no request left the server and no script error', async () => {
  assert(foreign.length === 0, 'foreign requests: ' + foreign.slice(0, 5).join(' '))
  assert(pageErrors.length === 0, 'page errors: ' + pageErrors.slice(0, 3).join(' | '))
})

await browser.close()
for (const n of notes) console.log('# ' + n)
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed ? 1 : 0)
