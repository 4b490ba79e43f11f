import { createI18n } from 'vue-i18n'
import zhCN from './zh-CN.js'
import en from './en.js'

const KEY = 'xj_locale'
export const LOCALES = ['zh-CN', 'en']

function initial() {
  try {
    const s = localStorage.getItem(KEY)
    if (LOCALES.includes(s)) return s
  } catch {
    /* storage may be off */
  }
  return 'zh-CN'
}

export const i18n = createI18n({
  legacy: false,
  locale: initial(),
  fallbackLocale: 'zh-CN',
  missingWarn: false,
  fallbackWarn: false,
  messages: { 'zh-CN': zhCN, en }
})

export function setLocale(l) {
  if (!LOCALES.includes(l)) return
  i18n.global.locale.value = l
  try {
    localStorage.setItem(KEY, l)
  } catch {
    /* ignore */
  }
  document.documentElement.lang = l
  document.title = i18n.global.t('app.title')
}
