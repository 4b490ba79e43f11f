// screens.mjs -- screenshots of the key pages at 1366×768 for a look by eye.
//   node tests/browser/screens.mjs http://127.0.0.1:PORT [outdir=/tmp] [user=ys_bureau]
import { createRequire } from 'node:module'

const require = createRequire(new URL('../../web/package.json', import.meta.url))
const { chromium } = require('playwright-core')
const base = (process.argv[2] || '').replace(/\/+$/, '')
const out = process.argv[3] || '/tmp'
const who = process.argv[4] || 'ys_bureau'
const lang = process.env.XJ_LANG || 'zh-CN'

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync']
})
const page = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage()
await page.addInitScript((l) => localStorage.setItem('xj_locale', l), lang)
const snap = async (name) => {
  await page.waitForTimeout(700)
  await page.screenshot({ path: `${out}/xj-screen-${who}-${name}.png` })
  console.log(`${out}/xj-screen-${who}-${name}.png`)
}
await page.goto(base + '/#/login')
await page.locator('input[name=username]').fill(who)
await page.locator('input[name=password]').fill('wrong-password')
await page.locator('[data-test=login-submit]').click()
await page.locator('[data-test=login-error]').waitFor()
await snap('login-error')
await page.locator('input[name=password]').fill('xueji-demo-2026')
await page.locator('[data-test=login-submit]').click()
await page.waitForFunction(() => !location.hash.startsWith('#/login'))
await snap('home')
const me = await page.evaluate(async () => (await (await fetch('api/v1/session')).json()).user)
if (me.role === 'bureau' || me.role === 'admin') {
  await page.goto(base + '/#/schools')
  await page.locator('[data-test=school-table] .el-table__row').first().waitFor()
  await snap('schools')
  await page.locator('[data-test=school-table] .el-table__row').first().click()
} else if (me.school_id) {
  await page.goto(base + '/#/schools/' + me.school_id)
}
if (me.school_id || me.role === 'bureau' || me.role === 'admin') {
  await page.locator('[data-test=class-table]').waitFor()
  await snap('school')
}
await page.goto(base + '/#/students')
await page.locator('[data-test=student-table] .el-table__row').first().waitFor()
await snap('students')
await page.locator('[data-test=student-table] .el-table__row').first().click()
await page.locator('[data-field=id_no]').waitFor()
await snap('record')
if (me.role !== 'teacher') {
  await page.goto(base + '/#/register')
  await page.locator('[data-test=reg-submit]').waitFor()
  await snap('register')
  await page.locator('[data-test=reg-submit]').click()
  await page.waitForTimeout(300)
  await snap('register-errors')
}
if (me.role === 'admin') {
  await page.goto(base + '/#/audit')
  await page.locator('[data-test=audit-table]').waitFor()
  await snap('audit')
}
await browser.close()
