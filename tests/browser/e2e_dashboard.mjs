// e2e_dashboard.mjs -- the bureau's dashboard (issue 11 points 6 and 8):
// the county bureau lands on its county's page, sees every school, follows
// a figure down to a school, then to a class, opens the list behind the
// class's 疑似辍学 figure and from it one student's dropout case
// (DropoutCase.vue), opens the list behind the verification round's
// 未核准 figure; the figures on the page are the API's and a list's
// total is its figure.
//   node tests/browser/e2e_dashboard.mjs http://127.0.0.1:PORT
// Prints "ok - …" / "not ok - …" per check and "N passed, M failed".
import { assert, apiAs as libApiAs, start } from './lib.mjs'

const { base, page, check, checkSelfContained, loginAs, finish } =
  await start('e2e_dashboard.mjs', { shots: 'xj-dashboard', skipNote: 'an earlier step of the dashboard failed' })
page.setDefaultTimeout(30000) // the shared machine may be busy
const apiAs = (user) => libApiAs(base, user)

let bureau, target, caseId, county

await check('setup: a dropout case for a compulsory-stage student of ys_reg1', async () => {
  const reg = await apiAs('ys_reg1')
  bureau = await apiAs('ys_bureau')
  const list = await reg.get('/students?status=enrolled&per_page=200')
  assert(list.status === 200, 'GET /students answered ' + list.status)
  // a student with no case yet: an earlier script's case may have moved
  // on to 辍学, and the class's 疑似辍学 figure would not count it
  const open = await bureau.get('/dropout/cases?per_page=200')
  const cased = new Set((open.body.items || []).map((c) => c.student_id))
  target = (list.body.items || []).find((s) => /^[12][2-5]$/.test(String(s.grade)) && s.class_id && !cased.has(s.id))
  assert(target, 'no enrolled compulsory-stage student in a class at ys_reg1\'s school')
  const r = await reg.post('/dropout/cases', { student_id: target.id, reason: '连续五天未到校，电话无人接听' })
  assert(r.status === 201 || r.status === 200, 'open answered ' + r.status + ' ' + JSON.stringify(r.body))
  caseId = r.body.id
  county = (await bureau.get('/dashboard')).body
  assert(county.level === 'county', 'the bureau\'s own unit is ' + county.level)
})

const kpi = async (id) => Number((await page.locator(`[data-test=kpi-${id}] .kpi-value`).innerText()).trim())
const level = () => new URLSearchParams(location.hash.split('?')[1] || '').get('level')

await check('the county page: its figures are the API\'s and every school is listed', async () => {
  await loginAs('ys_bureau')
  await page.goto(base + '/#/')
  await page.locator('[data-test=kpi-enrolled]').waitFor()
  assert(await kpi('enrolled') === county.panels.enrolment.total, 'enrolled ' + (await kpi('enrolled')) + ' vs ' + county.panels.enrolment.total)
  assert(await kpi('suspected') === county.panels.dropout.suspected, 'suspected differs from the API')
  const codes = await page.locator('[data-test=dash-units] .unit-link').evaluateAll((as) => as.map((a) => a.dataset.code))
  const want = county.panels.units.rows.map((r) => r.code)
  assert(JSON.stringify(codes) === JSON.stringify(want) && want.length === 3, 'schools ' + codes + ' vs ' + want)
  await page.locator('[data-test=dash-asof]').waitFor()
})

await check('a school figure leads to the school, a class to the class', async () => {
  // a link names its level: the county's list of schools stays on the page
  // until the school's list of classes replaces it, and a school's id may
  // be a class's id too
  await page.locator(`[data-test=dash-units] .unit-link[data-level=school][data-code="${target.school_id}"]`).click()
  await page.waitForFunction(() => /level=school/.test(location.hash))
  await page.locator(`[data-test=dash-units] .unit-link[data-level=class][data-code="${target.class_id}"]`).click()
  await page.waitForFunction(() => /level=class/.test(location.hash))
  await page.locator('[data-test=dash-path] [data-level=class]').waitFor()
  const crumbs = await page.locator('[data-test=dash-path] [data-level]').evaluateAll((es) => es.map((e) => e.dataset.level))
  assert(JSON.stringify(crumbs) === JSON.stringify(['county', 'school', 'class']), 'breadcrumbs ' + crumbs)
  assert(await page.evaluate(level) === 'class', 'not on the class page')
  const t = await page.locator('[data-test=dash-title]').innerText()
  assert(t.includes(target.class_name), 'the page of ' + t + ', not of ' + target.class_name)
})

await check('the class\'s 疑似辍学 figure opens its list, the list the case', async () => {
  await page.waitForFunction(() => {
    const v = document.querySelector('[data-test=kpi-suspected] .kpi-value')
    return v && Number(v.textContent.trim()) >= 1
  })
  const n = await kpi('suspected')
  await page.locator('[data-test=kpi-suspected]').click()
  await page.locator(`[data-test=dash-case-${target.id}]`).waitFor()
  const title = await page.locator('[data-test=dash-drill] .el-dialog__title').innerText()
  assert(title.includes('共 ' + n + ' 人'), 'list title ' + title + ' vs figure ' + n)
  const href = await page.locator('[data-test=dash-export]').getAttribute('href')
  assert(/\/dashboard\/students\/export\?.*panel=dropout/.test(href), 'export link ' + href)
  await page.locator(`[data-test=dash-case-${target.id}]`).click()
  await page.waitForFunction((i) => location.hash === '#/dropout/' + i, String(caseId))
  await page.locator('[data-test=do-timeline] [data-kind=open]').waitFor()
})

await check('the verification round\'s figure opens its list (issue 11 point 6)', async () => {
  await page.goto(base + '/#/')
  const v = county.panels.verify
  assert(v && v.students > 0, 'the API has no verification figures: ' + JSON.stringify(v))
  await page.locator('[data-test=vf-pending] .fig-value').waitFor()
  const shown = Number((await page.locator('[data-test=vf-pending] .fig-value').innerText()).trim())
  assert(shown === v.pending, 'pending ' + shown + ' vs the API\'s ' + v.pending)
  await page.locator('[data-test=vf-pending]').click()
  // the list's title names its total: the figure
  await page.waitForFunction((n) => {
    const t = document.querySelector('[data-test=dash-drill] .el-dialog__title')
    return t && t.textContent.includes('共 ' + n + ' 人')
  }, v.pending)
  const href = await page.locator('[data-test=dash-export]').getAttribute('href')
  assert(/panel=verify/.test(href) && /key=pending/.test(href), 'export link ' + href)
  if (v.pending > 0) await page.locator('[data-test=dash-drill-table] .el-table__row').first().waitFor()
  await page.keyboard.press('Escape')
})

await check('"1 September" asks for the snapshot of the school year', async () => {
  await page.goto(base + '/#/')
  await page.locator('[data-test=dash-sept]').click()
  await page.waitForFunction((d) => decodeURIComponent(location.hash).includes('asof=' + d), county.year_start)
  // the title of today's page stays until the snapshot's answer arrives
  const shown = await page.waitForFunction((d) => {
    const el = document.querySelector('[data-test=dash-title]')
    return el && el.innerText.includes(d)
  }, county.year_start, { timeout: 10000 }).then(() => true, () => false)
  const t = await page.locator('[data-test=dash-title]').innerText()
  assert(shown, 'title ' + t)
})

await checkSelfContained()
await finish()
