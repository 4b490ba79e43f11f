// e2e_class_sizes.mjs -- the class-size page (班额): the county bureau
// opens it from the menu and sees every school of its county (as many
// cards as the API lists, none silently left out), each class with its
// band tag as the API bands it, the term-start table and the XLSX link;
// it sets the county's 大班额 threshold below the biggest class and the
// page then bands that class 大班额; a registrar sees only its school.
//   node tests/browser/e2e_class_sizes.mjs http://127.0.0.1:PORT
// Prints "ok - …" / "not ok - …" per check and "N passed, M failed".
import { apiAs, assert, start } from './lib.mjs'

const { base, page, check, loginAs, finish } =
  await start('e2e_class_sizes.mjs', { shots: 'xj-class-sizes' })

const navItem = (text) => page.locator('.aside .el-menu-item').filter({ hasText: text })
const bureau = await apiAs(base, 'ys_bureau')
const county = bureau.user.region_code
let rep

await check('bureau: 班额 lists every school of the county with its bands', async () => {
  const r = await bureau.get('/class-sizes')
  assert(r.status === 200, 'GET /class-sizes ' + r.status)
  rep = r.body
  assert(rep.schools.length >= 3, 'schools: ' + rep.schools.length)
  await loginAs('ys_bureau')
  await navItem('班额').click()
  await page.waitForFunction(() => location.hash.startsWith('#/class-sizes'))
  await page.locator('[data-test=cs-total]').waitFor()
  const cards = page.locator('[data-test^=cs-school-]')
  await cards.first().waitFor()
  assert((await cards.count()) === rep.schools.length, `cards ${await cards.count()} != ${rep.schools.length}`)
  const k = rep.schools[0].classes[0]
  const tag = page.locator(`[data-test=cs-band-${k.id}]`)
  const want = { normal: '正常班额', large_ish: '偏大班额', large: '大班额', super: '超大班额' }[k.band]
  assert((await tag.innerText()).trim() === want, `class ${k.id}: ${await tag.innerText()} != ${want}`)
  assert((await page.locator('[data-test=cs-total-normal]').innerText()).trim() === String(rep.total.counts.normal), 'total normal')
  await page.locator('[data-test=cs-trend]').waitFor()
  const href = await page.locator('[data-test=cs-export]').getAttribute('href')
  assert(href && href.includes('class-sizes/export'), 'export link ' + href)
})

await check('bureau: a lower 大班额 threshold bands the biggest class 大班额', async () => {
  let big = null
  for (const s of rep.schools) for (const k of s.classes) if (!big || k.size > big.size) big = k
  assert(big && big.size > 20, 'no class to band')
  const large = Math.min(big.size, 189)
  const input = page.locator('[data-test=cs-set-large_from] input')
  await input.waitFor()
  // lower 偏大 first so the order holds
  const li = page.locator('[data-test=cs-set-largeish_from] input')
  await li.fill(String(Math.max(1, large - 1)))
  await li.press('Tab')
  await input.fill(String(large))
  await input.press('Tab')
  const si = page.locator('[data-test=cs-set-super_from] input')
  await si.fill(String(large + 10))
  await si.press('Tab')
  await page.locator('[data-test=cs-save]').click()
  await page.locator('.el-message--success').filter({ hasText: '班额设置已保存' }).waitFor()
  const s = await bureau.get('/class-sizes/settings?county=' + county)
  assert(s.body.settings.large_from === large, 'server large_from ' + s.body.settings.large_from)
  const tag = page.locator(`[data-test=cs-band-${big.id}]`)
  await page.waitForFunction((id) => {
    const el = document.querySelector(`[data-test=cs-band-${id}]`)
    return el && /大班额/.test(el.textContent) && !/偏大/.test(el.textContent)
  }, big.id)
  assert(/大班额/.test(await tag.innerText()), 'band after: ' + (await tag.innerText()))
  await bureau.patch('/class-sizes/settings?county=' + county, { largeish_from: 46, large_from: 56, super_from: 66 })
})

await check('registrar: 班额 shows only its own school', async () => {
  await loginAs('ys_reg1')
  await navItem('班额').click()
  await page.waitForFunction(() => location.hash.startsWith('#/class-sizes'))
  await page.locator('[data-test^=cs-school-]').first().waitFor()
  assert((await page.locator('[data-test^=cs-school-]').count()) === 1, 'registrar sees more than its school')
  assert((await page.locator('[data-test=cs-settings]').count()) === 0, 'registrar sees the settings form')
})

await bureau.close()
await finish()
