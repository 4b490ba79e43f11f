// session.js -- who is logged in (shared reactive state) and role rules.
import { reactive } from 'vue'
import * as api from './api.js'

export const session = reactive({ user: null, checked: false })

export async function loadSession() {
  try {
    const d = await api.getSession()
    session.user = d.user
  } catch (e) {
    if (e.status !== 401) throw e
    session.user = null
  } finally {
    session.checked = true
  }
  return session.user
}

export async function doLogin(username, password) {
  const d = await api.login(username, password)
  session.user = d.user
  session.checked = true
  return d.user
}

export async function doLogout() {
  try {
    await api.logout()
  } catch {
    /* the session is gone either way */
  }
  session.user = null
}

export function clearSession() {
  session.user = null
}

// ---- role rules (the server enforces them; the UI only fits itself) ----
export const isAdmin = (u) => !!u && u.role === 'admin'
export const isBureau = (u) => !!u && u.role === 'bureau'
export const isRegistrar = (u) => !!u && u.role === 'registrar'
export const isTeacher = (u) => !!u && u.role === 'teacher'
/** May browse the list of schools (bureau and administrators). */
export const canListSchools = (u) => isAdmin(u) || isBureau(u)
/** May pick any school in scope (else fixed to the user's own). */
export const canPickSchool = (u) => isAdmin(u) || isBureau(u)
export const canRegister = (u) => isAdmin(u) || isBureau(u) || isRegistrar(u)
/** May upload bulk imports (not class teachers). */
export const canImport = (u) => isAdmin(u) || isBureau(u) || isRegistrar(u)
/** What the user may see in full, as the server's reveal rights say
    (id_no, phone, guardian_id): the same on screen, in exports, on cards. */
export const revealRights = (u) => (u && Array.isArray(u.reveal) ? u.reveal : [])
/** May reveal anything on the record page. */
export const canReveal = (u) => revealRights(u).length > 0
/** May export with full numbers (reveal=1; audited): what canReveal shows. */
export const canExportFull = (u) => revealRights(u).length > 0
/** May open user administration (bureau users only if the server's
    bureau_manages_users setting allows; the server checks every call). */
export const canManageUsers = (u) => isAdmin(u) || isBureau(u)
export const canEdit = (u) => isAdmin(u) || isBureau(u) || isRegistrar(u)

/** The name of the user's scope: school, region or nothing. */
export function scopeName(u) {
  if (!u) return ''
  if (u.role === 'registrar' || u.role === 'teacher') return u.school_name || u.region_name || ''
  return u.region_name || u.school_name || ''
}
/** Registry changes: queues, review (class teachers have no access). */
export const canChanges = (u) => isAdmin(u) || isBureau(u) || isRegistrar(u)
export const canClassSizes = canChanges
/** 转入申请: the receiving school's registrar. */
export const canTransferIn = (u) => isRegistrar(u) && !!u.school_id
/** 学年升级: registrars (own school), bureau users (their region), administrators. */
export const canYearEnd = (u) => isAdmin(u) || isBureau(u) || isRegistrar(u)
/** 对口与学区, 小升初分配: county bureau users and administrators. */
export const canZones = (u) => isAdmin(u) || (isBureau(u) && !!u.region_code && u.region_code.length === 6)
/** 新生名单: registrars (their school). */
export const canIntake = (u) => isRegistrar(u) && !!u.school_id
/** May see every request of the region (the 全部 tab, per-school backlog). */
/** The bureau reviews suspected duplicates (GET/POST /duplicates). */
export const canReviewDuplicates = (u) => isAdmin(u) || isBureau(u)
export const canSeeAllChanges = (u) => isAdmin(u) || isBureau(u)
