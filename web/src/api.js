// api.js -- the one client of the xueji HTTP API (docs/api.md).
//
// Every request goes through request(): same-origin cookies, JSON bodies,
// the CSRF token (taken from any /session answer) on POST/PATCH/PUT/DELETE,
// and failures thrown as ApiError {status, code, message, field, details}.
// Downloads (export, PDFs, error reports) are plain GET links built by the
// *Url() helpers below, so the browser handles the attachment itself.

// Relative to the page, so the UI works wherever the server mounts it
// (and through the Vite dev proxy).
const BASE = 'api/v1'

let csrfToken = null
let unauthorizedHandler = null

export class ApiError extends Error {
  constructor({ status, code, message, field = null, details = [] }) {
    super(message || code || `HTTP ${status}`)
    this.name = 'ApiError'
    this.status = status
    this.code = code || 'http_' + status
    this.field = field
    this.details = Array.isArray(details) ? details : []
  }
}

/** Called with the ApiError when an authenticated call answers 401. */
export function onUnauthorized(fn) {
  unauthorizedHandler = fn
}

export function getCsrfToken() {
  return csrfToken
}

function buildQuery(query) {
  if (!query) return ''
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue
    p.append(k, String(v))
  }
  const s = p.toString()
  return s ? '?' + s : ''
}

export async function request(method, path, { query, body, quiet401 = false } = {}) {
  const headers = { Accept: 'application/json' }
  const init = { method, headers, credentials: 'same-origin' }
  if (body instanceof FormData) {
    // multipart/form-data: the browser sets Content-Type with the boundary.
    init.body = body
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json'
    init.body = JSON.stringify(body)
  }
  const m = method.toUpperCase()
  if ((m === 'POST' || m === 'PATCH' || m === 'PUT' || m === 'DELETE') && csrfToken) {
    headers['X-CSRF-Token'] = csrfToken
  }
  let res
  try {
    res = await fetch(BASE + path + buildQuery(query), init)
  } catch (e) {
    throw new ApiError({ status: 0, code: 'network', message: e && e.message ? e.message : 'network error' })
  }
  let data = null
  if (res.status !== 204) {
    const text = await res.text()
    if (text) {
      try {
        data = JSON.parse(text)
      } catch {
        data = null
      }
    }
  }
  if (path === '/session' && data && typeof data.csrf_token === 'string') {
    csrfToken = data.csrf_token
  }
  if (!res.ok) {
    const e = (data && data.error) || {}
    const err = new ApiError({
      status: res.status,
      code: e.code,
      message: e.message || res.statusText,
      field: e.field ?? null,
      details: e.details
    })
    if (res.status === 401 && !quiet401 && unauthorizedHandler) unauthorizedHandler(err)
    throw err
  }
  return data
}

// ---- session ----
export async function login(username, password) {
  return request('POST', '/session', { body: { username, password }, quiet401: true })
}
export async function getSession() {
  return request('GET', '/session', { quiet401: true })
}
export async function logout() {
  try {
    await request('DELETE', '/session', { quiet401: true })
  } finally {
    csrfToken = null
    codesCache = null
    fieldsCache = null
  }
}

/** Change one's own password; the other sessions of the user end. */
export const changeOwnPassword = (oldPassword, password) =>
  request('POST', '/session/password', { body: { old_password: oldPassword, password } })

// ---- user administration (admins; bureau users if allowed) ----
export const listUsers = () => request('GET', '/users')
export const createUser = (body) => request('POST', '/users', { body })
export const updateUser = (id, patch) => request('PATCH', '/users/' + encodeURIComponent(id), { body: patch })
export const resetUserPassword = (id, password) =>
  request('POST', '/users/' + encodeURIComponent(id) + '/password', { body: { password } })

// ---- reference data (cached per session) ----
let codesCache = null
let fieldsCache = null
export function getCodes() {
  if (!codesCache) {
    codesCache = request('GET', '/codes').then((d) => (d && d.sets) || {})
    codesCache.catch(() => (codesCache = null))
  }
  return codesCache
}
export function getFields() {
  if (!fieldsCache) {
    fieldsCache = request('GET', '/fields').then((d) => (d && d.items) || [])
    fieldsCache.catch(() => (fieldsCache = null))
  }
  return fieldsCache
}
export const getRegions = (parent) => request('GET', '/regions', { query: { parent } })
/** Regions of every level whose name contains @q, within region @within (optional). */
export const searchRegions = (q, within) => request('GET', '/regions', { query: { q, within, limit: 50 } })
export const getRegion = (code) => request('GET', '/regions/' + encodeURIComponent(code))

// ---- schools and classes ----
export const listSchools = (query) => request('GET', '/schools', { query })
export const getSchool = (id) => request('GET', '/schools/' + encodeURIComponent(id))
export const listClasses = (query) => request('GET', '/classes', { query })
export const getClass = (id) => request('GET', '/classes/' + encodeURIComponent(id))

// ---- students ----
export const listStudents = (query) => request('GET', '/students', { query })
export const getStudent = (id) => request('GET', '/students/' + encodeURIComponent(id))
export const revealStudent = (id, fields) =>
  request('POST', '/students/' + encodeURIComponent(id) + '/reveal', { body: fields ? { fields } : {} })
export const createStudent = (student) => request('POST', '/students', { body: student })
export const updateStudent = (id, patch) =>
  request('PATCH', '/students/' + encodeURIComponent(id), { body: patch })
export const moveClass = (id, body) =>
  request('POST', '/students/' + encodeURIComponent(id) + '/move-class', { body })
export const confirmWarning = (id, wid, body) =>
  request('POST', '/students/' + encodeURIComponent(id) + '/warnings/' + encodeURIComponent(wid) + '/confirm', { body })

// ---- suspected duplicates ----
export const listDuplicates = (query) => request('GET', '/duplicates', { query })
/** @action 'confirm' ({reason, cancel_id}) or 'dismiss' ({reason}). */
export const resolveDuplicate = (id, action, body) =>
  request('POST', '/duplicates/' + encodeURIComponent(id) + '/' + action, { body })
export const scanDuplicates = (body) => request('POST', '/duplicates/scan', { body })
export const getDuplicateScan = (id) => request('GET', '/duplicates/scans/' + encodeURIComponent(id))
export const studentEvents = (id) => request('GET', '/students/' + encodeURIComponent(id) + '/events')

// ---- audit ----
export const listAudit = (query) => request('GET', '/audit', { query })

// ---- plain links (GET, cookie only; the browser downloads or shows them) ----
/** Relative URL of an API GET, for <a href> / window.open. */
export function apiUrl(path, query) {
  return BASE + path + buildQuery(query)
}
/** Student export: query = {school_id, grade, class_id, status, q, format, encoding, reveal}. */
export const studentsExportUrl = (query) => apiUrl('/students/export', query)
export const studentCardUrl = (id) => apiUrl('/students/' + encodeURIComponent(id) + '/card.pdf')
export const classCardsUrl = (id) => apiUrl('/classes/' + encodeURIComponent(id) + '/cards.pdf')
// Background exports of large lists (POST /exports with the export query).
export const listExports = () => request('GET', '/exports')
export const startExport = (query) => request('POST', '/exports', { query })
export const getExport = (id) => request('GET', '/exports/' + encodeURIComponent(id))
export const cancelExport = (id) => request('POST', '/exports/' + encodeURIComponent(id) + '/cancel')
export const exportFileUrl = (id) => apiUrl('/exports/' + encodeURIComponent(id) + '/file')

// ---- bulk import ----
/**
 * Upload a CSV/XLSX file (multipart/form-data, part "file") and start an
 * import job: 202 {"id","status"}.  opts: {validOnly, dryRun, createClasses, sheet}.
 */
export function startImport(file, { validOnly = false, dryRun = false, createClasses = false, sheet = '' } = {}) {
  const fd = new FormData()
  fd.append('valid_only', validOnly ? '1' : '0')
  fd.append('dry_run', dryRun ? '1' : '0')
  fd.append('create_classes', createClasses ? '1' : '0')
  if (sheet && sheet.trim()) fd.append('sheet', sheet.trim())
  fd.append('file', file, file.name)
  return request('POST', '/imports', { body: fd })
}
/** POST /attendance/import: absences from a CSV/XLSX, all or nothing unless validOnly. */
export function importAbsences(file, { validOnly = false, sheet = '' } = {}) {
  const fd = new FormData()
  fd.append('valid_only', validOnly ? '1' : '0')
  if (sheet && sheet.trim()) fd.append('sheet', sheet.trim())
  fd.append('file', file, file.name)
  return request('POST', '/attendance/import', { body: fd })
}
export const listImports = (query) => request('GET', '/imports', { query })
export const getImport = (id) => request('GET', '/imports/' + encodeURIComponent(id))
export const cancelImport = (id) => request('POST', '/imports/' + encodeURIComponent(id) + '/cancel')
export const importTemplateUrl = () => apiUrl('/imports/template.xlsx')
export const importReportUrl = (id) => apiUrl('/imports/' + encodeURIComponent(id) + '/report')

// ---- registry changes (学籍变动) and year-end promotion ----
const chPath = (id, action) => '/changes/' + encodeURIComponent(id) + (action ? '/' + action : '')
/** body: {type, student_id, reason, reason_code?, to_school_id?, to_class_id?, grade?, outcome?, changes?, id_no?, registry_no?, end_date? (suspend)} */
export const createChange = (body) => request('POST', '/changes', { body })
/** query: {box: todo|started|all, overdue, type, status, page, per_page} */
export const listChanges = (query) => request('GET', '/changes', { query })
export const changeCounts = () => request('GET', '/changes/counts')
export const changeBacklog = () => request('GET', '/changes/backlog')
export const getChange = (id) => request('GET', chPath(id))
/** action: approve | reject | return | withdraw | resubmit; body {version, comment, reason?} */
export const actOnChange = (id, action, body) => request('POST', chPath(id, action), { body: body || {} })
export const batchChanges = (ids, action, comment) =>
  request('POST', '/changes/batch', { body: comment ? { ids, action, comment } : { ids, action } })
/** query: {id_no} or {registry_no}: the exact full value (audited). */
export const lookupStudent = (query) => request('GET', '/students/lookup', { query })
/** scope: {school_id} or {county} */
export const yearEndPreview = (scope) => request('POST', '/yearend/preview', { body: scope })
export const yearEndApply = (scope) => request('POST', '/yearend/apply', { body: scope })
// No body: the server refuses any (body_too_large, limit 0).
export const yearEndRollback = (id) => request('POST', '/yearend/' + encodeURIComponent(id) + '/rollback')

// ---- change settings, holiday calendar, suspensions to follow up ----
/** {step_days, death_days, senior_authority, chain_city, repeat_compulsory, repeat_senior3,
 *   repeat_cap_pct, transfer_entry_term, transfer_graduating, suspend_years, suspend_renewals} */
export const getChangeSettings = () => request('GET', '/changes/settings')
/** patch: any keys of getChangeSettings (administrators; all or nothing; audited) */
export const patchChangeSettings = (patch) => request('PATCH', '/changes/settings', { body: patch })
/** {settings: [{key, value, default, min, max, type: int|bool, unit?: minutes|days|bytes}]}
 *  (administrators: session, log-in, user management, import queue, duplicate scan) */
export const getSystemSettings = () => request('GET', '/system-settings')
/** patch: {key: integer (true/false for a switch)}; all or nothing; audited; the settings after */
export const patchSystemSettings = (patch) => request('PATCH', '/system-settings', { body: patch })
/** {year, items: [{date, kind: holiday|workday, name}]} */
export const listHolidays = (year) => request('GET', '/holidays', { query: { year } })
export const putHoliday = (day) => request('POST', '/holidays', { body: day })
export const deleteHoliday = (date) => request('DELETE', '/holidays/' + encodeURIComponent(date))
/** query: {page, per_page}: suspended students past their end date, not resumed */
export const listOverdueSuspensions = (query) => request('GET', '/suspensions/overdue', { query })

// ---- dropout control (控辍保学) ----
const doPath = (id, tail) => '/dropout/cases/' + encodeURIComponent(id) + (tail ? '/' + tail : '')
export const listDropoutCases = (query) => request('GET', '/dropout/cases', { query })
export const openDropoutCase = (body) => request('POST', '/dropout/cases', { body })
export const getDropoutCase = (id) => request('GET', doPath(id))
export const addDropoutEntry = (id, body) => request('POST', doPath(id, 'entries'), { body })
/** action: decide | close | reopen; body {reason, outcome?} */
export const actOnDropoutCase = (id, action, body) => request('POST', doPath(id, action), { body })
export const dropoutSweep = () => request('POST', '/dropout/sweep', { body: {} })
export const dropoutLedger = (query) => request('GET', '/dropout/ledger', { query })
export const dropoutReportUrl = (query) => apiUrl('/dropout/report.xlsx', query)
// ---- class sizes (班额) ----
/** query {school_id? | county?}: every school's classes banded */
export const getClassSizes = (query) => request('GET', '/class-sizes', { query })
// ---- the dashboard (a unit's panels; the students behind a figure) ----
export const getDashboard = (query) => request('GET', '/dashboard', { query })
export const dashboardStudents = (query) => request('GET', '/dashboard/students', { query })
export const dashboardExportUrl = (query) => apiUrl('/dashboard/students/export', query)
export const getClassSizeTrend = (query) => request('GET', '/class-sizes/trend', { query })
export const classSizesExportUrl = (query) => BASE + '/class-sizes/export' + buildQuery(query)
export const getClassSizeSettings = (query) => request('GET', '/class-sizes/settings', { query })
export const patchClassSizeSettings = (query, body) => request('PATCH', '/class-sizes/settings', { query, body })

// ---- 升学, re-entry, zones, the 小升初 allocation and intake ----
/** body: {id_no | registry_no, school_id?, grade?, class_id?, reason?}: 201 applied / 202 request */
export const progressEnrol = (body) => request('POST', '/progress/enrol', { body })
/** body: {id_no | registry_no, school_id?, grade, class_id?, reason} */
export const progressReenter = (body) => request('POST', '/progress/reenter', { body })
/** A county's compulsory schools with feeders, townships, communities and allocations. */
export const getZones = (county) => request('GET', '/zones', { query: { county } })
/** zone: {feeders: [school ids], townships: [codes], communities: [names]} */
export const putSchoolZone = (id, zone) => request('PUT', '/schools/' + encodeURIComponent(id) + '/zone', { body: zone })
export const createAllocation = (county) => request('POST', '/allocations', { body: { county } })
export const getAllocation = (id) => request('GET', '/allocations/' + encodeURIComponent(id))
/** query: {to_school_id (-1 all, 0 unmatched), page, per_page} */
export const allocationItems = (id, query) => request('GET', '/allocations/' + encodeURIComponent(id) + '/items', { query })
export const moveAllocated = (id, studentIds, toSchoolId, reason) =>
  request('POST', '/allocations/' + encodeURIComponent(id) + '/move', {
    body: { student_ids: studentIds, to_school_id: toSchoolId, reason }
  })
export const publishAllocation = (id) => request('POST', '/allocations/' + encodeURIComponent(id) + '/publish')
/** query: {year?, region?}: 小升初 admissions per junior school by route, out of zone (择校 figures) */
export const schoolChoice = (query) => request('GET', '/progress/school-choice', { query })
/** The school-choice figures as XLSX (same query; audited). */
export const schoolChoiceXlsxUrl = (query) => apiUrl('/progress/school-choice.xlsx', query)
/** Every student of an allocation as XLSX (masked numbers; audited). */
export const allocationXlsxUrl = (id) => apiUrl('/allocations/' + encodeURIComponent(id) + '/items.xlsx')
export const getIntake = (schoolId) => request('GET', '/intake', { query: { school_id: schoolId } })
/** body: {school_id?, student_ids?, class_ids?, balance?} */
export const confirmIntake = (body) => request('POST', '/intake/confirm', { body })

// Attendance (docs/api.md "Attendance")
export const getAttendanceGrid = (classId, from) =>
  request('GET', '/attendance/classes/' + encodeURIComponent(classId), { query: { from } })
export const recordAbsences = (entries) => request('POST', '/attendance', { body: { entries } })
export const getAttendanceTerms = (county, year) => request('GET', '/attendance/terms', { query: { county, year } })
export const putAttendanceTerms = (body) => request('PUT', '/attendance/terms', { body })
export const listSuspects = (query) => request('GET', '/attendance/suspects', { query })
// ---- flows of students (学生流动; docs/api.md "Flows of students") ----
export const getFlows = (query) => request('GET', '/flows', { query })
export const flowStudents = (query) => request('GET', '/flows/students', { query })
export const flowFollowup = (query) => request('GET', '/flows/followup', { query })
export const flowsXlsxUrl = (query) => apiUrl('/flows.xlsx', query)

// ---- semester verification (学籍核准) and ghost records ----
export const verifyProgress = (query) => request('GET', '/verification/progress', { query })
export const verifyClass = (id, query) => request('GET', '/verification/classes/' + encodeURIComponent(id), { query })
export const verifyTicks = (body) => request('POST', '/verification/ticks', { body })
export const verifyDeadline = (body) => request('PUT', '/verification/deadline', { body })
export const ghostSweep = () => request('POST', '/verification/ghosts/sweep', { body: {} })
export const getGhostSweep = (id) => request('GET', '/verification/ghosts/sweeps/' + encodeURIComponent(id))
export const listGhosts = (query) => request('GET', '/verification/ghosts', { query })
export const reviewGhost = (id, action, body) =>
  request('POST', '/verification/ghosts/' + encodeURIComponent(id) + '/' + action, { body })
