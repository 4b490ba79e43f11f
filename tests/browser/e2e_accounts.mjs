// e2e_accounts.mjs -- accounts in the UI: an administrator creates a user
// on 用户管理, the user logs in and changes their password (修改密码).
//   node tests/browser/e2e_accounts.mjs http://127.0.0.1:PORT
// The server must run the demo database (run.sh).
import { assert, start } from './lib.mjs'

const { base, page, check, checkSelfContained, loginAs, finish } = await start('e2e_accounts.mjs', {
  shots: 'xj-acc', skipNote: 'an earlier step failed'
})

const NAME = 'acc_reg_' + Date.now().toString(36)
const FIRST = 'first-Lotus-2026'
const SECOND = 'second-Maple-2026'

async function formLogin(user, pw) {
  await page.goto(base + '/#/login')
  await page.locator('input[name=username]').fill(user)
  await page.locator('input[name=password]').fill(pw)
  await page.locator('[data-test=login-submit]').click()
}

async function logout() {
  await page.locator('[data-test=logout]').click()
  await page.waitForFunction(() => location.hash.startsWith('#/login'))
}

await check('admin creates a registrar on 用户管理', async () => {
  await loginAs('admin')
  await page.locator('.el-menu-item', { hasText: '用户管理' }).click()
  await page.waitForFunction(() => location.hash.startsWith('#/users'))
  await page.locator('[data-test=users-table] .el-table__row').first().waitFor()
  await page.locator('[data-test=user-add]').click()
  const dlg = page.locator('[data-test=user-dialog]')
  await dlg.locator('input[name=username]').fill(NAME)
  await dlg.locator('input[name=display_name]').fill('新学籍员')
  await dlg.locator('input[name=password]').fill(FIRST)
  await dlg.locator('[data-test=user-school] .el-select__wrapper').click()
  await page.locator('.el-select-dropdown:visible .el-select-dropdown__item').first().click()
  await page.locator('[data-test=user-save]').click()
  await page.locator('[data-test=users-table] .el-table__row', { hasText: NAME }).waitFor()
  await logout()
})

await check('the new user logs in and changes the password in 修改密码', async () => {
  await formLogin(NAME, FIRST)
  await page.waitForFunction(() => !location.hash.startsWith('#/login'))
  await page.locator('[data-test=change-password]').click()
  const dlg = page.locator('[data-test=pw-dialog]')
  await dlg.locator('input[name=old_password]').fill(FIRST)
  await dlg.locator('input[name=new_password]').fill('password123456')
  await dlg.locator('input[name=new_password2]').fill('password123456')
  await page.locator('[data-test=pw-submit]').click()
  // a common password is refused with the reason beside the field
  await dlg.locator('.el-form-item__error', { hasText: '常见' }).waitFor()
  await dlg.locator('input[name=new_password]').fill(SECOND)
  await dlg.locator('input[name=new_password2]').fill(SECOND)
  await page.locator('[data-test=pw-submit]').click()
  await page.locator('.el-message--success', { hasText: '密码已修改' }).waitFor()
  await logout()
})

await check('the old password no longer works, the new one does', async () => {
  await formLogin(NAME, FIRST)
  await page.locator('.el-form-item__error, .el-alert, .el-message--error').first().waitFor()
  assert(page.url().includes('#/login'), 'logged in with the old password')
  await formLogin(NAME, SECOND)
  await page.waitForFunction(() => !location.hash.startsWith('#/login'))
  const who = await page.locator('[data-test=user]').innerText()
  assert(who.includes('新学籍员'), 'header shows ' + who)
})

await checkSelfContained()
await finish()
