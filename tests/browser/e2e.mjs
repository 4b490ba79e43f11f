// e2e.mjs -- the xueji web UI in a real browser against a real server.
//   node tests/browser/e2e.mjs http://127.0.0.1:PORT
// The server must run `xueji demo` (demo users, password xueji-demo-2026).
// Prints "ok - …" / "not ok - …" per check and "N passed, M failed".
import { Fail, PASSWORD, assert, dbExec, start } from './lib.mjs'

const notes = []

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

const { base, page, pageErrors, check, checkSelfContained, loginAs, finish } = await start('e2e.mjs', { shots: 'xj' })
// Content Security Policy refusals count as script errors too.
page.on('console', (m) => {
  if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) pageErrors.push(m.text())
})

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
  // a G registry number is "G" + the ID: masked the same way, never
  // showing positions 15-18 (docs/internals/masking.md)
  const table = await page.locator('[data-test=student-table]').innerText()
  assert(/G\d{14}\*{4}/.test(table), 'no masked G registry number in the list')
  assert(ids.every((s) => !s || /^\d{14}\*{4}$/.test(s) || /^\*+$/.test(s)), 'an ID shows its last digits: ' + ids.slice(0, 3).join(', '))
  // the search box says an ID or registry number must be whole
  const ph = await page.locator('[data-test=student-q]').getAttribute('placeholder')
  assert(ph.includes('完整'), 'the search box does not say a number must be whole: ' + ph)
  assert(!/G\d{17}[\dX]/.test(table), 'a full G registry number (= the ID) is shown in the list')
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
  // a student with a resident ID (others' numbers are all stars)
  await rows().filter({ has: page.locator('.cell-id', { hasText: /^\d{14}\*{4}$/ }) }).first().click()
  await page.waitForFunction(() => /#\/students\/\d+/.test(location.hash))
  const idCell = page.locator('[data-field=id_no]')
  await idCell.waitFor()
  const masked = (await idCell.innerText()).trim()
  assert(masked.includes('*'), 'record shows an unmasked ID before reveal: ' + masked)
  const regCell = page.locator('[data-test=record-registry-no]')
  const regMasked = (await regCell.innerText()).trim()
  // a G registry number ("G" + the ID) is masked like the ID; L/J alike
  if (regMasked.startsWith('G')) assert(regMasked === 'G' + masked, `record header registry number ${regMasked} is not G + the masked ID ${masked}`)
  else assert(/^[LJ]\d{14}\*{4}$/.test(regMasked), 'record header registry number ' + regMasked)
  const body = await page.locator('.page').innerText()
  for (const g of ['基本信息', '身份信息', '学籍信息', '家庭与联系', '家庭成员1']) assert(body.includes(g), 'group missing: ' + g)
  // region codes (户口所在地) are shown by their names, the code beside them
  await page.waitForFunction(() => {
    const el = document.querySelector('[data-field=hukou_region]')
    return el && /^[\u4e00-\u9fa5]{4,}（\d{6}(\d{3})?）$/.test(el.textContent.trim())
  }, null, { timeout: 10000 }).catch(async () => {
    const t = await page.locator('[data-field=hukou_region]').innerText().catch(() => '(none)')
    throw new Error('户口所在地 not shown as a region name with its code: ' + t)
  })
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
  const regFull = (await regCell.innerText()).trim()
  if (regMasked.startsWith('G')) assert(regFull === 'G' + full, `after reveal the header shows ${regFull}, expected G${full}`)
  else assert(regFull.slice(0, 15) === regMasked.slice(0, 15) && /^[LJ]\d{17}[\dX]$/.test(regFull), `an L/J number does not fit on reveal: ${regMasked} -> ${regFull}`)
  assert(full.slice(0, 14) === masked.slice(0, 14) && masked.endsWith('****'), `revealed ${full} does not fit ${masked}`)
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
  // readable: the action's label and the user's display name, not
  // "student.reveal" and "ys_reg1"
  assert(text.includes('查看完整信息') && text.includes('学籍管理员（一校）'),
    'no reveal by ys_reg1 (学籍管理员（一校）) in the first audit page')
  assert(!/student\.reveal|ys_reg1/.test(text), 'raw action or user name in the audit log')
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

// ---- bulk import, export and printing (as ys_reg1, logged in above) ----
const apiTotal = async (query) => {
  const r = await api('/students?per_page=1' + (query ? '&' + query : ''))
  assert(r.status === 200 && r.body && Number.isInteger(r.body.total), 'GET /students answered ' + r.status)
  return r.body.total
}
function csvCell(v) {
  const s = String(v ?? '')
  return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s
}

await check('import: checking a CSV (dry run) shows progress, the bad row and its server message; nothing imported', async () => {
  if (!fieldList.length) {
    await pickGrade()
    fieldList = (await api('/fields')).body.items
    codeSets = (await api('/codes')).body.sets
  }
  const sch = await api('/schools/' + me.school_id)
  assert(sch.status === 200 && sch.body.school && sch.body.school.code, 'no school code for ' + me.school_id)
  const before = await apiTotal()
  // Two unused IDs of the right birth date: row 2 valid, row 3 with a wrong check digit.
  const ids = []
  while (ids.length < 2) {
    const id = makeId('441823', REG_DATE.replace(/-/g, ''), 100 + Math.floor(Math.random() * 899))
    if (ids.some((x) => x.slice(0, 17) === id.slice(0, 17))) continue
    const used = await apiTotal('q=' + id)
    if (used === 0) ids.push(id)
  }
  const bad = ids[1].slice(0, 17) + (ids[1][17] === '0' ? '1' : '0')
  const given = (name, id) => ({
    name, id_no: id, birth_date: REG_DATE, gender: Number(id[16]) % 2 === 1 ? '1' : '2', grade: REG_GRADE,
    enrol_ym: '202609', ethnicity: '01', nationality: 'CHN', id_type: '1'
  })
  const req = fieldList.filter((f) => f.required)
  const header = ['学校标识码', ...req.map((f) => f.zh)]
  const line = (g) => [sch.body.school.code, ...req.map((f) => (f.key in g ? g[f.key] : f.codeset ? codeSets[f.codeset][0].code : '1'))]
  const csv = [header, line(given(newName(), ids[0])), line(given(newName(), bad))].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n'

  await page.goto(base + '/#/import')
  await page.locator('[data-test=import-check]').waitFor()
  await page.locator('[data-test=import-upload] input[type=file]').setInputFiles({
    name: 'e2e-import.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf-8')
  })
  const resp = page.waitForResponse((r) => r.url().endsWith('/api/v1/imports') && r.request().method() === 'POST')
  await page.locator('[data-test=import-check]').click()
  const r = await resp
  const sent = r.request().postData() || ''
  assert(r.status() === 202, `POST /imports answered ${r.status()}: ${await r.text()}`)
  assert(/name="dry_run"\r\n\r\n1\r\n/.test(sent), 'the upload did not send dry_run=1')
  assert(/name="file"; filename="e2e-import.csv"/.test(sent), 'the upload has no file part named "file"')
  const jobId = String((await r.json()).id)
  await page.waitForFunction((id) => location.hash === '#/import/' + id, jobId)
  await page.locator('[data-test=import-progress]').waitFor()
  // The job runs in the background: wait for the page to show it finished
  // (a check of a file with a bad row ends "failed": nothing to write).
  const finished = '[data-test=import-status]:not([data-status=queued]):not([data-status=running]):not([data-status=cancelling])'
  await page.locator(finished).waitFor({ timeout: 30000 })
  const job = await api('/imports/' + jobId)
  assert(job.status === 200, 'GET /imports/' + jobId + ' answered ' + job.status)
  const shownStatus = await page.locator('[data-test=import-status]').getAttribute('data-status')
  assert(shownStatus === job.body.status && ['done', 'failed'].includes(shownStatus), `status shown ${shownStatus}, server ${job.body.status}`)
  assert(job.body.options && job.body.options.dry_run === true, 'the job is not a dry run: ' + JSON.stringify(job.body.options))
  assert(Number(job.body.rows_done) === 2, 'rows done ' + job.body.rows_done)
  assert((await page.locator('[data-test=import-rows]').innerText()).includes('2 / 2'), 'progress text: ' + (await page.locator('[data-test=import-rows]').innerText()))
  const errs = (job.body && (job.body.errors || [])) || []
  const rowErrs = errs.filter((e) => Number(e.row) === 3)
  assert(rowErrs.length > 0, 'the server reported no error on row 3: ' + JSON.stringify(job.body).slice(0, 400))
  assert(!errs.some((e) => Number(e.row) === 2), 'the valid row 2 was rejected: ' + JSON.stringify(errs).slice(0, 400))
  const bar = await page.locator('[data-test=import-progress] .el-progress-bar__innerText').innerText()
  assert(bar.includes('100'), 'progress bar at ' + bar + ' when done')
  const trs = page.locator('[data-test=import-errors] .el-table__body tr.el-table__row')
  await trs.first().waitFor()
  const rowsShown = (await page.locator('[data-test=import-errors] .cell-row').allInnerTexts()).map((x) => x.trim())
  assert(rowsShown.length === errs.length && rowsShown.every((x) => x === '3'), 'error table rows: ' + rowsShown.join(','))
  const msgs = await page.locator('[data-test=import-errors] .cell-msg').allInnerTexts()
  assert(msgs.some((m) => m.includes(rowErrs[0].message)), `error table lacks the server message "${rowErrs[0].message}": ${msgs.join(' | ')}`)
  const tableText = await page.locator('[data-test=import-errors]').innerText()
  assert(tableText.includes(bad), 'error table does not show the bad ID ' + bad)
  const rejected = (await page.locator('[data-test=import-rejected] .el-statistic__number').innerText()).trim()
  assert(rejected === '1', 'rejected count shown ' + rejected)
  const after = await apiTotal()
  assert(after === before, `a dry run changed the student total: ${before} -> ${after}`)
  assert((await apiTotal('q=' + ids[0])) === 0, 'the valid row was imported by a dry run')
  // The job is in the recent list and survives a reload.
  await page.locator('[data-test=import-recent] .el-table__body tr.el-table__row').filter({ hasText: 'e2e-import.csv' }).first().waitFor()
  await page.reload()
  await page.locator(`[data-test=import-status][data-status=${shownStatus}]`).waitFor()
  await page.locator('[data-test=import-errors] .cell-row').first().waitFor()
})

await check('export: Excel download of the filtered list is an XLSX (PK) and carries the filters', async () => {
  await page.goto(base + '/#/students?status=enrolled')
  await rows().first().waitFor()
  await waitTableIdle()
  assert((await page.locator('[data-test=export-reveal]').count()) === 1, 'registrar has no 含完整证件号 option')
  await page.locator('[data-test=export-button]').click()
  const dl = page.waitForEvent('download')
  await page.locator('[data-test=export-xlsx]').click()
  const d = await dl
  const u = new URL(d.url())
  assert(u.pathname.endsWith('/api/v1/students/export'), 'download from ' + d.url())
  assert(u.searchParams.get('format') === 'xlsx' && u.searchParams.get('status') === 'enrolled', 'export query: ' + u.search)
  assert(!u.searchParams.has('reveal'), 'a masked export asked for reveal: ' + u.search)
  assert(/\.xlsx$/.test(d.suggestedFilename()), 'file name ' + d.suggestedFilename())
  const fs = await import('node:fs')
  const file = await d.path()
  const head = fs.readFileSync(file).subarray(0, 2).toString('latin1')
  assert(head === 'PK', 'export does not start with PK: ' + JSON.stringify(head))
})

await check('export: a list over the direct limit runs as a background job with progress, then downloads', async () => {
  // the limit is a setting (export.direct_max_rows): lowered to 10 rows
  // for this check, so the demo's classes-sized lists take the job path
  const setting = dbExec
  setting("insert into settings (key, value) values ('export.direct_max_rows', '10')")
  try {
    await page.goto(base + '/#/students?status=enrolled')
    await page.reload()
    await rows().first().waitFor()
    await waitTableIdle()
    await page.locator('[data-test=export-button]').click()
    const dl = page.waitForEvent('download')
    await page.locator('[data-test=export-csv]').click()
    await page.locator('[data-test=export-job]').waitFor()
    await page.locator('[data-test=export-job-progress]').waitFor()
    const d = await dl
    const u = new URL(d.url())
    assert(/\/api\/v1\/exports\/\d+\/file$/.test(u.pathname), 'download from ' + d.url())
    assert(/\.csv$/.test(d.suggestedFilename()), 'file name ' + d.suggestedFilename())
    const status = await page.locator('[data-test=export-job-status]').innerText()
    assert(/已完成|Done/.test(status), 'job status shown: ' + status)
    const fs = await import('node:fs')
    const text = fs.readFileSync(await d.path(), 'utf8')
    assert(text.replace(/^\uFEFF/, '').startsWith('学籍号'), 'CSV header: ' + text.slice(0, 20))
    await page.locator('[data-test=export-job-download]').waitFor()
    await page.locator('[data-test=export-job-close]').click()
    await page.locator('[data-test=export-job]').waitFor({ state: 'hidden' })
  } finally {
    setting("delete from settings where key = 'export.direct_max_rows'")
  }
})

await check('print: the record page and the class table link to PDFs that answer 200 application/pdf', async () => {
  await rows().first().click()
  await page.waitForFunction(() => /#\/students\/\d+/.test(location.hash))
  const sid = page.url().match(/#\/students\/(\d+)/)[1]
  const btn = page.locator('[data-test=print-card]')
  await btn.waitFor()
  const href = await btn.getAttribute('href')
  assert(href && (await btn.getAttribute('target')) === '_blank', 'print button is not a new-tab link: ' + href)
  const url = new URL(href, page.url()).href
  assert(url === `${base}/api/v1/students/${sid}/card.pdf`, 'print URL ' + url)
  const r = await page.request.get(url)
  const body = await r.body()
  assert(r.status() === 200, 'card.pdf answered ' + r.status())
  assert((r.headers()['content-type'] || '').startsWith('application/pdf'), 'card.pdf type ' + r.headers()['content-type'])
  assert(body.subarray(0, 5).toString('latin1') === '%PDF-', 'card.pdf is not a PDF')
  await page.goto(base + '/#/schools/' + me.school_id)
  const cbtn = page.locator('[data-test=class-table] [data-test=print-class]').first()
  await cbtn.waitFor()
  const curl = new URL(await cbtn.getAttribute('href'), page.url()).href
  assert(/\/api\/v1\/classes\/\d+\/cards\.pdf$/.test(curl), 'class print URL ' + curl)
  const cr = await page.request.get(curl)
  assert(cr.status() === 200 && (cr.headers()['content-type'] || '').startsWith('application/pdf'),
    `cards.pdf answered ${cr.status()} ${cr.headers()['content-type']}`)
  assert((await cr.body()).subarray(0, 5).toString('latin1') === '%PDF-', 'cards.pdf is not a PDF')
})

await checkSelfContained()

for (const n of notes) console.log('# ' + n)
await finish()
