// e2e_settings.mjs -- the administrator's change settings and holiday
// calendar (变动设置), and the suspension follow-up list (休学跟进):
// the admin opens the settings page, changes the working days per step,
// saves (the server answers the new value, audited), adds a holiday that
// the calendar then lists; a registrar opens the follow-up list; the
// English UI names approval steps from their label key.
//   node tests/browser/e2e_settings.mjs http://127.0.0.1:PORT
// Prints "ok - …" / "not ok - …" per check and "N passed, M failed".
import { Fail, PASSWORD, assert, pwRequest, start } from './lib.mjs'

const { base, page, check, checkSelfContained, loginAs, finish } =
  await start('e2e_settings.mjs', { shots: 'xj-settings' })

async function apiAs(user) {
  const ctx = await pwRequest.newContext({ baseURL: base + '/' })
  const r = await ctx.post('api/v1/session', { data: { username: user, password: PASSWORD } })
  if (r.status() !== 200) throw new Fail(`API log-in of ${user} answered ${r.status()}`)
  const token = (await r.json()).csrf_token
  const call = async (method, p, data) => {
    const x = await ctx.fetch('api/v1' + p, { method, data, headers: { 'X-CSRF-Token': token } })
    return { status: x.status(), body: await x.json().catch(() => null) }
  }
  return {
    get: (p) => call('GET', p),
    patch: (p, d) => call('PATCH', p, d),
    del: (p) => call('DELETE', p),
    close: () => ctx.dispose()
  }
}

const navItem = (text) => page.locator('.aside .el-menu-item').filter({ hasText: text })
const inputOf = (dt) => page.locator(`input[data-test=${dt}], [data-test=${dt}] input`).first()
const HOLIDAY = '2026-12-24'

const admin = await apiAs('admin')

await check('admin: 变动设置 shows the settings and saves a new step length', async () => {
  const before = await admin.get('/changes/settings')
  assert(before.status === 200 && before.body.step_days === 10, 'step_days before: ' + JSON.stringify(before.body))
  await loginAs('admin')
  await navItem('变动设置').click()
  await page.waitForFunction(() => location.hash.startsWith('#/settings'))
  const steps = inputOf('cfg-step_days')
  await steps.waitFor()
  assert((await steps.inputValue()) === '10', 'form shows ' + (await steps.inputValue()))
  await steps.fill('7')
  await steps.press('Tab')
  await page.locator('[data-test=cfg-save]').click()
  await page.locator('.el-message--success').filter({ hasText: '设置已保存' }).waitFor()
  const after = await admin.get('/changes/settings')
  assert(after.body.step_days === 7, 'server step_days after save: ' + after.body.step_days)
  assert(after.body.death_days === 10 && after.body.chain_city === false, 'other settings moved: ' + JSON.stringify(after.body))
  const audit = await admin.get('/audit?action=settings.update')
  assert(audit.status === 200 && audit.body.items.length >= 1, 'no settings.update audit entry')
})

await check('admin: adds a holiday, the calendar lists it', async () => {
  const date = inputOf('hol-date')
  await date.click()
  await date.fill(HOLIDAY)
  await date.press('Enter')
  await inputOf('hol-name').fill('测试假日')
  await page.locator('[data-test=hol-add]').click()
  await page.locator('.el-message--success').filter({ hasText: '已添加' }).waitFor()
  await page.locator('[data-test=hol-table] .el-table__body tr').filter({ hasText: HOLIDAY }).filter({ hasText: '测试假日' }).waitFor()
  const days = await admin.get('/holidays?year=2026')
  const d = (days.body.items || []).find((x) => x.date === HOLIDAY)
  assert(d && d.kind === 'holiday' && d.name === '测试假日', 'server calendar: ' + JSON.stringify(days.body.items))
})

await check('English: the settings page and the nav are translated', async () => {
  await page.locator('[data-test=lang]').getByText('English').click()
  await page.locator('.page-title').filter({ hasText: 'Change settings' }).waitFor()
  await navItem('Suspension follow-up').waitFor()
  await page.locator('[data-test=lang]').getByText('中文').click()
  await page.locator('.page-title').filter({ hasText: '变动设置' }).waitFor()
})

await check('registrar: 休学跟进 lists the school\'s overdue suspensions (none yet)', async () => {
  await loginAs('ys_reg1')
  assert(!(await navItem('变动设置').count()), 'a registrar sees 变动设置')
  await navItem('休学跟进').click()
  await page.waitForFunction(() => location.hash.startsWith('#/suspensions'))
  await page.locator('[data-test=susp-table]').filter({ hasText: '没有到期未复学的学生' }).waitFor()
})

await checkSelfContained()

// leave the demo as it was for the other scripts
await admin.patch('/changes/settings', { step_days: 10 })
await admin.del('/holidays/' + HOLIDAY)
await admin.close()
await finish()
