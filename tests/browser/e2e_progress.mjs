// e2e_progress.mjs -- 小升初 through the UI: the county bureau (ys_bureau)
// sets the primary school of ys_reg2 as a feeder of ys_reg1's junior school
// on 对口与学区, generates and publishes the allocation on 小升初分配, and
// ys_reg1 confirms the 新生名单 into an 初一 class; the record (same id,
// same registry number) is then at the junior school in 初一, 在读.
// run.sh marks the demo county's 六年级 as graduated at a past year-end
// before this script runs (the year-end window is July-August).
//   node tests/browser/e2e_progress.mjs http://127.0.0.1:PORT
import { assert, apiAs as libApiAs, start } from './lib.mjs'

const { base, page, check, checkSelfContained, loginAs, finish } =
  await start('e2e_progress.mjs', { shots: 'xj-progress', skipNote: 'an earlier step of 小升初 failed' })

const apiAs = (user) => libApiAs(base, user)

const navItem = (text) => page.locator('.aside .el-menu-item').filter({ hasText: text })

let bureau, junior, primary
let target = null // {id, registry_no}
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
  target = { id, registry_no: rv.body.student.registry_no }
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

await checkSelfContained()
for (const a of [bureau, junior, primary]) if (a) await a.close()
await finish()
