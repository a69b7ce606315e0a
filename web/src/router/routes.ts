import type { RouteRecordRaw } from 'vue-router'
import type { Role } from '@/stores/session'

declare module 'vue-router' {
  interface RouteMeta {
    title?: string
    public?: boolean // no login needed
    roles?: Role[] // absent: any logged-in user
    menu?: boolean // listed in the side menu of the roles above
    icon?: string
  }
}

// Every page is its own chunk (lazy import), so the login page loads only itself.
export const routes: RouteRecordRaw[] = [
  { path: '/login', component: () => import('@/views/LoginView.vue'), meta: { public: true, title: '登录' } },
  {
    path: '/register',
    component: () => import('@/views/RegisterView.vue'),
    meta: { public: true, title: '企业注册' },
  },
  {
    path: '/',
    component: () => import('@/layouts/AppLayout.vue'),
    children: [
      { path: '', name: 'home', component: () => import('@/views/HomeRedirect.vue') },
      // vendor
      {
        path: 'vendor/applications',
        component: () => import('@/views/vendor/ApplicationsView.vue'),
        meta: { title: '我的申请', roles: ['vendor'], menu: true, icon: 'Document' },
      },
      {
        path: 'vendor/enterprise',
        component: () => import('@/views/vendor/EnterpriseView.vue'),
        meta: { title: '企业信息与产品', roles: ['vendor'], menu: true, icon: 'OfficeBuilding' },
      },
      // city reviewer
      {
        path: 'review/inbox',
        component: () => import('@/views/review/InboxView.vue'),
        meta: { title: '待办审核', roles: ['city_reviewer'], menu: true, icon: 'Tickets' },
      },
      {
        path: 'review/joint-tests',
        component: () => import('@/views/review/JointTestsView.vue'),
        meta: { title: '联调测试', roles: ['city_reviewer'], menu: true, icon: 'Connection' },
      },
      // tech support
      {
        path: 'support/rectifications',
        component: () => import('@/views/support/RectificationsView.vue'),
        meta: { title: '整改工单', roles: ['tech_support', 'city_reviewer'], menu: true, icon: 'Tools' },
      },
      // shared lists, scoped by the server
      {
        path: 'applications',
        component: () => import('@/views/ApplicationsListView.vue'),
        meta: { title: '申请查询', roles: ['city_reviewer', 'province', 'admin'], menu: true, icon: 'Files' },
      },
      {
        path: 'applications/:id(\\d+)',
        component: () => import('@/views/ApplicationDetailView.vue'),
        meta: { title: '申请详情', roles: ['vendor', 'city_reviewer', 'province', 'admin'] },
      },
      {
        path: 'alerts',
        component: () => import('@/views/AlertsView.vue'),
        meta: { title: '预警', roles: ['city_reviewer', 'province', 'admin'], menu: true, icon: 'Bell' },
      },
      {
        path: 'complaints',
        component: () => import('@/views/ComplaintsView.vue'),
        meta: { title: '投诉', roles: ['vendor', 'city_reviewer', 'province', 'admin'], menu: true, icon: 'ChatLineSquare' },
      },
      {
        path: 'complaints/:id(\\d+)',
        component: () => import('@/views/ComplaintDetailView.vue'),
        meta: { title: '投诉详情', roles: ['vendor', 'city_reviewer', 'tech_support', 'province', 'admin'] },
      },
      // province
      {
        path: 'province/dashboard',
        component: () => import('@/views/province/DashboardView.vue'),
        meta: { title: '统计分析', roles: ['province', 'admin', 'city_reviewer'], menu: true, icon: 'DataAnalysis' },
      },
      // admin
      {
        path: 'admin/users',
        component: () => import('@/views/admin/UsersView.vue'),
        meta: { title: '用户与角色', roles: ['admin'], menu: true, icon: 'User' },
      },
      {
        path: 'admin/vendors',
        component: () => import('@/views/admin/VendorsView.vue'),
        meta: { title: '企业管理', roles: ['admin'], menu: true, icon: 'OfficeBuilding' },
      },
      {
        path: 'admin/cities',
        component: () => import('@/views/admin/CitiesView.vue'),
        meta: { title: '地市与接口标准', roles: ['admin'], menu: true, icon: 'Location' },
      },
      {
        path: 'admin/calendar',
        component: () => import('@/views/admin/CalendarView.vue'),
        meta: { title: '工作日历', roles: ['admin'], menu: true, icon: 'Calendar' },
      },
      {
        path: 'admin/history',
        component: () => import('@/views/admin/HistoryView.vue'),
        meta: { title: '操作记录校验', roles: ['admin'], menu: true, icon: 'Lock' },
      },
      // everyone
      {
        path: 'notifications',
        component: () => import('@/views/NotificationsView.vue'),
        meta: { title: '消息通知', icon: 'Message' },
      },
      {
        path: 'process',
        component: () => import('@/views/ProcessView.vue'),
        meta: { title: '联调对接流程', menu: true, icon: 'Guide' },
      },
      { path: ':rest(.*)*', component: () => import('@/views/NotFoundView.vue'), meta: { title: '页面不存在' } },
    ],
  },
]
