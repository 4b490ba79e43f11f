import { createApp } from 'vue'
import ElementPlus from 'element-plus'
import 'element-plus/dist/index.css'
import App from './App.vue'
import { router } from './router.js'
import { i18n } from './i18n/index.js'
import './style.css'

document.documentElement.lang = i18n.global.locale.value
document.title = i18n.global.t('app.title')

createApp(App).use(i18n).use(router).use(ElementPlus).mount('#app')
