// e2e_duplicates.mjs -- the bureau's duplicate review page: a pair flagged
// at grade-1 registration is shown side by side (masked), dismissed with a
// reason; a second pair is confirmed, which starts the 注销 (cancel change)
// of the record chosen as wrong; a third is merged (合并) into the record
// chosen to survive, whose timeline then shows the merged record's events;
// the county scan is started and polled to its end; a registrar confirms a
// warning on the record page.
//   node tests/browser/e2e_duplicates.mjs http://127.0.0.1:PORT
// Prints "ok - …" / "not ok - …" per check and "N passed, M failed".
import { apiAs, assert, start } from './lib.mjs'

const { base, page, check, checkSelfContained, loginAs, finish } =
  await start('e2e_duplicates.mjs', { shots: 'xj-dup', skipNote: 'an earlier step failed' })

// A valid resident ID of 阳山县 born @ymd (male: odd 17th digit).
let seq = 101
function makeId(ymd) {
  const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  const C = '10X98765432'
  seq += 2
  const body = '441823' + ymd + String(seq).padStart(3, '0')
  let s = 0
  for (let i = 0; i < 17; i++) s += Number(body[i]) * W[i]
  return body + C[s % 11]
}

let bureau = null
let school = null
async function pair(name) {
  const phone = '1990' + String(Date.now() % 10000000).padStart(7, '0')
  const ids = []
  for (let i = 0; i < 2; i++) {
    const r = await bureau.post('/students', {
      school_id: school.id, name, gender: 1, birth_date: '2019-03-08', ethnicity: '01', nationality: 'CHN',
      id_type: '1', id_no: makeId('20190308'), health: '10', hukou_type: 1, grade: '11', enrol_ym: '202509',
      enrol_mode: '11', study_mode: 1, g1_name: '王建国', g1_relation: '1', g1_phone: phone
    })
    assert(r.status === 201, 'registration answered ' + r.status + ' ' + JSON.stringify(r.body))
    ids.push(r.body.id)
  }
  const l = await bureau.get('/duplicates?per_page=200')
  const f = l.body.items.find((x) => x.a.id === ids[1] || x.b.id === ids[1])
  assert(f, 'the pair is not in the review queue')
  return { flag: f.id, ids }
}

const card = (id) => page.locator(`[data-test=dup-${id}]`)

await check('a flagged pair is listed side by side and dismissed with a reason', async () => {
  bureau = await apiAs(base, 'ys_bureau')
  const s = await bureau.get('/schools?per_page=100')
  school = s.body.items.find((x) => x.stage === 'primary')
  assert(school, 'no primary school in the demo county')
  const p = await pair('查重甲')
  await loginAs('ys_bureau')
  await page.locator('.aside .el-menu-item').filter({ hasText: '重复学籍审核' }).click()
  await page.waitForFunction(() => location.hash.startsWith('#/duplicates'))
  await card(p.flag).waitFor()
  const text = await card(p.flag).innerText()
  assert(text.includes('查重甲'), 'names not shown')
  assert(text.includes('*'), 'ID numbers not masked')
  await card(p.flag).locator('[data-test=dup-dismiss]').click()
  await page.locator('textarea[data-test=dup-reason], [data-test=dup-reason] textarea').first().fill('双胞胎，不是同一人')
  await page.locator('[data-test=dup-submit]').click()
  await card(p.flag).waitFor({ state: 'detached' })
  const d = await bureau.get('/duplicates?state=dismissed&per_page=200')
  const f = d.body.items.find((x) => x.id === p.flag)
  assert(f && f.resolution === '双胞胎，不是同一人', 'not dismissed on the server')
})

await check('confirming starts the cancellation of the record chosen as wrong', async () => {
  const p = await pair('查重乙')
  await page.reload()
  await card(p.flag).waitFor()
  await card(p.flag).locator('[data-test=dup-confirm]').click()
  await page.locator('textarea[data-test=dup-reason], [data-test=dup-reason] textarea').first().fill('同一学生重复建籍')
  await page.locator('[data-test=dup-submit]').click()
  await card(p.flag).waitFor({ state: 'detached' })
  const d = await bureau.get('/duplicates?state=confirmed&per_page=200')
  const f = d.body.items.find((x) => x.id === p.flag)
  assert(f && f.change_id, 'no cancel change started')
  const c = await bureau.get('/changes/' + f.change_id)
  assert(c.status === 200 && c.body.change.type === 'cancel', 'change ' + JSON.stringify(c.body).slice(0, 200))
})

await check('merging keeps the chosen record and cancels the other (合并)', async () => {
  const p = await pair('查重丁')
  await page.reload()
  await card(p.flag).waitFor()
  await card(p.flag).locator('[data-test=dup-merge]').click()
  const dlg = page.locator('.el-dialog').filter({ hasText: '请选择保留的记录' })
  await dlg.waitFor()
  // keep the second record (record B): its radio in the survivor group
  await dlg.locator('[data-test=dup-survivor] .el-radio').nth(1).click()
  await page.locator('textarea[data-test=dup-reason], [data-test=dup-reason] textarea').first().fill('同一学生，合并学籍')
  await page.locator('[data-test=dup-submit]').click()
  await card(p.flag).waitFor({ state: 'detached' })
  const d = await bureau.get('/duplicates?state=confirmed&per_page=200')
  const f = d.body.items.find((x) => x.id === p.flag)
  assert(f && f.resolution === '同一学生，合并学籍', 'not merged on the server')
  const keep = f.b.id
  const gone = f.a.id
  const g = await bureau.get('/students/' + gone)
  assert(g.body.student.status === 'cancelled', 'merged record status ' + g.body.student.status)
  // the survivor's timeline marks the merged record's events
  await page.goto(base + '/#/students/' + keep)
  await page.locator('[data-test=event-from]').first().waitFor()
  const tl = await page.locator('[data-test=events]').innerText()
  assert(tl.includes('来自已合并学籍'), 'timeline: ' + tl.slice(0, 300))
  assert(tl.includes('合并'), 'no merge event on the timeline')
  await page.goto(base + '/#/duplicates')
})

await check('the county scan runs as a job and the page polls it to its end', async () => {
  // two records of one child, unflagged (as if entered before the check)
  const p = await pair('查重丙')
  const r = await bureau.post('/duplicates/' + p.flag + '/dismiss', { reason: '先排除，再由扫描找出' })
  assert(r.status === 200, 'dismiss answered ' + r.status)
  await page.reload()
  await page.locator('input[data-test=dup-county], [data-test=dup-county] input').first().fill('441823')
  await page.locator('[data-test=dup-scan]').click()
  const msg = page.locator('.el-message--success').filter({ hasText: '查重完成' }).first()
  await msg.waitFor({ timeout: 60000 })
  // the counts of the finished job, not of the 202 that started it
  assert(/新标记\d+对/.test(await msg.innerText()), 'message: ' + (await msg.innerText()))
  assert(!(await page.locator('[data-test=dup-scan-state]').count()), 'the running note stayed')
})

await check('a registrar confirms a warning on the record page with a reason', async () => {
  const reg = await apiAs(base, 'ys_reg1')
  const me = await reg.get('/session')
  // 孤儿 with the father as guardian: a warning the registrar can confirm
  const r = await reg.post('/students', {
    name: '确认甲', gender: 1, birth_date: '2013-05-17', ethnicity: '01', nationality: 'CHN',
    id_type: '1', id_no: makeId('20130517'), health: '10', hukou_type: 1, grade: '21', enrol_ym: '202509',
    enrol_mode: '11', study_mode: 1, g1_name: '王建国', g1_relation: '1', g1_phone: '13900001111',
    orphan: 1, g1_is_guardian: 1
  })
  assert(r.status === 201, 'registration answered ' + r.status + ' ' + JSON.stringify(r.body).slice(0, 300))
  await loginAs('ys_reg1')
  await page.goto(base + '/#/students/' + r.body.id)
  const box = page.locator('[data-test=warnings]')
  await box.waitFor()
  await box.locator('[data-test=warning-confirm]').first().click()
  await page.locator('textarea[data-test=warning-reason], [data-test=warning-reason] textarea').first().fill('已核对户口簿')
  await page.locator('[data-test=warning-submit]').click()
  await box.locator('[data-test=warning-confirmed]').first().waitFor()
  const text = await box.innerText()
  assert(text.includes('已核对户口簿'), 'confirmation not shown: ' + text)
  const s = await reg.get('/students/' + r.body.id)
  assert(s.body.student.warnings[0].confirmed, 'not confirmed on the server')
  assert(me.status === 200, 'session')
  await reg.close()
})

await checkSelfContained()
if (bureau) await bureau.close()
await finish()
