// e2e_flows.mjs -- the flows page (学生流动): a death recorded at ys_reg1's
// school and approved by the county makes one move out of the county; the
// bureau opens 学生流动 from the menu, sees the totals and the Sankey chart,
// a table with every flow the API lists (none left out), follows the
// death's count to the student list and from there to the student's
// record; the XLSX link carries the same range; a registrar of another
// county does not see the move.
//   node tests/browser/e2e_flows.mjs http://127.0.0.1:PORT
// Prints "ok - …" / "not ok - …" per check and "N passed, M failed".
import { apiAs, assert, start } from './lib.mjs'

const { base, page, check, loginAs, finish } =
  await start('e2e_flows.mjs', { shots: 'xj-flows', skipNote: 'the move was not recorded' })
page.setDefaultTimeout(30000) // the shared machine may be busy
const navItem = (text) => page.locator('.aside .el-menu-item').filter({ hasText: text })
let bureau, reg, target, rep

await check('setup: a death at ys_reg1\'s school, approved by the county', async () => {
  reg = await apiAs(base, 'ys_reg1')
  bureau = await apiAs(base, 'ys_bureau')
  const list = await reg.get('/students?status=enrolled&per_page=50')
  assert(list.status === 200, 'GET /students ' + list.status)
  target = list.body.items[list.body.items.length - 1]
  const r = await reg.post('/changes', { type: 'death', student_id: target.id, reason: '因病去世' })
  assert(r.status === 201, 'death answered ' + r.status + ' ' + JSON.stringify(r.body))
  let c = r.body.change
  for (const s of c.steps) {
    const a = s.actor_kind === 'school' ? reg : bureau
    const x = await a.post('/changes/' + c.id + '/approve', {})
    assert(x.status === 200, 'approve ' + x.status + ' ' + JSON.stringify(x.body))
    c = x.body.change
  }
  assert(c.status === 'approved', 'status ' + c.status)
  const f = await bureau.get('/flows')
  assert(f.status === 200, 'GET /flows ' + f.status)
  rep = f.body
  assert(rep.totals.out >= 1, 'out ' + rep.totals.out)
})

await check('bureau: 学生流动 shows the totals, the chart and every flow', async () => {
  await loginAs('ys_bureau')
  await navItem('学生流动').click()
  await page.waitForFunction(() => location.hash.startsWith('#/flows'))
  const out = page.locator('[data-test=flows-total-out]')
  await out.waitFor()
  assert((await out.innerText()).includes(String(rep.totals.out)), 'out total ' + await out.innerText())
  await page.locator('[data-test=flow-sankey] canvas').first().waitFor()
  const rows = page.locator('[data-test=flows-table] .el-table__body tr')
  await rows.first().waitFor()
  assert((await rows.count()) === rep.links.length, `rows ${await rows.count()} != ${rep.links.length}`)
  const href = await page.locator('[data-test=flows-xlsx]').getAttribute('href')
  assert(href && href.includes('/flows.xlsx') && href.includes('from=' + rep.from), 'xlsx link ' + href)
  await page.locator('[data-test=flows-followup]').waitFor()
})

await check('bureau: the death\'s count opens its students, then the record', async () => {
  const i = rep.links.findIndex((l) => l.type === 'death')
  assert(i >= 0, 'no death link ' + JSON.stringify(rep.links))
  await page.locator('[data-test=flows-table] .el-table__body tr').nth(i).locator('[data-test=flows-count]').click()
  const link = page.locator('[data-test=flows-student]').filter({ hasText: target.name })
  await link.first().waitFor()
  await link.first().click()
  await page.waitForFunction((id) => location.hash.startsWith('#/students/' + id), target.id)
})

await check('another county\'s registrar does not see the move', async () => {
  const own = await reg.get('/flows/students?type=death&per_page=200')
  assert(own.status === 200 && own.body.items.some((x) => x.student_id === target.id), 'own school lists its death')
  const yd = await apiAs(base, 'yd_reg1')
  const d = await yd.get('/flows/students?type=death&per_page=200')
  assert(d.status === 200, 'GET /flows/students ' + d.status)
  assert(!d.body.items.some((x) => x.student_id === target.id), 'yd_reg1 sees the death of a YS student')
  const w = await reg.get('/flows/students?region=44')
  assert(w.status === 404, 'a registrar cannot widen to a region: ' + w.status)
})

await finish()
