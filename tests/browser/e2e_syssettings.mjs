// e2e_syssettings.mjs -- the administrator's system settings (系统设置,
// GET/PATCH /system-settings): the admin opens the page from the menu,
// changes the session idle timeout, saves and after a reload sees the new
// value; an out-of-bounds value is refused by the server and its message
// shows under the field; the audit log names the change in Chinese; a
// registrar has no menu entry and is turned away at the URL (and the API
// answers 403).
//   node tests/browser/e2e_syssettings.mjs http://127.0.0.1:PORT
// Prints "ok - …" / "not ok - …" per check and "N passed, M failed".
import { assert, apiAs as libApiAs, start } from './lib.mjs'

const { base, page, check, checkSelfContained, loginAs, finish } =
  await start('e2e_syssettings.mjs', { shots: 'xj-syssettings' })

page.setDefaultTimeout(30000) // the shared machine may be slow

const navItem = (text) => page.locator('.aside .el-menu-item').filter({ hasText: text })
const inputOf = (k) => page.locator(`[data-test=sys-${k}] input`).first()
const itemOf = (k) => page.locator(`[data-test=sys-item-${k}]`)
const admin = await libApiAs(base, 'admin')
const idle = async () => (await admin.get('/system-settings')).body.settings.find((s) => s.key === 'session_idle_minutes').value

await check('admin: 系统设置 shows each setting with its help, default and bounds', async () => {
  assert((await idle()) === 30, 'session_idle_minutes before: ' + (await idle()))
  await loginAs('admin')
  await navItem('系统设置').click()
  await page.waitForFunction(() => location.hash.startsWith('#/system-settings'))
  await page.locator('.page-title').filter({ hasText: '系统设置' }).waitFor()
  await inputOf('session_idle_minutes').waitFor()
  assert((await inputOf('session_idle_minutes').inputValue()) === '30', 'form shows ' + (await inputOf('session_idle_minutes').inputValue()))
  const help = await page.locator('[data-test=sys-help-session_idle_minutes]').innerText()
  assert(help.includes('分钟') && help.includes('默认 30') && help.includes('5～720'), 'help line: ' + help)
  // sizes are edited in MiB and their bounds read in MiB/GiB
  assert((await inputOf('import_queue_max_bytes').inputValue()) === '4096', 'queue size shows ' + (await inputOf('import_queue_max_bytes').inputValue()))
  const sizeHelp = await page.locator('[data-test=sys-help-import_queue_max_bytes]').innerText()
  assert(sizeHelp.includes('默认 4 GiB') && sizeHelp.includes('1 MiB～1024 GiB'), 'size help: ' + sizeHelp)
  const sw = await page.locator('[data-test=sys-help-bureau_manages_users]').innerText()
  assert(sw.includes('默认关闭'), 'switch help: ' + sw)
})

await check('admin: saves a new idle timeout; after a reload the page shows it', async () => {
  await inputOf('session_idle_minutes').fill('45')
  await inputOf('session_idle_minutes').press('Tab')
  await page.locator('[data-test=sys-save]').click()
  await page.locator('.el-message--success').filter({ hasText: '设置已保存' }).waitFor()
  assert((await idle()) === 45, 'server session_idle_minutes after save: ' + (await idle()))
  await page.reload()
  await inputOf('session_idle_minutes').waitFor()
  await page.waitForFunction(() => document.querySelector('[data-test=sys-session_idle_minutes] input').value === '45')
})

await check('admin: an out-of-bounds value shows the server\'s message under the field', async () => {
  await inputOf('session_idle_minutes').fill('721')
  await inputOf('session_idle_minutes').press('Tab')
  await page.locator('[data-test=sys-save]').click()
  await itemOf('session_idle_minutes').locator('.el-form-item__error').filter({ hasText: '数值超出允许范围：5到720' }).waitFor()
  await page.locator('[data-test=sys-error]').filter({ hasText: '会话空闲超时' }).waitFor()
  assert((await idle()) === 45, 'server value moved: ' + (await idle()))
  // corrected, it saves and the message goes
  assert(!(await page.locator('[data-test=sys-save]').isDisabled()), 'save disabled after the refusal')
  await inputOf('session_idle_minutes').fill('60')
  await inputOf('session_idle_minutes').press('Tab')
  await page.locator('[data-test=sys-save]').click()
  await page.locator('.el-message--success').filter({ hasText: '设置已保存' }).last().waitFor()
  assert((await idle()) === 60, 'server value after the correction: ' + (await idle()))
  // the message leaves through a fade-out transition
  await itemOf('session_idle_minutes').locator('.el-form-item__error').waitFor({ state: 'detached' })
})

await check('audit log: the change reads 修改设置 / 系统设置 / 会话空闲超时: 45 → 60', async () => {
  await page.goto(base + '/#/audit?action=settings.update&per_page=20')
  const row = page.locator('[data-test=audit-table] .el-table__body tr').first()
  await row.filter({ hasText: '会话空闲超时: 45 → 60' }).waitFor()
  const text = await row.innerText()
  assert(text.includes('修改设置') && text.includes('系统设置'), 'row: ' + text)
  assert(!/[a-z]+_[a-z_]+|settings\.update|\bsystem\b/.test(text), 'raw names in the row: ' + text)
})

await check('English: the page and its menu entry are translated', async () => {
  await page.goto(base + '/#/system-settings')
  await page.locator('[data-test=lang]').getByText('English').click()
  await page.locator('.page-title').filter({ hasText: 'System settings' }).waitFor()
  await navItem('System settings').waitFor()
  await itemOf('session_idle_minutes').filter({ hasText: 'Session idle timeout' }).waitFor()
  await page.locator('[data-test=lang]').getByText('中文').click()
  await page.locator('.page-title').filter({ hasText: '系统设置' }).waitFor()
})

await check('registrar: no 系统设置 in the menu, turned away at the URL, 403 from the API', async () => {
  await loginAs('ys_reg1')
  assert(!(await navItem('系统设置').count()), 'a registrar sees 系统设置')
  await page.goto(base + '/#/system-settings')
  await page.waitForFunction(() => location.hash === '#/')
  assert(!(await page.locator('[data-test=sys-form]').count()), 'the settings form rendered for a registrar')
  const reg = await libApiAs(base, 'ys_reg1')
  const r = await reg.get('/system-settings')
  await reg.close()
  assert(r.status === 403, 'GET /system-settings as registrar answered ' + r.status)
})

await checkSelfContained()

// leave the demo as it was for the other scripts
await admin.patch('/system-settings', { session_idle_minutes: 30 })
await admin.close()
await finish()
