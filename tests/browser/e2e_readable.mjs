// e2e_readable.mjs -- the timeline, a change request and the audit log read
// as Chinese: names of schools, classes and people, action names, changed
// fields by their label; no JSON, internal ids or type codes (issue 8, UI
// point 8).  Setup through the API: ys_reg1 registers a student in 初二,
// edits the record, moves them to a second 初二 class (调班); yd_reg1
// (英德市, added by run.sh) asks for the transfer, approved by yd_bureau,
// ys_reg1 and ys_bureau.  Then the browser opens the student's timeline and
// the change request as yd_reg1, and the audit log as admin; each check
// fails if visible text matches a raw-JSON, numeric-id or internal-code
// pattern.  Needs XJ_E2E_DB (run.sh) for the second class (classes are made
// by year-end and import, not by a route).
//   XJ_E2E_DB=x.db node tests/browser/e2e_readable.mjs http://127.0.0.1:PORT
import { assert, apiAs as libApiAs, dbExec, makeId, start } from './lib.mjs'

// Text a registrar must never see on these pages.
const BAD = [
  [/[{[]\s*"|"\s*:/, 'raw JSON'],
  [/\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b/, 'snake_case name'],
  [/\b[a-z]+\.[a-z_]+(?:\.[a-z_]+)*\b/, 'dotted internal code'],
  [/#\d+|\bids?\b\s*[:：=]?\s*\d/i, 'numeric id'],
  [/\b(?:enrolled|pending|approved|transfer_in|register|update|null|undefined|NaN)\b|\[object Object\]|∅/, 'internal value']
]
// A line "学校: 1 → 4" or "班级: 其他学校的班级 → 25": a school, class,
// student, request or user shown by its row id instead of its name.
const ID_LABEL = /^(?:.*\|\s*)?[^:：|]*(?:学校|班级|学生|申请|对象|用户)\s*[:：](.*)$/
const BARE_NUMBER = /(?:^|[\s→])\d{1,9}(?=\s|$)/
function readable(text, where) {
  for (const [rx, what] of BAD) {
    const m = rx.exec(text)
    assert(!m, `${where} shows ${what}: "${m && text.slice(Math.max(0, m.index - 30), m.index + 40).replace(/\n/g, ' ⏎ ')}"`)
  }
  for (const line of text.split('\n')) {
    const m = ID_LABEL.exec(line)
    assert(!(m && BARE_NUMBER.test(m[1])), `${where} shows a row id as a value: "${line}"`)
  }
}

const { base, page, check, checkSelfContained, loginAs, finish } =
  await start('e2e_readable.mjs', { shots: 'xj-readable', skipNote: 'an earlier step failed' })
const apiAs = (user) => libApiAs(base, user)
page.setDefaultTimeout(30000) // the timeline waits for eight events on a busy machine

let reg, ydReg, ydBureau, ysBureau
let st = null // {id, name}
let changeId = null
let names = {} // class and school names the pages must show
await check('setup: register, edit, 调班 and an approved transfer (API)', async () => {
  reg = await apiAs('ys_reg1')
  ydReg = await apiAs('yd_reg1')
  ydBureau = await apiAs('yd_bureau')
  ysBureau = await apiAs('ys_bureau')
  const school = (await reg.get('/schools/' + reg.user.school_id)).body
  const c1 = school.classes.find((c) => c.grade === '22')
  assert(c1, 'ys_reg1 school has no 初二 class')
  dbExec(`INSERT INTO classes (school_id, year_id, grade, no, name, created_at)
    VALUES (${c1.school_id}, ${c1.year_id}, '22', 77, '初二(77)班', '2026-09-01T00:00:00Z') ON CONFLICT DO NOTHING`)
  const c2 = (await reg.get(`/classes?school_id=${c1.school_id}&grade=22`)).body.items.find((c) => c.name === '初二(77)班')
  assert(c2, 'second 初二 class not listed')
  const idNo = makeId('441823', '20120512', 300 + Math.floor(Math.random() * 300) * 2 + 1)
  const body = {
    name: '易读明', gender: 1, birth_date: '2012-05-12', ethnicity: '01', nationality: 'CHN', id_type: '1', id_no: idNo,
    health: '10', hukou_type: 1, grade: '22', enrol_ym: '202409', enrol_mode: '11', study_mode: 1, class_id: c1.id,
    birthplace: '441823', g1_name: '易建国', g1_relation: '1', g1_phone: '13800138000'
  }
  const r = await reg.post('/students', body)
  assert(r.status === 201, 'register answered ' + r.status + ': ' + JSON.stringify(r.body))
  st = { id: r.body.id, name: body.name }
  const s = (await reg.get('/students/' + st.id)).body.student
  const p = await reg.patch('/students/' + st.id, { version: s.version, health: '20', g1_phone: '13900139000' })
  assert(p.status === 200, 'PATCH answered ' + p.status + ': ' + JSON.stringify(p.body))
  const m = await reg.post(`/students/${st.id}/move-class`, { class_id: c2.id, reason: '家长申请' })
  assert(m.status === 200, 'move-class answered ' + m.status + ': ' + JSON.stringify(m.body))
  const to = (await ydReg.get('/schools/' + ydReg.user.school_id)).body
  const tc = to.classes.find((c) => c.grade === '22')
  assert(tc, 'the receiving school has no 初二 class')
  const cr = await ydReg.post('/changes', { type: 'transfer_in', student_id: st.id, to_school_id: to.school.id, to_class_id: tc.id, reason: '随父母工作调动', id_no: idNo })
  assert(cr.status === 201, 'transfer request answered ' + cr.status + ': ' + JSON.stringify(cr.body))
  changeId = cr.body.change.id
  for (const who of [ydBureau, reg, ysBureau]) {
    const c = (await who.get('/changes/' + changeId)).body.change
    const a = await who.post(`/changes/${changeId}/approve`, { version: c.version, comment: '同意' })
    assert(a.status === 200, `${who.user.username} approve answered ${a.status}`)
  }
  names = { from: school.school.name, to: to.school.name, c1: c1.name, c2: c2.name, tc: tc.name }
})

await check('timeline (yd_reg1): every event named, fields by label, schools and classes by name', async () => {
  await loginAs('yd_reg1')
  await page.goto(base + '/#/students/' + st.id)
  const ev = page.locator('.events')
  await ev.waitFor()
  await page.waitForFunction(() => document.querySelectorAll('.events .el-timeline-item').length >= 8)
  const text = await ev.innerText()
  readable(text, 'the timeline')
  for (const want of ['注册', '修改', '调班', '发起变动申请', '审批通过', '转学生效', '健康状况', '原因: 家长申请',
    `学校: ${names.from} → ${names.to}`, `转入学校: ${names.to}`, '变动类型: 转学', '英德学籍员', '学籍管理员'])
    assert(text.includes(want), `timeline lacks "${want}":\n${text.slice(0, 800)}`)
  // the old school's classes are outside yd_reg1's scope: not named
  assert(text.includes(`班级: 其他学校的班级 → ${names.tc}`), 'transfer class line:\n' + text)
  // the 调班 at the old school: said once, not "其他学校的班级 → 其他学校的班级"
  assert(text.includes('班级: 在其他学校调班'), '调班 line:\n' + text)
  assert(!text.includes('其他学校的班级 → 其他学校的班级'), 'unnamed 调班:\n' + text)
})

await check('change request (yd_reg1): initiator, steps and history by name; no codes or ids', async () => {
  await page.goto(base + '/#/changes/' + changeId)
  await page.locator('[data-test=change-history]').waitFor()
  const main = page.locator('.page .el-col-14')
  const text = (await page.locator('.page-title').innerText()) + '\n' + (await main.innerText())
  readable(text.replace(/^\s*\d+\s*$/gm, ''), 'the change request') // the step table's row numbers
  for (const want of ['转学', '已批准', names.from, names.to, '英德学籍员', '随父母工作调动', '转出学校', '同意'])
    assert(text.includes(want), `change request lacks "${want}"`)
})

await check('audit log (admin): actions, objects and changes in words', async () => {
  await loginAs('admin')
  await page.goto(base + '/#/audit?per_page=20')
  const table = page.locator('[data-test=audit-table]')
  await table.locator('.cell-action[data-action="student.move_class"]').first().waitFor()
  // everything but the time, IP and hash columns
  const text = (await table.locator('.el-table__body tr').evaluateAll((rows) =>
    rows.map((r) => [...r.querySelectorAll('td')].filter((_, i) => ![0, 2, 6].includes(i)).map((td) => td.innerText).join(' | ')).join('\n')))
  readable(text, 'the audit log')
  for (const want of ['调班', '学籍变动生效', '审批通过', '发起变动申请', st.name, `学校: ${names.from} → ${names.to}`,
    `班级: ${names.c2} → ${names.tc}`, '学籍管理员（一校）'])
    assert(text.includes(want), `audit log lacks "${want}":\n${text.slice(0, 1200)}`)
})

await checkSelfContained()
for (const a of [reg, ydReg, ydBureau, ysBureau]) if (a) await a.close()
await finish()
