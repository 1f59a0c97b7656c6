// Routes. Pages under the layout need a session; /login and /portal do not.
// meta.title is an i18n key for the breadcrumb and the document title; meta.perm hides a
// page from users without that permission.
import { createRouter, createWebHistory } from 'vue-router'
import { loadSession, session } from './api.js'
import Layout from './layout/AppLayout.vue'

const routes = [
  { path: '/login', name: 'login', component: () => import('./views/LoginPage.vue'), meta: { public: true, title: 'login.title' } },
  { path: '/portal', name: 'portal', component: () => import('./views/portal/PortalHome.vue'), meta: { public: true, title: 'portal.title' } },
  { path: '/portal/petition/new', name: 'portal-petition-new', component: () => import('./views/portal/PortalPetitionNew.vue'), meta: { public: true, title: 'portal.petition.newTitle' } },
  { path: '/portal/petition/track', name: 'portal-petition-track', component: () => import('./views/portal/PortalPetitionTrack.vue'), meta: { public: true, title: 'portal.petition.trackTitle' } },
  {
    path: '/',
    component: Layout,
    children: [
      { path: '', name: 'dashboard', component: () => import('./views/DashboardPage.vue'), meta: { title: 'nav.dashboard' } },
      // 信访: hand-written desk, registration, detail and hot spots; a petition's generic page
      // leads to its own (to-do and notice links name /e/petition/ID)
      { path: 'petition', name: 'petition-desk', component: () => import('./views/petition/PetitionDesk.vue'), meta: { title: 'petition.nav.desk', perm: 'petition.read' } },
      { path: 'petition/new', name: 'petition-new', component: () => import('./views/petition/PetitionNew.vue'), meta: { title: 'petition.nav.new', perm: 'petition.register' } },
      { path: 'petition/dashboard', name: 'petition-dashboard', component: () => import('./views/petition/PetitionDashboard.vue'), meta: { title: 'petition.nav.dashboard', perm: 'petition.read' } },
      { path: 'petition/figures/items', name: 'petition-figure-items', component: () => import('./views/petition/PetitionFigureItems.vue'), meta: { title: 'petition.items.title', perm: 'petition.read' } },
      { path: 'petition/:id(\\d+)', name: 'petition-detail', component: () => import('./views/petition/PetitionDetail.vue'), meta: { title: 'petition.nav.detail', perm: 'petition.read' } },
      { path: 'e/petition/:id', redirect: (to) => ({ name: 'petition-detail', params: { id: to.params.id } }) },
      { path: 'mediation', name: 'mediation-board', component: () => import('./views/mediation/DisputeBoard.vue'), meta: { title: 'mediation.nav.board', perm: 'mediation.read' } },
      // 接诉即办: the dispatch board, the 三率 ranking; 吹哨报到: the township's board, the units' 报到台
      { path: 'workorder', name: 'workorder-board', component: () => import('./views/workorder/DispatchBoard.vue'), meta: { title: 'workorder.nav.board', perm: 'workorder.read' } },
      { path: 'workorder/rates', name: 'workorder-rates', component: () => import('./views/workorder/RatesPage.vue'), meta: { title: 'workorder.nav.rates', perm: 'workorder.rates' } },
      { path: 'whistle', name: 'whistle-board', component: () => import('./views/whistle/WhistleBoard.vue'), meta: { title: 'whistle.nav.board', perm: 'whistle.read' } },
      { path: 'whistle/summons', name: 'whistle-summons', component: () => import('./views/whistle/SummonsDesk.vue'), meta: { title: 'whistle.nav.summons', perm: 'whistle.report' } },
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
