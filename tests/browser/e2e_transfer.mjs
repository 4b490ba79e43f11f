// e2e_transfer.mjs -- one cross-county transfer (转学) through the UI, from
// the receiving registrar's request to the last approval, by four users of
// two counties of 清远市 (run.sh adds 441881 英德市 to the demo county 441823
// 阳山县, with users yd_reg1 and yd_bureau).  Chain (docs/internals/changes.md):
// 转入县 bureau (yd_bureau) → 转出学校 (ys_reg1) → 转出县 bureau (ys_bureau).
//   node tests/browser/e2e_transfer.mjs http://127.0.0.1:PORT
// Prints "ok - …" / "not ok - …" per check and "N passed, M failed".
import { assert, apiAs as libApiAs, start } from './lib.mjs'

const SHOTS = process.env.XJ_SHOTS || '' // directory: keep screenshots of the new pages

const { base, page, check, checkSelfContained, loginAs, finish } =
  await start('e2e_transfer.mjs', { shots: 'xj-transfer', skipNote: 'an earlier step of the transfer failed' })

async function snap(name) {
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: false })
}

// ---- API sessions (setup and cross-checks, outside the browser) ----
const apiAs = (user) => libApiAs(base, user)

// Element Plus puts extra attributes of <el-input> on the <input>/<textarea> itself.
const inputOf = (dt) => page.locator(`input[data-test=${dt}], textarea[data-test=${dt}], [data-test=${dt}] input, [data-test=${dt}] textarea`).first()
const navItem = (text) => page.locator('.aside .el-menu-item').filter({ hasText: text })

// The to-do badge in the navigation must show the server's count (>= 1),
// the 待我审批 tab must list request @id, and opening it shows the review.
async function badgeAndOpen(api, id) {
  const c = await api.get('/changes/counts')
  assert(c.status === 200, 'GET /changes/counts answered ' + c.status)
  assert(c.body.todo >= 1, `${api.user.username} has no to-do per the server: ` + JSON.stringify(c.body))
  const badge = page.locator('.aside [data-test=todo-badge]')
  await badge.waitFor()
  const shown = await badge.getAttribute('data-count')
  assert(Number(shown) === c.body.todo, `badge shows ${shown}, server counts ${c.body.todo}`)
  const txt = (await badge.innerText()).trim()
  assert(txt === (c.body.todo > 99 ? '99+' : String(c.body.todo)), 'badge text ' + txt)
  await navItem('待办').click()
  await page.waitForFunction(() => location.hash.startsWith('#/todo'))
  const row = page.locator('[data-test=todo-table] .el-table__body tr.el-table__row').filter({ has: page.locator(`.cell-id[data-id="${id}"]`) })
  await row.waitFor()
  await snap('todo-' + api.user.username)
  await row.locator('td').nth(2).click()
  await page.waitForFunction((i) => location.hash === '#/changes/' + i, String(id))
  await page.locator('[data-test=act-approve]').waitFor()
}
async function approveInUi(id, comment) {
  await inputOf('act-comment').fill(comment)
  const resp = page.waitForResponse((r) => r.url().endsWith(`/api/v1/changes/${id}/approve`) && r.request().method() === 'POST')
  await page.locator('[data-test=act-approve]').click()
  const r = await resp
  assert(r.status() === 200, `approve answered ${r.status()}: ${await r.text()}`)
  const sent = JSON.parse(r.request().postData() || '{}')
  assert(Number.isInteger(sent.version) && sent.comment === comment, 'approve body: ' + JSON.stringify(sent))
  return (await r.json()).change
}
const waitingOf = (c) => (c.waiting ? `${c.waiting.actor_kind}:${c.waiting.actor_kind === 'school' ? c.waiting.actor_school_id : c.waiting.actor_region}` : 'none')

// ---- setup: who is who, and a student of 阳山县 the receiving school can take ----
let ydReg, ydBureau, ysReg, ysBureau
let target = null // {id, name, id_no, grade, school_id, school_name}
let changeId = null
await check('setup: four users of two counties and a transferable student', async () => {
  ydReg = await apiAs('yd_reg1')
  ydBureau = await apiAs('yd_bureau')
  ysReg = await apiAs('ys_reg1')
  ysBureau = await apiAs('ys_bureau')
  assert(ydReg.user.role === 'registrar' && ydReg.user.school_id, 'yd_reg1 is not a registrar with a school')
  assert(ydBureau.user.role === 'bureau' && ydBureau.user.region_code === '441881', 'yd_bureau region ' + ydBureau.user.region_code)
  assert(ysBureau.user.region_code === '441823', 'ys_bureau region ' + ysBureau.user.region_code)
  const mine = await ydReg.get('/schools/' + ydReg.user.school_id)
  const grades = ((mine.body && mine.body.grades) || []).map((g) => String(g.grade))
  assert(grades.length, 'the receiving school teaches no grade')
  const list = await ysReg.get('/students?status=enrolled&per_page=200')
  assert(list.status === 200, 'GET /students as ys_reg1 answered ' + list.status)
  // neither an entry grade (no transfer in its first term) nor a graduating
  // grade (no transfer all year): the change settings' defaults
  const movable = (g) => !/^\d1$/.test(g) && !['16', '23', '24', '33', '43'].includes(g)
  const cands = (list.body.items || []).filter((s) => grades.includes(String(s.grade)) && movable(String(s.grade)) && /^\d{14}\*{4}$/.test(s.id_no)).reverse()
  assert(cands.length, 'no enrolled student of ys_reg1 in grades ' + grades.join(','))
  const s = cands[0]
  const rv = await ysReg.post('/students/' + s.id + '/reveal')
  assert(rv.status === 200 && /^\d{17}[\dX]$/.test(rv.body.student.id_no), 'reveal answered ' + rv.status)
  target = { id: s.id, name: rv.body.student.name, id_no: rv.body.student.id_no, grade: s.grade, school_id: rv.body.student.school_id, school_name: rv.body.student.school_name }
  assert(String(target.school_id) === String(ysReg.user.school_id), 'student not at ys_reg1 school')
  const c0 = await ydBureau.get('/changes/counts')
  assert(c0.status === 200 && c0.body.todo === 0, 'yd_bureau starts with to-dos: ' + JSON.stringify(c0.body))
})

await check('receiving registrar (yd_reg1): 转入申请 finds the student by full ID and submits the transfer', async () => {
  await loginAs('yd_reg1')
  assert((await page.locator('.aside .el-menu-item').allInnerTexts()).some((x) => x.includes('转入申请')), 'no 转入申请 in the navigation')
  await navItem('转入申请').click()
  await page.waitForFunction(() => location.hash.startsWith('#/transfer-in'))
  // A wrong number finds nobody (exact match only).
  await inputOf('tin-value').fill(target.id_no.slice(0, 17))
  await page.locator('[data-test=tin-find]').click()
  await page.locator('[data-field=lookup] .el-form-item__error').waitFor()
  assert((await page.locator('[data-test=tin-found]').count()) === 0, 'a prefix of the ID found a student')
  await inputOf('tin-value').fill(target.id_no)
  const lk = page.waitForResponse((r) => r.url().includes('/api/v1/students/lookup?'))
  await page.locator('[data-test=tin-find]').click()
  const lr = await lk
  assert(lr.status() === 200, 'lookup answered ' + lr.status())
  assert(new URL(lr.url()).searchParams.get('id_no') === target.id_no, 'lookup query ' + lr.url())
  await page.locator('[data-test=tin-found]').waitFor()
  assert((await page.locator('[data-test=tin-name]').innerText()).trim() === target.name, 'name shown ' + (await page.locator('[data-test=tin-name]').innerText()))
  assert((await page.locator('[data-test=tin-school]').innerText()).trim() === target.school_name, 'school shown ' + (await page.locator('[data-test=tin-school]').innerText()))
  // Choose the first class of the grade, then submit with the reason.
  await page.locator('[data-field=to_class_id] .el-select__wrapper').click()
  const opt = page.locator('.el-select-dropdown:visible .el-select-dropdown__item').first()
  await opt.waitFor()
  await opt.click()
  // Without a reason nothing is sent.
  await page.locator('[data-test=tin-submit]').click()
  await page.locator('[data-field=reason] .el-form-item__error').waitFor()
  await inputOf('tin-reason').fill('随父母工作调动到英德')
  await snap('transfer-in')
  const resp = page.waitForResponse((r) => r.url().endsWith('/api/v1/changes') && r.request().method() === 'POST')
  await page.locator('[data-test=tin-submit]').click()
  const r = await resp
  const sent = JSON.parse(r.request().postData() || '{}')
  assert(r.status() === 201, `POST /changes answered ${r.status()}: ${await r.text()}`)
  assert(sent.type === 'transfer_in' && sent.student_id === target.id && sent.id_no === target.id_no &&
    String(sent.to_school_id) === String(ydReg.user.school_id) && Number.isInteger(sent.to_class_id), 'POST body ' + JSON.stringify(sent))
  changeId = (await r.json()).change.id
  await page.waitForFunction((i) => location.hash === '#/changes/' + i, String(changeId))
  await page.locator('[data-test=change-status][data-status=pending]').waitFor()
  const c = (await ydReg.get('/changes/' + changeId)).body.change
  const chain = c.steps.filter((s) => s.round === c.round).sort((a, b) => a.seq - b.seq)
    .map((s) => `${s.actor_kind}:${s.actor_kind === 'school' ? s.actor_school_id : s.actor_region}`)
  const want = ['county:441881', 'school:' + target.school_id, 'county:441823']
  assert(JSON.stringify(chain) === JSON.stringify(want), 'chain ' + chain.join(' → ') + ', expected ' + want.join(' → '))
  const rows = page.locator('[data-test=step-table] .el-table__body tr.el-table__row')
  assert((await rows.count()) === 3, 'the review page shows ' + (await rows.count()) + ' steps')
  assert((await rows.first().locator('[data-status=waiting]').count()) === 1, 'the first step is not shown waiting')
  assert((await page.locator('[data-test=act-approve]').count()) === 0, 'the initiator is offered 批准')
  assert((await page.locator('[data-test=act-withdraw]').count()) === 1, 'the initiator is not offered 撤回')
  await snap('review-initiator')
})

await check('receiving county bureau (yd_bureau): badge, 待我审批, approve → waits for the sending school', async () => {
  await loginAs('yd_bureau')
  await badgeAndOpen(ydBureau, changeId)
  // The student's record stays beside the request only where it is in scope;
  // the chain and request content are always there.
  assert((await page.locator('[data-test=change-to-school]').innerText()).trim() === ydReg.user.school_name, 'to-school shown')
  const c = await approveInUi(changeId, '同意转入')
  assert(c.status === 'pending' && waitingOf(c) === 'school:' + target.school_id, 'after step 1: ' + c.status + ' ' + waitingOf(c))
  await page.locator('[data-test=step-table] .el-table__body tr.el-table__row').first().locator('[data-status=approved]').waitFor()
  assert((await page.locator('[data-test=act-approve]').count()) === 0, 'approve still offered after acting')
  const after = (await ydBureau.get('/changes?box=todo')).body.items.map((x) => x.id)
  assert(!after.includes(changeId), 'the request is still in yd_bureau to-do')
})

await check('sending registrar (ys_reg1): badge, record shows the open request blocks another change, approve', async () => {
  await loginAs('ys_reg1')
  // The student record's 学籍变动 menu: a second request is refused (409) and shown.
  await page.goto(base + '/#/students/' + target.id)
  await page.locator('[data-test=change-menu]').click()
  await page.locator('.el-dropdown-menu:visible [data-type=suspend]').click()
  await page.locator('[data-test=change-dialog] [data-field=reason] textarea').fill('病休')
  const resp = page.waitForResponse((r) => r.url().endsWith('/api/v1/changes') && r.request().method() === 'POST')
  await page.locator('[data-test=change-submit]').click()
  const r = await resp
  const body = await r.json().catch(() => ({}))
  assert(r.status() === 409 && body.error && body.error.code === 'change_open', `second request answered ${r.status()}: ${JSON.stringify(body)}`)
  const err = page.locator('[data-test=change-error]')
  await err.waitFor()
  assert((await err.innerText()).includes(body.error.message), 'dialog does not show the server message ' + body.error.message)
  await snap('change-dialog')
  await page.keyboard.press('Escape')
  await page.goto(base + '/#/')
  await badgeAndOpen(ysReg, changeId)
  await page.locator('[data-test=change-record] [data-field=id_no]').waitFor()
  const idShown = (await page.locator('[data-test=change-record] [data-field=id_no]').innerText()).trim()
  assert(idShown.includes('*') && idShown !== target.id_no, 'the record beside the request is not masked: ' + idShown)
  const beside = await page.locator('[data-test=change-record]').innerText()
  assert(!beside.includes(target.id_no), 'the record beside the request shows the full ID (or G registry number)')
  await snap('review-school')
  const c = await approveInUi(changeId, '同意转出')
  assert(c.status === 'pending' && waitingOf(c) === 'county:441823', 'after step 2: ' + c.status + ' ' + waitingOf(c))
})

await check('sending county bureau (ys_bureau): badge, approve → approved, the student is at the receiving school', async () => {
  await loginAs('ys_bureau')
  await badgeAndOpen(ysBureau, changeId)
  const c = await approveInUi(changeId, '同意')
  assert(c.status === 'approved' && !c.waiting, 'after step 3: ' + c.status + ' ' + waitingOf(c))
  await page.locator('[data-test=change-status][data-status=approved]').waitFor()
  await snap('review-approved')
  const s = await ydReg.get('/students/' + target.id)
  assert(s.status === 200, 'the receiving registrar cannot read the student: ' + s.status)
  assert(String(s.body.student.school_id) === String(ydReg.user.school_id), 'student school_id ' + s.body.student.school_id)
  assert(String(s.body.student.grade) === String(target.grade), 'grade changed: ' + s.body.student.grade)
  const gone = await ysReg.get('/students/' + target.id)
  assert(gone.status === 404, 'the sending registrar still sees the student: ' + gone.status)
})

await check('receiving registrar sees the student at the new school, and the request under 我发起的', async () => {
  await loginAs('yd_reg1')
  await page.goto(base + '/#/students/' + target.id)
  const cell = page.locator('[data-field=school_id]')
  await cell.filter({ hasText: ydReg.user.school_name }).waitFor()
  await page.locator('[data-test=events]').filter({ hasText: '转学生效' }).waitFor()
  await page.goto(base + '/#/todo?box=started')
  const row = page.locator('[data-test=todo-table] .el-table__body tr.el-table__row').filter({ has: page.locator(`.cell-id[data-id="${changeId}"]`) })
  await row.waitFor()
  assert((await row.locator('.cell-status').getAttribute('data-status')) === 'approved', 'started list status')
  await snap('todo-started')
})

await checkSelfContained()

for (const a of [ydReg, ydBureau, ysReg, ysBureau]) if (a) await a.close()
await finish()
