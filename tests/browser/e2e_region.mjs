// e2e_region.mjs -- the region picker and the ID autofill of the register form.
//   node tests/browser/e2e_region.mjs http://127.0.0.1:PORT   (server: `xueji demo`)
// A registrar registers a student, choosing 出生地 by typing 阳山 in the
// cascading picker and 户口所在地 by walking province → city → county →
// township; the 18-digit ID fills 出生日期 and 性别; the record page shows
// the region names; the edit dialog shows the stored code as its names.
import { Fail, assert, start, apiAs, makeId } from './lib.mjs'

const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

const { base, page, check, checkSelfContained, loginAs, finish } = await start('e2e_region.mjs', { shots: 'xj-region' })

// the lowest grade of ys_reg1's school and a birth date that fits it
const ORDER = ['11', '12', '13', '14', '15', '16', '21', '22', '23', '31', '32', '33']
const reg = await apiAs(base, 'ys_reg1')
const school = (await reg.get('/schools/' + reg.user.school_id)).body
const have = school.grades.map((g) => String(g.grade))
const GRADE = ORDER.find((g) => have.includes(g)) || have[0]
const BIRTH = `${2019 - Math.max(0, ORDER.indexOf(GRADE))}-05-01`
const fields = (await reg.get('/fields')).body.items
const sets = (await reg.get('/codes')).body.sets
const zh = (set, code) => sets[set].find((c) => String(c.code) === String(code)).zh
const township = (await reg.get('/regions?parent=441823')).body.items[0]
await reg.close()

async function selectOption(key, text) {
  const item = page.locator(`[data-field="${key}"]`)
  await item.locator('.el-select__wrapper').click()
  const filter = item.locator('input.el-select__input')
  if (await filter.count()) await filter.fill(text)
  await page.locator('.el-select-dropdown:visible .el-select-dropdown__item:not(.is-disabled)',
    { hasText: new RegExp('^\\s*' + esc(text) + '\\s*$') }).first().click()
  await page.keyboard.press('Escape').catch(() => {})
}
const node = (name) => page.locator('.el-cascader__dropdown:visible').last().locator('.el-cascader-node', { hasText: new RegExp('^\\s*' + esc(name) + '\\s*$') }).first()

let id = null
let name = null
await check('the 18-digit ID (lower-case x accepted) fills 出生日期 and 性别', async () => {
  await loginAs('ys_reg1')
  await page.goto(base + '/#/register')
  await page.locator('[data-field=id_no] input').waitFor()
  // a number ending in X, typed in lower case
  // (not one another script registered: they draw from the same dates)
  const adm = await apiAs(base, 'admin')
  const start0 = 100 + Math.floor(Math.random() * 800)
  for (let seq = start0; seq < start0 + 99; seq++) {
    id = makeId('441823', BIRTH.replace(/-/g, ''), seq)
    if (id.endsWith('X') && (await adm.get('/students?q=' + id)).body.total === 0) break
  }
  await adm.close()
  await page.locator('[data-field=id_no] input').fill(id.toLowerCase())
  await page.locator('[data-field=birth_date] input').first().evaluate((e) => e.blur())
  const want = Number(id[16]) % 2 === 1 ? '男' : '女'
  await page.waitForFunction((d) => document.querySelector('[data-field=birth_date] input').value === d, BIRTH)
  const g = (await page.locator('[data-field=gender]').innerText()).trim()
  assert(g.includes(want), `性别 shows "${g}", expected ${want}`)
  await page.locator('[data-field=id_no] input').fill(id)
})

await check('a 性别 typed against the ID gives a warning', async () => {
  const other = Number(id[16]) % 2 === 1 ? '2' : '1'
  await selectOption('gender', zh('gender', other))
  await page.locator('[data-test=reg-id-mismatch]').waitFor()
  const t = await page.locator('[data-test=reg-id-mismatch]').innerText()
  assert(t.includes('性别'), 'warning does not name 性别: ' + t)
  await selectOption('gender', zh('gender', Number(id[16]) % 2 === 1 ? '1' : '2'))
  await page.locator('[data-test=reg-id-mismatch]').waitFor({ state: 'detached' })
})

await check('出生地 chosen by typing 阳山, 户口所在地 by walking to a township', async () => {
  // 出生地: open the picker, load 广东省 → 清远市, then type a name
  await page.locator('[data-field=birthplace] .el-cascader').click()
  await node('广东省').click()
  await node('清远市').click()
  await node('阳山县').waitFor()
  await page.locator('[data-field=birthplace] .el-cascader input').first().fill('阳山')
  await page.locator('.el-cascader__suggestion-item:visible', { hasText: /阳山县$/ }).first().click()
  await page.waitForFunction(() => document.querySelector('[data-field=birthplace] .el-cascader input').value.includes('阳山县'))
  await page.keyboard.press('Escape').catch(() => {})
  await page.locator('.el-cascader__dropdown:visible').waitFor({ state: 'detached' }).catch(() => {})
  await page.waitForFunction(() => ![...document.querySelectorAll('.el-cascader__dropdown')].some((d) => d.offsetParent !== null))
  // 户口所在地: province → city → county → township (radio selects a level)
  await page.locator('[data-field=hukou_region] .el-cascader').click()
  await node('广东省').click()
  await node('清远市').click()
  await node('阳山县').click()
  await node(township.name).locator('.el-radio').click()
  await page.keyboard.press('Escape').catch(() => {})
  await page.waitForFunction((n) => document.querySelector('[data-field=hukou_region] .el-cascader input').value.endsWith(n), township.name)
})

await check('the registration succeeds with the region codes', async () => {
  name = '阳山' + ['安', '宁', '欣', '然', '睿'][Math.floor(Math.random() * 5)] + ['涵', '泽', '琪', '萱', '航'][Math.floor(Math.random() * 5)]
  await page.locator('[data-field=name] input').fill(name)
  await selectOption('grade', zh('grade', GRADE))
  const ym = page.locator('[data-field=enrol_ym] input').first()
  await ym.click()
  await ym.fill('2026-09')
  await ym.press('Enter')
  await page.keyboard.press('Escape').catch(() => {})
  for (const f of fields) {
    if (!f.required || !f.codeset) continue
    const has = await page.locator(`[data-field="${f.key}"] .el-select__placeholder:not(.is-transparent)`).count()
    if (!has && (await page.locator(`[data-field="${f.key}"]`).count())) await selectOption(f.key, sets[f.codeset][0].zh)
  }
  const resp = page.waitForResponse((x) => x.url().endsWith('/api/v1/students') && x.request().method() === 'POST')
  await page.locator('[data-test=reg-submit]').click()
  const r = await resp
  const body = await r.json().catch(() => null)
  const sent = JSON.parse(r.request().postData())
  assert(r.status() === 201, `POST /students answered ${r.status()}: ${JSON.stringify(body)}`)
  assert(sent.birthplace === '441823', 'birthplace sent ' + sent.birthplace)
  assert(sent.hukou_region === township.code, `hukou_region sent ${sent.hukou_region}, expected ${township.code}`)
  assert(sent.birth_date === BIRTH, 'birth_date sent ' + sent.birth_date)
  assert(sent.id_no === id, 'id_no sent ' + sent.id_no)
})

await check('the record page shows the region names', async () => {
  await page.locator('[data-test=reg-open]').click()
  await page.waitForFunction(() => /#\/students\/\d+/.test(location.hash))
  await page.locator('[data-test=record-name]').filter({ hasText: name }).waitFor()
  await page.waitForFunction(() => (document.querySelector('[data-field=birthplace]') || {}).textContent?.includes('广东省清远市阳山县'))
    .catch(async () => { throw new Fail('出生地 shows ' + (await page.locator('[data-field=birthplace]').innerText())) })
  await page.waitForFunction((n) => (document.querySelector('[data-field=hukou_region]') || {}).textContent?.includes('阳山县' + n), township.name)
    .catch(async () => { throw new Fail('户口所在地 shows ' + (await page.locator('[data-field=hukou_region]').innerText())) })
})

await check('the edit dialog shows the stored code as its names path', async () => {
  await page.locator('[data-test=edit]').click()
  await page.waitForFunction(() => {
    const i = document.querySelector('.el-dialog [data-field=birthplace] .el-cascader input')
    return i && i.value === '广东省清远市阳山县'
  }).catch(async () => {
    throw new Fail('edit dialog 出生地: ' + await page.locator('.el-dialog [data-field=birthplace]').innerText())
  })
  const body = await page.locator('.el-dialog').innerText()
  assert(!/字节/.test(body), 'the edit dialog speaks of bytes')
  await page.keyboard.press('Escape').catch(() => {})
})

await check('a bureau user\'s region is chosen with the picker (down to the county)', async () => {
  await loginAs('admin')
  await page.goto(base + '/#/users')
  await page.locator('[data-test=users-table] .el-table__row').first().waitFor()
  await page.locator('[data-test=user-add]').click()
  const dlg = page.locator('[data-test=user-dialog]')
  const uname = 'ysb' + Math.floor(Math.random() * 100000)
  await dlg.locator('input[name=username]').fill(uname)
  await dlg.locator('input[name=display_name]').fill('阳山县教育局二')
  await dlg.locator('input[name=password]').fill('region-picker-2026')
  await dlg.locator('[data-test=user-role] .el-select__wrapper').click()
  await page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: /^\s*教育局\s*$/ }).first().click()
  await dlg.locator('[data-test=user-region] .el-cascader').click()
  await node('广东省').click()
  await node('清远市').click()
  await node('阳山县').locator('.el-radio').click()
  await page.keyboard.press('Escape').catch(() => {})
  const resp = page.waitForResponse((x) => x.url().endsWith('/api/v1/users') && x.request().method() === 'POST')
  await page.locator('[data-test=user-save]').click()
  const r = await resp
  const sent = JSON.parse(r.request().postData())
  assert(r.status() === 201 || r.status() === 200, 'POST /users answered ' + r.status() + ': ' + await r.text())
  assert(sent.region_code === '441823', 'region_code sent ' + sent.region_code)
})

await checkSelfContained()
await finish()
