// vue-i18n with one message table per language; zh-CN is the default.
import { createI18n } from 'vue-i18n'
import zhCN from './zh-CN.js'
import en from './en.js'

const saved = localStorage.getItem('shegong.locale')

const i18n = createI18n({
  legacy: false,
  locale: saved === 'en' ? 'en' : 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
})

export function setLocale(l) {
  i18n.global.locale.value = l
  localStorage.setItem('shegong.locale', l)
  document.documentElement.lang = l
}

export const t = (...a) => i18n.global.t(...a)
export default i18n
