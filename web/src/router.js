import { createRouter, createWebHashHistory } from 'vue-router'
import { session, loadSession, canListSchools, canRegister, canImport, isAdmin, canChanges, canTransferIn, canYearEnd, canZones, canIntake, canManageUsers, canReviewDuplicates, canClassSizes } from './session.js'

const routes = [
  { path: '/login', name: 'login', component: () => import('./views/Login.vue'), meta: { public: true } },
  {
    path: '/',
    component: () => import('./views/Layout.vue'),
    children: [
      { path: '', name: 'home', component: () => import('./views/Overview.vue') },
      { path: 'schools', name: 'schools', component: () => import('./views/SchoolList.vue'), meta: { allow: canListSchools } },
      { path: 'schools/:id', name: 'school', component: () => import('./views/SchoolDetail.vue') },
      { path: 'students', name: 'students', component: () => import('./views/StudentList.vue') },
      { path: 'students/:id', name: 'student', component: () => import('./views/StudentRecord.vue') },
      { path: 'register', name: 'register', component: () => import('./views/Register.vue'), meta: { allow: canRegister } },
      { path: 'import/:id?', name: 'import', component: () => import('./views/Import.vue'), meta: { allow: canImport } },
      { path: 'todo', name: 'todo', component: () => import('./views/Todo.vue'), meta: { allow: canChanges } },
      { path: 'changes/:id', name: 'change', component: () => import('./views/ChangeReview.vue'), meta: { allow: canChanges } },
      { path: 'transfer-in', name: 'transfer-in', component: () => import('./views/TransferIn.vue'), meta: { allow: canTransferIn } },
      { path: 'yearend', name: 'yearend', component: () => import('./views/YearEnd.vue'), meta: { allow: canYearEnd } },
      { path: 'zones', name: 'zones', component: () => import('./views/Zones.vue'), meta: { allow: canZones } },
      { path: 'allocation', name: 'allocation', component: () => import('./views/Allocation.vue'), meta: { allow: canZones } },
      { path: 'intake', name: 'intake', component: () => import('./views/Intake.vue'), meta: { allow: canIntake } },
      { path: 'duplicates', name: 'duplicates', component: () => import('./views/DuplicateReview.vue'), meta: { allow: canReviewDuplicates } },
      { path: 'codes', name: 'codes', component: () => import('./views/CodeTables.vue') },
      { path: 'audit', name: 'audit', component: () => import('./views/AuditLog.vue'), meta: { allow: isAdmin } },
      { path: 'settings', name: 'settings', component: () => import('./views/ChangeSettings.vue'), meta: { allow: isAdmin } },
      { path: 'system-settings', name: 'system-settings', component: () => import('./views/SystemSettings.vue'), meta: { allow: isAdmin } },
      { path: 'dropout', name: 'dropout', component: () => import('./views/DropoutCases.vue'), meta: { allow: canChanges } },
      { path: 'dropout/ledger', name: 'dropout-ledger', component: () => import('./views/DropoutLedger.vue'), meta: { allow: canChanges } },
      { path: 'dropout/:id', name: 'dropout-case', component: () => import('./views/DropoutCase.vue'), meta: { allow: canChanges } },
      { path: 'attendance', name: 'attendance', component: () => import('./views/Attendance.vue') },
      { path: 'verification', name: 'verification', component: () => import('./views/Verification.vue') },
      { path: 'verification/ghosts', name: 'ghosts', component: () => import('./views/GhostReview.vue'), meta: { allow: canReviewDuplicates } },
      { path: 'class-sizes', name: 'class-sizes', component: () => import('./views/ClassSizes.vue'), meta: { allow: canClassSizes } },
      { path: 'suspensions', name: 'suspensions', component: () => import('./views/Suspensions.vue'), meta: { allow: canChanges } },
      { path: 'flows', name: 'flows', component: () => import('./views/Flows.vue'), meta: { allow: canChanges } },
      { path: 'users', name: 'users', component: () => import('./views/UserAdmin.vue'), meta: { allow: canManageUsers } }
    ]
  },
  { path: '/:rest(.*)*', redirect: '/' }
]

export const router = createRouter({ history: createWebHashHistory(), routes })

router.beforeEach(async (to) => {
  if (!session.checked) {
    try {
      await loadSession()
    } catch {
      /* server unreachable: show the log-in page, which reports errors */
    }
  }
  if (to.meta.public) {
    if (to.name === 'login' && session.user) return { path: '/' }
    return true
  }
  if (!session.user) return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
  const allow = to.matched.map((r) => r.meta.allow).find(Boolean)
  if (allow && !allow(session.user)) {
    // A registrar's "schools" is their own school.
    if (to.name === 'schools' && session.user.school_id) return { name: 'school', params: { id: session.user.school_id } }
    return { path: '/' }
  }
  return true
})
