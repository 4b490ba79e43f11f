// e2e_uiforms.mjs -- the registrar's forms of issue 8, point 8.
//   node tests/browser/e2e_uiforms.mjs http://127.0.0.1:PORT   (server: `xueji demo`)
// A registrar edits a guardian's phone in the record's edit dialog (shown
// masked, typed whole), moves the student to another class (调班) and sees
// the event; filters the list by 疑似重复; finds a township by typing its
// name in the region picker's search; downloads the import template; and
// searches the 代码表 page.
import { readFileSync } from 'node:fs'
import { assert, dbExec, start, apiAs } from './lib.mjs'

const { base, page, check, checkSelfContained, loginAs, finish } = await start('e2e_uiforms.mjs', { shots: 'xj-uiforms' })

// a student of ys_reg1's school in a grade with at least two classes
const reg = await apiAs(base, 'ys_reg1')
const sid = reg.user.school_id
const classes = (await reg.get(`/classes?school_id=${sid}`)).body.items
const byGrade = {}
classes.forEach((c) => (byGrade[c.grade] = byGrade[c.grade] || []).push(c))
let pair = Object.values(byGrade).find((l) => l.length >= 2)
if (!pair) {
  // the demo has one class per grade: add a second of the first grade
  // (classes are set up by the school year's roll-over, not by an API)
  const c = classes[0]
  dbExec(`insert into classes (school_id, year_id, grade, no, name, created_at)
    select school_id, year_id, grade, 9, replace(name, '(1)', '(9)'), created_at from classes where id = ${c.id}`)
  const again = (await reg.get(`/classes?school_id=${sid}`)).body.items
  pair = [c, again.find((x) => x.grade === c.grade && x.id !== c.id)]
}
const st = (await reg.get(`/students?class_id=${pair[0].id}&status=enrolled&per_page=1`)).body.items[0]
const towns = (await reg.get('/regions?parent=441823')).body.items
const town = towns[towns.length - 1]
await reg.close()

await check('a guardian phone is edited in the dialog: shown masked, typed whole, saved masked', async () => {
  await loginAs('ys_reg1')
  page.setDefaultTimeout(30000) // a loaded machine: the record page takes a while
  await page.goto(base + '/#/students/' + st.id)
  await page.locator('[data-test=record-name]', { hasText: st.name }).waitFor()
  await page.locator('span[data-field=g1_phone]').waitFor()
  await page.locator('[data-test=edit]').click()
  const input = page.locator('.edit-form [data-field=g1_phone] input')
  await input.waitFor()
  const shown = await input.inputValue()
  assert(shown === '' || shown.includes('*'), 'the phone is not shown masked: ' + shown)
  await input.fill('13612345678')
  const resp = page.waitForResponse((x) => x.url().includes('/api/v1/students/' + st.id) && x.request().method() === 'PATCH')
  await page.locator('[data-test=edit-save]').click()
  const r = await resp
  assert(r.status() === 200, 'PATCH answered ' + r.status() + ': ' + await r.text())
  const sent = JSON.parse(r.request().postData())
  assert(sent.g1_phone === '13612345678', 'sent ' + JSON.stringify(sent))
  await page.locator('span[data-field=g1_phone]', { hasText: '136****5678' }).waitFor()
  await page.locator('[data-test=events]', { hasText: '136****5678' }).waitFor()
})

await check('调班: another class of the same grade; the timeline shows the move', async () => {
  await page.locator('[data-test=move-class]').click()
  await page.locator('[data-test=move-to] .el-select__wrapper').click()
  await page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: pair[1].name }).first().click()
  await page.locator('.el-dialog:visible textarea').fill('家长申请，调入同年级班级')
  const resp = page.waitForResponse((x) => x.url().endsWith('/move-class'))
  await page.locator('[data-test=move-save]').click()
  const r = await resp
  assert(r.status() === 200, 'move-class answered ' + r.status() + ': ' + await r.text())
  await page.locator('[data-test=events]', { hasText: '调班' }).waitFor()
  await page.locator('[data-test=events]', { hasText: pair[1].name }).waitFor()
  await page.locator('span[data-field=class_id]', { hasText: pair[1].name }).waitFor()
})

await check('the list filters 疑似重复 and 有警告 reach the server', async () => {
  await page.goto(base + '/#/students')
  await page.locator('[data-test=filter-dup]').waitFor()
  let resp = page.waitForResponse((x) => x.url().includes('/api/v1/students?') && x.url().includes('dup_flag=1'))
  await page.locator('[data-test=filter-dup]').click()
  await resp
  assert(page.url().includes('dup_flag=1'), 'route query lacks dup_flag: ' + page.url())
  resp = page.waitForResponse((x) => x.url().includes('/api/v1/students?') && x.url().includes('warned=1'))
  await page.locator('[data-test=filter-warned]').click()
  await resp
})

await check('typing a township name in the region search finds it without opening its county', async () => {
  await page.goto(base + '/#/register')
  const box = page.locator('[data-field=birthplace] [data-test=region-search]')
  await box.locator('.el-select__wrapper').click()
  await box.locator('input').fill(town.name)
  const opt = page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: town.name }).first()
  await opt.waitFor()
  const label = await opt.innerText()
  assert(label.includes('阳山县'), 'the hit does not show its path: ' + label)
  await opt.click()
  const cas = page.locator('[data-field=birthplace] .el-cascader input')
  await page.waitForFunction((n) => [...document.querySelectorAll('[data-field=birthplace] .el-cascader input')].some((e) => e.value.includes(n)), town.name)
  const v = await cas.inputValue()
  assert(v.includes('阳山县') && v.includes(town.name), 'the picker shows ' + v)
})

await check('the import page downloads the template (XLSX)', async () => {
  await page.goto(base + '/#/import')
  const dl = page.waitForEvent('download')
  await page.locator('[data-test=import-template]').click()
  const d = await dl
  assert(d.suggestedFilename().endsWith('.xlsx'), 'file name ' + d.suggestedFilename())
  const buf = readFileSync(await d.path())
  assert(buf.length > 1000 && buf[0] === 0x50 && buf[1] === 0x4b, 'not an XLSX (zip): ' + buf.length + ' bytes')
})

await check('代码表: every code set, searchable', async () => {
  await page.goto(base + '/#/codes')
  await page.locator('.code-set[data-set=gender]').waitFor()
  const n = await page.locator('.code-set').count()
  assert(n >= 10, 'only ' + n + ' code sets shown')
  await page.locator('[data-test=codes-search] input').fill('汉族')
  await page.locator('.code-set[data-set=ethnicity]', { hasText: '汉族' }).waitFor()
  await page.locator('.code-set[data-set=gender]').waitFor({ state: 'detached' })
})

await checkSelfContained()
await finish()
