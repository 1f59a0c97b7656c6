// Routes. Pages under the layout need a session; /login and /portal do not.
// meta.title is an i18n key for the breadcrumb and the document title; meta.perm hides a
// page from users without that permission.
import { createRouter, createWebHistory } from 'vue-router'
import { loadSession, session } from './api.js'
import Layout from './layout/AppLayout.vue'

const routes = [
  { path: '/login', name: 'login', component: () => import('./views/LoginPage.vue'), meta: { public: true, title: 'login.title' } },
  { path: '/portal', name: 'portal', component: () => import('./views/portal/PortalHome.vue'), meta: { public: true, title: 'portal.title' } },
  {
    path: '/',
    component: Layout,
    children: [
      { path: '', name: 'dashboard', component: () => import('./views/DashboardPage.vue'), meta: { title: 'nav.dashboard' } },
      { path: 'e/:entity', name: 'entity-list', component: () => import('./views/entity/EntityList.vue'), meta: { title: 'nav.entity' } },
      { path: 'e/:entity/:id', name: 'entity-detail', component: () => import('./views/entity/EntityDetail.vue'), meta: { title: 'nav.detail' } },
      { path: 'system/users', name: 'users', component: () => import('./views/system/UsersPage.vue'), meta: { title: 'nav.users', perm: 'user.read' } },
      { path: 'system/roles', name: 'roles', component: () => import('./views/system/RolesPage.vue'), meta: { title: 'nav.roles', perm: 'role.read' } },
      { path: 'system/audit', name: 'audit', component: () => import('./views/system/AuditPage.vue'), meta: { title: 'nav.audit', perm: 'audit.read' } },
      { path: 'system/calendar', name: 'calendar', component: () => import('./views/system/CalendarPage.vue'), meta: { title: 'nav.calendar' } },
      { path: 'system/dictionaries', name: 'dictionaries', component: () => import('./views/system/DictionaryPage.vue'), meta: { title: 'nav.dictionaries' } },
      { path: 'account', name: 'account', component: () => import('./views/AccountPage.vue'), meta: { title: 'nav.account' } },
    ],
  },
  { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('./views/NotFound.vue'), meta: { public: true, title: 'notFound.title' } },
]

const router = createRouter({ history: createWebHistory('/'), routes })

router.beforeEach(async (to) => {
  if (to.meta.public) return true
  let user = session.user
  if (!session.loaded) {
    try {
      user = await loadSession()
    } catch {
      user = null
    }
  }
  if (!user) return { path: '/login', query: { redirect: to.fullPath } }
  if (to.meta.perm && !session.permissions.has(to.meta.perm)) return { name: 'dashboard' }
  return true
})

export default router
