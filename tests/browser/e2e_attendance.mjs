// e2e_attendance.mjs -- the attendance grid (考勤): the class teacher opens
// last week of their class, enters absences with the keyboard only (arrows,
// 3 = 旷课, 1 = 病假, h = half day, 2 = 事假), saves once; the server has
// them (one request, one transaction), a reload shows them, a weekend cell
// takes nothing; the county bureau reads the same grid without saving; a
// file import of valid rows only records the good row and lists the bad one.
//   node tests/browser/e2e_attendance.mjs http://127.0.0.1:PORT
// Prints "ok - …" / "not ok - …" per check and "N passed, M failed".
import { apiAs, assert, start } from './lib.mjs'

const { base, page, check, checkSelfContained, loginAs, finish } =
  await start('e2e_attendance.mjs', { shots: 'xj-attendance' })
// the grid's first load (a lazily loaded view) on a busy machine
page.setDefaultTimeout(30000)

const navItem = (text) => page.locator('.aside .el-menu-item').filter({ hasText: text })
const cell = (r, c) => page.locator(`[data-test=att-grid] td[data-cell="${r}-${c}"]`)
let klass = null
let monday = null

async function openLastWeek() {
  await navItem('考勤').click()
  await page.waitForFunction(() => location.hash.startsWith('#/attendance'))
  await page.locator('[data-test=att-grid]').waitFor()
  await page.locator('[data-test=att-prev]').click()
  await page.waitForFunction((d) => {
    const th = document.querySelectorAll('[data-test=att-grid] thead th')
    return th.length > 2 && !th[2].textContent.includes(d)
  }, new Date().toISOString().slice(5, 10))
}

await check('teacher: keyboard entry in last week\'s grid, one save', async () => {
  await loginAs('ys_teacher1')
  await openLastWeek()
  const t = await apiAs(base, 'ys_teacher1')
  const classes = await t.get('/classes')
  klass = classes.body.items[0].id
  monday = await cell(0, 0).getAttribute('data-date')
  await cell(0, 0).click()          // a click cycles to 病假 ...
  await cell(0, 0).press('3')       // ... the key makes it 旷课
  await cell(0, 0).press('ArrowRight')
  await cell(0, 1).press('1')
  await cell(0, 1).press('h')       // 病假, morning only
  await cell(0, 1).press('ArrowDown')
  await cell(1, 1).press('2')
  await cell(0, 5).click()          // Saturday: nothing to enter
  assert((await cell(0, 5).textContent()).trim() === '', 'Saturday took an entry')
  await page.locator('[data-test=att-save]').click()
  await page.locator('.el-message--success').filter({ hasText: '已保存' }).waitFor()
  const g = await t.get(`/attendance/classes/${klass}?from=${monday}`)
  assert(g.status === 200, 'grid ' + g.status)
  const [s0, s1] = g.body.students
  const tue = g.body.days[1].date
  assert(JSON.stringify(s0.absences[monday]) === JSON.stringify({ part: 'full', reason: 'unexcused' }), 'server: ' + JSON.stringify(s0.absences))
  assert(JSON.stringify(s0.absences[tue]) === JSON.stringify({ part: 'am', reason: 'sick' }), 'server: ' + JSON.stringify(s0.absences))
  assert(s1.absences[tue] && s1.absences[tue].reason === 'personal', 'server: ' + JSON.stringify(s1.absences))
  await t.close()
})

await check('reload shows the saved entries', async () => {
  await page.reload()
  await page.locator('[data-test=att-grid]').waitFor()
  await page.locator('[data-test=att-prev]').click()
  await page.locator(`[data-test=att-grid] td[data-cell="0-0"][data-date="${monday}"]`).waitFor()
  assert((await cell(0, 0).textContent()).trim() === '旷', 'Monday shows ' + (await cell(0, 0).textContent()))
  assert((await cell(0, 1).textContent()).trim() === '病上', 'Tuesday shows ' + (await cell(0, 1).textContent()))
  assert((await cell(1, 1).textContent()).trim() === '事', 'row 2 shows ' + (await cell(1, 1).textContent()))
})

await check('the county bureau reads the grid, cannot record', async () => {
  const b = await apiAs(base, 'ys_bureau')
  const g = await b.get(`/attendance/classes/${klass}?from=${monday}`)
  assert(g.status === 200 && g.body.writable === false, 'bureau grid: ' + g.status)
  const r = await b.post('/attendance', { entries: [{ student_id: g.body.students[0].id, date: monday }] })
  assert(r.status === 403, 'bureau POST answered ' + r.status)
  await b.close()
})

await check('teacher: file import of valid rows only, the bad row listed', async () => {
  await loginAs('ys_teacher1')
  await openLastWeek()
  const a = await apiAs(base, 'admin')
  const g = await a.get(`/attendance/classes/${klass}?from=${monday}`)
  const sid = g.body.students[2].id
  // a school day of that week after the ones the first check used
  const col = g.body.days.findIndex((d, i) => i >= 2 && d.school_day)
  assert(col >= 2, 'no school day left in the week: ' + JSON.stringify(g.body.days))
  const wed = g.body.days[col].date
  const rv = await a.post(`/students/${sid}/reveal`, { fields: ['registry_no'] })
  assert(rv.status === 200, 'reveal ' + rv.status)
  const csv = '学籍号,日期,时段,原因\n' +
    `${rv.body.student.registry_no},${wed},全天,病假\n` +
    `G000000000000000000,${wed},全天,旷课\n`
  await page.locator('[data-test=att-import-file]').setInputFiles({
    name: 'absences.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf-8')
  })
  await page.locator('[data-test=att-import-valid]').click()
  await page.locator('[data-test=att-import-run]').click()
  const res = page.locator('[data-test=att-import-result]')
  await res.filter({ hasText: '跳过 1 行' }).waitFor()
  assert((await res.textContent()).includes('第3行'), 'result: ' + await res.textContent())
  const g2 = await a.get(`/attendance/classes/${klass}?from=${monday}`)
  const s2 = g2.body.students.find((x) => x.id === sid)
  assert(s2.absences[wed] && s2.absences[wed].reason === 'sick', 'server: ' + JSON.stringify(s2.absences))
  // the grid in the page shows it (reloaded after the import)
  await page.locator(`[data-test=att-grid] td[data-cell="2-${col}"][data-date="${wed}"]`).filter({ hasText: '病' }).waitFor()
  await a.close()
})

await checkSelfContained()
await finish()
