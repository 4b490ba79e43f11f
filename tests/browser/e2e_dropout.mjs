// e2e_dropout.mjs -- one dropout case (控辍保学, 一人一案) through the UI: the
// school registrar opens a case from a suspended student's record, records
// a home visit (家访) and a persuasion-to-return (劝返) entry on the case
// page, the student resumes (复学, approved by the county bureau) and the
// case page shows the case closed as 动态销号 (outcome returned).
//   node tests/browser/e2e_dropout.mjs http://127.0.0.1:PORT
// Prints "ok - …" / "not ok - …" per check and "N passed, M failed".
import { assert, apiAs as libApiAs, start } from './lib.mjs'

const { base, page, check, checkSelfContained, loginAs, finish } =
  await start('e2e_dropout.mjs', { shots: 'xj-dropout', skipNote: 'an earlier step of the case failed' })
page.setDefaultTimeout(30000) // the shared machine may be busy: wait longer than lib's 10 s
const apiAs = (user) => libApiAs(base, user)
const inputOf = (dt) => page.locator(`input[data-test=${dt}], textarea[data-test=${dt}], [data-test=${dt}] input, [data-test=${dt}] textarea`).first()

let reg, bureau, target, caseId

async function approveAll(changeId) {
  const c = await bureau.post('/changes/' + changeId + '/approve', {})
  assert(c.status === 200, 'approve answered ' + c.status + ' ' + JSON.stringify(c.body))
}

await check('setup: a suspended compulsory-stage student of ys_reg1', async () => {
  reg = await apiAs('ys_reg1')
  bureau = await apiAs('ys_bureau')
  const list = await reg.get('/students?status=enrolled&per_page=200')
  assert(list.status === 200, 'GET /students answered ' + list.status)
  target = (list.body.items || []).find((s) => /^[12][2-5]$/.test(String(s.grade)))
  assert(target, 'no enrolled compulsory-stage student at ys_reg1\'s school')
  const r = await reg.post('/changes', { type: 'suspend', student_id: target.id, reason: '病休' })
  assert(r.status === 201, 'suspend answered ' + r.status + ' ' + JSON.stringify(r.body))
  await approveAll(r.body.change.id)
  const s = await reg.get('/students/' + target.id)
  const st = (s.body.student || s.body).status
  assert(st === 'suspended', 'status ' + st + ' ' + JSON.stringify(s.body).slice(0, 200))
})

await check('the registrar opens a case from the student record', async () => {
  await loginAs('ys_reg1')
  await page.goto(base + '/#/students/' + target.id)
  await page.locator('[data-test=open-dropout-case]').click()
  await page.locator('.el-message-box input').fill('病休期间多次联系不上家长，疑似外出务工')
  const resp = page.waitForResponse((r) => r.url().endsWith('/api/v1/dropout/cases') && r.request().method() === 'POST')
  await page.locator('.el-message-box .el-button--primary').click()
  const r = await resp
  assert(r.status() === 201, 'open answered ' + r.status() + ' ' + (await r.text()))
  caseId = (await r.json()).id
  await page.waitForFunction((i) => location.hash === '#/dropout/' + i, String(caseId))
  await page.locator('[data-test=do-timeline] [data-kind=open]').waitFor()
})

async function addEntry(kind, fields) {
  await page.locator(`[data-test=do-kind] [data-kind=${kind}]`).click()
  for (const [dt, v] of Object.entries(fields)) await inputOf(dt).fill(v)
  const resp = page.waitForResponse((r) => r.url().endsWith(`/api/v1/dropout/cases/${caseId}/entries`))
  await page.locator('[data-test=do-save]').click()
  const r = await resp
  assert(r.status() === 200, kind + ' answered ' + r.status() + ' ' + (await r.text()))
  await page.locator(`[data-test=do-timeline] [data-kind=${kind}]`).waitFor()
}

await check('the registrar records a home visit and a 劝返 entry', async () => {
  await addEntry('home_visit', { 'do-participants': '班主任、村委会主任', 'do-entry-outcome': '家长在外务工，学生在家', 'do-detail': '已宣讲义务教育法' })
  await addEntry('persuasion', { 'do-participants': '校长、镇干部', 'do-method': '上门劝返', 'do-entry-outcome': '家长同意送回复学' })
  const c = await reg.get('/dropout/cases/' + caseId)
  const kinds = c.body.entries.map((e) => e.kind)
  assert(JSON.stringify(kinds) === JSON.stringify(['open', 'home_visit', 'persuasion']), 'entries ' + kinds)
  const p = c.body.entries[2]
  assert(p.participants === '校长、镇干部' && p.method === '上门劝返' && p.actor === 'ys_reg1', 'persuasion ' + JSON.stringify(p))
  const text = await page.locator('[data-test=do-timeline]').innerText()
  assert(text.includes('家访') && text.includes('劝返') && text.includes('校长、镇干部'), 'timeline text: ' + text)
})

await check('the student resumes (复学) and the case closes as 动态销号', async () => {
  const r = await reg.post('/changes', { type: 'resume', student_id: target.id, reason: '劝返成功，返校复课' })
  assert(r.status === 201, 'resume answered ' + r.status + ' ' + JSON.stringify(r.body))
  await approveAll(r.body.change.id)
  await page.reload()
  await page.locator('[data-test=do-case-status][data-status=closed]').waitFor()
  const outcome = await page.locator('[data-test=do-outcome]').innerText()
  assert(outcome.includes('动态销号'), 'outcome shown: ' + outcome)
  await page.locator('[data-test=do-timeline] [data-kind=close]').waitFor()
  assert(await page.locator('[data-test=do-entry-form]').count() === 0, 'a closed case still offers the entry form')
  const c = await reg.get('/dropout/cases/' + caseId)
  assert(c.body.status === 'closed' && c.body.outcome === 'returned', 'case ' + c.body.status + ' ' + c.body.outcome)
})

await check('the case is listed, closed, on the school\'s case list', async () => {
  await page.goto(base + '/#/dropout?status=closed')
  await page.locator(`[data-test=do-table] [data-case="${caseId}"]`).waitFor()
})

await checkSelfContained()
await finish()
