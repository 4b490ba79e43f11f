// e2e_progress.mjs -- 小升初 through the UI, after e2e_yearend.mjs applied
// the county's year-end in July (the 六年级 graduated, one student 结业);
// run.sh restarts the server on the same database with its clock on 1
// September (XJ_FAKE_NOW), the start of the new school year.  The county
// bureau (ys_bureau) sets the primary school of ys_reg2 as a feeder of
// ys_reg1's junior school on 对口与学区, generates the allocation on
// 小升初分配, sends one unmatched graduate to the junior school with a
// reason (admitted outside the zone), downloads the list and publishes;
// ys_reg1 confirms the 新生名单 into an 初一 class; the record (same id,
// same registry number) is then at the junior school in 初一, 在读.  The
// bureau's school-choice table counts the admissions by route (and
// downloads), and ys_reg2 still finds its graduates in the 毕业生 list of
// the year, the 结业 one as 结业.
//   XJ_E2E_YEAR=2027 node tests/browser/e2e_progress.mjs http://127.0.0.1:PORT
import { readFileSync } from 'node:fs'
import { assert, apiAs as libApiAs, start } from './lib.mjs'

const { base, page, check, checkSelfContained, loginAs, finish } =
  await start('e2e_progress.mjs', { shots: 'xj-progress', skipNote: 'an earlier step of 小升初 failed' })

const apiAs = (user) => libApiAs(base, user)

const navItem = (text) => page.locator('.aside .el-menu-item').filter({ hasText: text })
const YEAR = Number(process.env.XJ_E2E_YEAR)

// Click @locator, wait for the download: an XLSX (a zip) named *.xlsx.
async function downloadXlsx(locator) {
  const dl = page.waitForEvent('download')
  await locator.click()
  const d = await dl
  assert(d.suggestedFilename().endsWith('.xlsx'), 'file name ' + d.suggestedFilename())
  const buf = readFileSync(await d.path())
  assert(buf.length > 1000 && buf[0] === 0x50 && buf[1] === 0x4b, 'not an XLSX (zip): ' + buf.length + ' bytes')
}

let bureau, junior, primary
let target = null // {id, registry_no, name}
let moved = '' // the name of the unmatched graduate the bureau sent
await check('setup: a primary graduate of ys_reg2 waiting for 小升初', async () => {
  bureau = await apiAs('ys_bureau')
  junior = await apiAs('ys_reg1')
  primary = await apiAs('ys_reg2')
  const z = await bureau.get('/zones')
  assert(z.status === 200, 'GET /zones answered ' + z.status)
  const js = z.body.schools.find((s) => s.id === junior.user.school_id)
  assert(js && js.stage === 'junior', 'ys_reg1 school is not a junior school: ' + JSON.stringify(js))
  const grads = await primary.get('/students?status=graduated&grade=16&per_page=200')
  assert(grads.status === 200 && grads.body.total > 0, 'no graduate at ys_reg2: ' + JSON.stringify(grads.body))
  const id = grads.body.items[0].id
  const rv = await bureau.post('/students/' + id + '/reveal', { fields: ['registry_no'] })
  assert(rv.status === 200, 'reveal answered ' + rv.status)
  target = { id, registry_no: rv.body.student.registry_no, name: grads.body.items[0].name }
})

await check('county bureau: 对口与学区 sets the feeder primary school', async () => {
  await loginAs('ys_bureau')
  await navItem('对口与学区').click()
  await page.waitForFunction(() => location.hash.startsWith('#/zones'))
  const sel = page.locator(`[data-test=feeders-${junior.user.school_id}]`)
  await sel.waitFor()
  await sel.click()
  const opt = page.locator('.el-select-dropdown:visible .el-select-dropdown__item').filter({ hasText: primary.user.school_name })
  await opt.first().click()
  await page.keyboard.press('Escape')
  const resp = page.waitForResponse((r) => r.url().includes(`/api/v1/schools/${junior.user.school_id}/zone`))
  await page.locator(`[data-test=save-zone-${junior.user.school_id}]`).click()
  const r = await resp
  assert(r.status() === 200, 'PUT zone answered ' + r.status() + ': ' + (await r.text()))
  const sent = JSON.parse(r.request().postData() || '{}')
  assert(sent.feeders.includes(primary.user.school_id), 'PUT body ' + JSON.stringify(sent))
})

await check('county bureau: 小升初分配 generates and publishes the allocation', async () => {
  await navItem('小升初分配').click()
  await page.waitForFunction(() => location.hash.startsWith('#/allocation'))
  const gen = page.waitForResponse((r) => r.url().endsWith('/api/v1/allocations') && r.request().method() === 'POST')
  await page.locator('[data-test=alloc-generate]').click()
  const g = await gen
  assert(g.status() === 201, 'POST /allocations answered ' + g.status() + ': ' + (await g.text()))
  const a = await g.json()
  const row = a.schools.find((s) => s.school_id === junior.user.school_id)
  assert(row && row.feeder >= 1, 'no feeder allocation to the junior school: ' + JSON.stringify(a.schools))
  await page.locator('[data-test=alloc-schools]').filter({ hasText: junior.user.school_name }).waitFor()
  assert(a.unmatched >= 1, 'no unmatched graduate (the other primary school of the demo feeds no one): ' + a.unmatched)
  // an unmatched graduate sent to the junior school, with a reason
  await page.locator('[data-test=alloc-unmatched]').click()
  const first = page.locator('[data-test=alloc-items] .el-table__body tr').first()
  moved = (await first.locator('td').nth(1).innerText()).trim()
  await first.locator('.el-checkbox').click()
  await page.locator('[data-test=alloc-move-open]').click()
  await page.locator('[data-test=move-school]').click()
  await page.locator('.el-select-dropdown:visible .el-select-dropdown__item').filter({ hasText: junior.user.school_name }).first().click()
  await page.locator('input[data-test=move-reason], [data-test=move-reason] input').first().fill('随迁子女，就近入学')
  const mv = page.waitForResponse((r) => r.url().endsWith('/move'))
  await page.locator('[data-test=move-confirm]').click()
  const m = await mv
  assert(m.status() === 200, 'move answered ' + m.status() + ': ' + (await m.text()))
  const after = (await m.json()).schools.find((s) => s.school_id === junior.user.school_id)
  assert(after.moved === 1, 'moved ' + JSON.stringify(after))
  await downloadXlsx(page.locator('[data-test=alloc-download]'))
  await page.locator('[data-test=alloc-publish]').click()
  const pub = page.waitForResponse((r) => r.url().endsWith('/publish'))
  await page.locator('.el-message-box__btns .el-button--primary').click()
  const p = await pub
  assert(p.status() === 200, 'publish answered ' + p.status())
  await page.locator('[data-test=alloc-status][data-status=published]').waitFor()
})

await check('junior school (ys_reg1): 新生名单 lists the graduate and confirms into 初一', async () => {
  await loginAs('ys_reg1')
  await navItem('新生名单').click()
  await page.waitForFunction(() => location.hash.startsWith('#/intake'))
  await page.locator('[data-test=intake-table]').waitFor()
  const intake = await junior.get('/intake')
  assert(intake.body.items.some((i) => i.student_id === target.id), 'the graduate is not on the list')
  await page.locator('[data-test=intake-classes]').click()
  const opt = page.locator('.el-select-dropdown:visible .el-select-dropdown__item').first()
  await opt.waitFor()
  await opt.click()
  await page.keyboard.press('Escape')
  const resp = page.waitForResponse((r) => r.url().endsWith('/api/v1/intake/confirm'))
  await page.locator('[data-test=intake-confirm-all]').click()
  const r = await resp
  assert(r.status() === 200, 'confirm answered ' + r.status() + ': ' + (await r.text()))
  const d = await r.json()
  assert(d.confirmed === intake.body.total, `confirmed ${d.confirmed} of ${intake.body.total}`)
  await page.locator('[data-test=intake-empty]').waitFor()
})

await check('the record, with the same registry number, is at the junior school in 初一', async () => {
  const s = await junior.get('/students/' + target.id)
  assert(s.status === 200, 'the junior school cannot see the student: ' + s.status)
  const st = s.body.student
  assert(st.school_id === junior.user.school_id && st.grade === '21' && st.status === 'enrolled',
    'record ' + JSON.stringify({ school: st.school_id, grade: st.grade, status: st.status }))
  const rv = await bureau.post('/students/' + target.id + '/reveal', { fields: ['registry_no'] })
  assert(rv.body.student.registry_no === target.registry_no, 'registry number changed')
  const ev = await junior.get('/students/' + target.id + '/events')
  assert(ev.body.items[ev.body.items.length - 1].kind === 'progress.promote', 'last event ' + JSON.stringify(ev.body.items.slice(-1)))
  await page.goto(base + '/#/students/' + target.id)
  await page.locator('[data-field=school_id]').filter({ hasText: junior.user.school_name }).waitFor()
})

await check('county bureau: the school-choice table counts the admissions by route, out of zone, and downloads', async () => {
  const fig = await bureau.get('/progress/school-choice')
  assert(fig.status === 200 && fig.body.year === YEAR, 'figures ' + JSON.stringify(fig.body))
  const js = fig.body.schools.find((s) => s.school_id === junior.user.school_id)
  assert(js && js.feeder >= 1 && js.moved === 1 && js.out_of_zone === 1 && js.admitted === js.feeder + js.zone + js.moved + js.other,
    'junior school figures ' + JSON.stringify(js))
  await loginAs('ys_bureau')
  await navItem('小升初分配').click()
  await page.waitForFunction(() => location.hash.startsWith('#/allocation'))
  const row = page.locator('[data-test=choice-table] .el-table__body tr').filter({ hasText: junior.user.school_name })
  await row.waitFor()
  const cells = (await row.locator('td').allInnerTexts()).map((x) => x.trim())
  const want = [js.name, js.admitted, js.feeder, js.zone, js.moved, js.other, js.out_of_zone].map(String)
  assert(JSON.stringify(cells.slice(0, 7)) === JSON.stringify(want), 'row ' + JSON.stringify(cells) + ' want ' + JSON.stringify(want))
  assert(cells[7] === js.out_of_zone_pct + '%', 'share ' + cells[7])
  const yr = await page.locator('input[data-test=choice-year], [data-test=choice-year] input').first().inputValue()
  assert(yr === String(YEAR), 'the table shows the year ' + yr + ', the server is in ' + YEAR)
  await downloadXlsx(page.locator('[data-test=choice-download]'))
})

await check('graduating school (ys_reg2): the 毕业生 list of the year keeps its graduates, now at the junior school', async () => {
  const g = await primary.get('/students?graduated=' + YEAR + '&per_page=200')
  const done = g.body.items.find((s) => s.outcome === 'completed')
  assert(done, 'no 结业 student in the list: ' + JSON.stringify(g.body.items.map((s) => s.outcome)))
  await loginAs('ys_reg2')
  await page.goto(base + '/#/students')
  await page.locator('[data-test=student-table]').waitFor()
  await page.locator('[data-test=filter-graduated]').click()
  await page.locator('.el-select-dropdown:visible .el-select-dropdown__item').filter({ hasText: YEAR + '年毕业生' }).click()
  await page.waitForFunction((y) => location.hash.includes('graduated=' + y), YEAR)
  const row = page.locator('[data-test=student-table] .el-table__body tr').filter({ hasText: target.name })
    .filter({ hasText: junior.user.school_name })
  await row.first().waitFor()
  await row.first().locator('[data-test=cell-outcome]').filter({ hasText: '毕业' }).waitFor()
  const total = await page.locator('[data-test=student-pager] .el-pagination__total').innerText()
  assert(total.includes(String(g.body.total)), 'pager ' + total + ' vs ' + g.body.total)
  await page.locator('[data-test=graduated-note]').waitFor()
  const exp = page.locator('[data-test=export-button]')
  assert(await exp.isDisabled(), 'export stays enabled on the 毕业生 list')
})

await checkSelfContained()
for (const a of [bureau, junior, primary]) if (a) await a.close()
await finish()
