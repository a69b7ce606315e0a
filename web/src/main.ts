import { createApp } from 'vue'
import { createPinia } from 'pinia'
import 'element-plus/theme-chalk/el-message.css'
import 'element-plus/theme-chalk/el-message-box.css'
import 'element-plus/theme-chalk/el-loading.css'
import App from './App.vue'
import { createAppRouter } from './router'
import { setUnauthorizedHandler } from './api/client'
import { useSessionStore } from './stores/session'
import 'element-plus/theme-chalk/el-notification.css'
import './styles.css'

const app = createApp(App)
const pinia = createPinia()
app.use(pinia)
// Who is logged in is asked at once, in parallel with the first page's code.
useSessionStore(pinia).restore().catch(() => undefined)
const router = createAppRouter()
app.use(router)

// A session that ended on the server sends the person back to the login page,
// keeping where they were so they return there after logging in again.
setUnauthorizedHandler(() => {
  const session = useSessionStore(pinia)
  if (!session.me) return
  session.clear()
  const here = router.currentRoute.value.fullPath
  router.replace({ path: '/login', query: { redirect: here } })
})

app.mount('#app')
