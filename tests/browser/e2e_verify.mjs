// e2e_verify.mjs -- the semester verification (学籍核准) and the ghost-record
// queue: the registrar ticks a whole class with the keyboard (a = whole
// class, Ctrl+S saves), marks one student's details wrong (↓, c), learns
// that "已修改" needs a real edit, edits the record and settles the class;
// the county bureau sees the school's progress and a late school after the
// deadline, sweeps the county for ghost-record leads and dismisses one with
// a reason.
//   node tests/browser/e2e_verify.mjs http://127.0.0.1:PORT
// Prints "ok - …" / "not ok - …" per check and "N passed, M failed".
import { apiAs, assert, start } from './lib.mjs'

const { base, page, check, checkSelfContained, loginAs, finish } =
  await start('e2e_verify.mjs', { shots: 'xj-verify' })
page.setDefaultTimeout(30000)

const navItem = (text) => page.locator('.aside .el-menu-item').filter({ hasText: text, hasNotText: '线索' })
let klass = null
let kids = []
let round = null

async function classState() {
  const r = await apiAs(base, 'ys_reg1')
  const c = await r.get(`/verification/classes/${klass}`)
  await r.close()
  assert(c.status === 200, 'checklist ' + c.status)
  return c.body
}

await check('registrar: the whole class ticked with the keyboard, one save', async () => {
  await loginAs('ys_reg1')
  await navItem('学籍核准').click()
  await page.waitForFunction(() => location.hash.startsWith('#/verification'))
  await page.locator('[data-test=vf-table] tbody tr').first().waitFor()
  const r = await apiAs(base, 'ys_reg1')
  const p = await r.get('/verification/progress')
  await r.close()
  round = { school_year: p.body.school_year, term: p.body.term }
  klass = p.body.classes.find((c) => !c.done).id
  kids = (await classState()).students
  await page.locator('[data-test=vf-page]').focus()
  await page.keyboard.press('a')
  await page.keyboard.press('ArrowDown')
  await page.keyboard.press('c')          // the second student's details are wrong
  const second = kids[1].id
  await page.locator(`[data-test=vf-state-${second}]`).filter({ hasText: '待更正' }).waitFor()
  await page.keyboard.press('Control+s')
  await page.locator('.el-message--success').filter({ hasText: '已保存' }).waitFor()
  const c = await classState()
  assert(c.done === false, 'class done with a wrong detail')
  assert(c.students.filter((s) => s.settled).length === kids.length - 1, 'settled: ' + JSON.stringify(c.students.map((s) => s.settled)))
})

await check('"已修改" needs a real edit; after the edit the class is done', async () => {
  const second = kids[1].id
  await page.locator(`[data-test=vf-edited-${second}]`).click()
  await page.locator('[data-test=vf-save]').click()
  await page.locator('[data-test=vf-error]').filter({ hasText: '尚未修改' }).waitFor()
  const r = await apiAs(base, 'ys_reg1')
  const s = (await r.get(`/students/${second}`)).body.student
  const e = await r.patch(`/students/${second}`, { version: s.version, specialty: '书法' })
  assert(e.status === 200, 'PATCH ' + e.status)
  await r.close()
  await page.locator('[data-test=vf-save]').click()
  // the first save's message (all the class) may still be shown
  await page.locator('.el-message--success').filter({ hasText: '已保存 1 名' }).waitFor()
  await page.locator('[data-test=vf-class-state]').filter({ hasText: '本班已完成' }).waitFor()
  assert((await classState()).done === true, 'class not done on the server')
})

await check('bureau: progress per school, a late school after the deadline', async () => {
  const b = await apiAs(base, 'ys_bureau')
  const y = new Date(Date.now() - 86400000 + 8 * 3600000).toISOString().slice(0, 10)
  const d = await b.put('/verification/deadline', { county: '441823', ...round, date: y })
  assert(d.status === 200, 'deadline ' + d.status + JSON.stringify(d.body))
  const p = (await b.get('/verification/progress')).body
  await b.close()
  const late = p.schools.filter((s) => s.late)
  assert(late.length >= 1, 'no late school: ' + JSON.stringify(p.totals))
  await loginAs('ys_bureau')
  await navItem('学籍核准').click()
  await page.locator('[data-test=vf-schools] tbody tr').first().waitFor()
  await page.locator(`[data-test=vf-late-${late[0].id}]`).waitFor()
  const totals = await page.locator('[data-test=vf-totals]').textContent()
  assert(totals.includes(`逾期 ${p.totals.schools_late}`), 'totals: ' + totals)
})

await check('bureau: sweep for ghost-record leads, dismiss one with a reason', async () => {
  await page.locator('.aside .el-menu-item').filter({ hasText: '空挂学籍线索' }).click()
  await page.waitForFunction(() => location.hash.startsWith('#/verification/ghosts'))
  await page.locator('[data-test=gh-sweep]').click()
  // the sweep is a job: the page follows it, then says what it found and
  // reloads the queue
  await page.locator('.el-message--success').filter({ hasText: '排查' }).waitFor()
  const last = await page.locator('[data-test=gh-last]').textContent()
  assert(last.includes('已完成') && /新线索 [1-9]/.test(last), 'last sweep: ' + last)
  const first = page.locator('[data-test=gh-table] tbody tr').first()
  await first.waitFor()
  await first.locator('[data-test^=gh-sig-unverified]').waitFor()
  const dismiss = first.locator('[data-test^=gh-dismiss-]')
  const sid = Number((await dismiss.getAttribute('data-test')).replace('gh-dismiss-', ''))
  await dismiss.click()
  await page.locator('[data-test=gh-submit]').click()
  await page.locator('[data-test=gh-msg]').filter({ hasText: '理由' }).waitFor()
  await page.locator('textarea[data-test=gh-reason], [data-test=gh-reason] textarea').first().fill('经核实该生在校就读')
  await page.locator('[data-test=gh-submit]').click()
  await page.locator('.el-message--success').filter({ hasText: '已排除' }).waitFor()
  const b = await apiAs(base, 'ys_bureau')
  const l = (await b.get('/verification/ghosts?status=dismissed')).body
  await b.close()
  assert(l.items.some((c) => c.student_id === sid && c.reason === '经核实该生在校就读'), 'not dismissed: ' + JSON.stringify(l.items.slice(0, 2)))
})

await checkSelfContained()
await finish()
