// e2e_yearend.mjs -- 学年升级 through the UI, inside the year-end window:
// run.sh restarts the server with its clock (XJ_FAKE_NOW) on 10 July of
// the demo's school year.  The county bureau (ys_bureau) previews the
// county's year-end, marks one 六年级 student of ys_reg2's primary school
// 结业 with a reason, and applies: that student ends 结业 (not 毕业) and
// the rest of the grade 毕业, the graduates e2e_progress.mjs then
// allocates.  Nothing is written behind the server's back.
//   XJ_E2E_YEAR=2027 node tests/browser/e2e_yearend.mjs http://127.0.0.1:PORT
import { assert, apiAs as libApiAs, start } from './lib.mjs'

const { base, page, check, checkSelfContained, loginAs, finish } =
  await start('e2e_yearend.mjs', { shots: 'xj-yearend', skipNote: 'an earlier step of the year-end failed' })

const apiAs = (user) => libApiAs(base, user)
const navItem = (text) => page.locator('.aside .el-menu-item').filter({ hasText: text })
const REASON = '未达到毕业要求（综合素质评价未合格）'

let bureau, primary
let marked, other // six-graders of ys_reg2: one marked 结业, one left to graduate
await check('setup: ys_reg2 has 六年级 students in the year-end window', async () => {
  bureau = await apiAs('ys_bureau')
  primary = await apiAs('ys_reg2')
  const r = await primary.get('/students?grade=16&status=enrolled&per_page=200')
  assert(r.status === 200 && r.body.total >= 2, 'six-graders: ' + JSON.stringify(r.body))
  ;[marked, other] = r.body.items
  const s = await bureau.get('/yearend/settings')
  assert(s.status === 200 && s.body.window_start === '07-01', 'window ' + JSON.stringify(s.body))
})

await check('county bureau: 学年升级 previews the county and marks one graduate 结业 with a reason', async () => {
  await loginAs('ys_bureau')
  await navItem('学年升级').click()
  await page.waitForFunction(() => location.hash.startsWith('#/yearend'))
  await page.locator('[data-test=ye-kind] label').filter({ hasText: '全县' }).click()
  await page.locator('[data-test=ye-county]').waitFor()
  const prev = page.waitForResponse((r) => r.url().endsWith('/api/v1/yearend/preview'))
  await page.locator('[data-test=ye-preview]').click()
  const p = await prev
  assert(p.status() === 200, 'preview answered ' + p.status() + ': ' + (await p.text()))
  const body = await p.json()
  const ps = body.schools.find((s) => s.school_id === primary.user.school_id)
  assert(ps && ps.graduates.some((g) => g.id === marked.id), 'the preview does not list ' + marked.name + ' as a graduate')
  await page.locator(`[data-test=ye-mark-${marked.id}]`).click()
  await page.locator(`input[data-test=ye-reason-${marked.id}], [data-test=ye-reason-${marked.id}] input`).first().fill(REASON)
  await page.locator('[data-test=ye-completed]').filter({ hasText: '1' }).waitFor()
})

let result = null
await check('county bureau: apply promotes the county; the marked student is counted 结业', async () => {
  const resp = page.waitForResponse((r) => r.url().endsWith('/api/v1/yearend/apply'))
  await page.locator('[data-test=ye-apply]').click()
  await page.locator('.el-message-box__btns .el-button--primary').click()
  const r = await resp
  assert(r.status() === 201, 'apply answered ' + r.status() + ': ' + (await r.text()))
  const sent = JSON.parse(r.request().postData() || '{}')
  assert(JSON.stringify(sent.completed) === JSON.stringify([{ student_id: marked.id, reason: REASON }]),
    'apply body ' + JSON.stringify(sent))
  result = await r.json()
  assert(result.completed === 1 && result.graduated >= 2, 'result ' + JSON.stringify({ c: result.completed, g: result.graduated }))
  await page.locator('[data-test=ye-run]').filter({ hasText: '#' + result.run_id }).waitFor()
})

await check('the marked student is 结业 with the reason on the record; the others of the grade 毕业', async () => {
  const m = await primary.get('/students/' + marked.id)
  assert(m.body.student.status === 'completed', 'marked: ' + m.body.student.status)
  const o = await primary.get('/students/' + other.id)
  assert(o.body.student.status === 'graduated', 'other: ' + o.body.student.status)
  const ev = await primary.get('/students/' + marked.id + '/events')
  const last = ev.body.items[ev.body.items.length - 1]
  assert(last.kind === 'yearend.graduate' && JSON.stringify(last).includes(REASON), 'last event ' + JSON.stringify(last))
  // the record page shows 结业
  await page.goto(base + '/#/students/' + marked.id)
  await page.locator('[data-field=status]').filter({ hasText: '结业' }).waitFor()
})

await checkSelfContained()
for (const a of [bureau, primary]) if (a) await a.close()
await finish()
