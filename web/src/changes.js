// changes.js -- registry-change (学籍变动) helpers shared by the pages:
// the navigation counts, the types a user may start, labels.
import { reactive } from 'vue'
import { changeCounts } from './api.js'
import { isAdmin, isBureau, isRegistrar, canChanges } from './session.js'

export const counts = reactive({ todo: 0, overdue: 0, started: 0, loaded: false })

let inflight = null
/** Refresh the to-do counts (navigation badge); errors keep the old values. */
export function refreshCounts(user) {
  if (!canChanges(user)) return Promise.resolve()
  if (!inflight) {
    inflight = changeCounts()
      .then((d) => {
        counts.todo = d.todo || 0
        counts.overdue = d.overdue || 0
        counts.started = d.started || 0
        counts.loaded = true
      })
      .catch(() => {})
      .finally(() => (inflight = null))
  }
  return inflight
}
export function resetCounts() {
  counts.todo = counts.overdue = counts.started = 0
  counts.loaded = false
}

// The types started from the student record, in menu order, with the
// student statuses each applies to (the server checks again).
export const RECORD_TYPES = [
  { type: 'suspend', from: ['enrolled', 'suspended'] }, // on a suspended student: a renewal (续休)
  { type: 'resume', from: ['suspended'] },
  { type: 'withdraw', from: ['enrolled', 'suspended'] },
  { type: 'repeat', from: ['enrolled'] },
  { type: 'skip', from: ['enrolled'] },
  { type: 'abroad', from: ['enrolled', 'suspended'] },
  { type: 'death', from: ['enrolled', 'suspended'] },
  { type: 'leave', from: ['enrolled', 'suspended'] }, // 其他离校: opens a dropout case
  { type: 'graduate', from: ['enrolled'] },
  { type: 'correct', from: ['enrolled', 'suspended'] },
  { type: 'cancel', from: null, bureau: true }
]

/** Types @user may start for @student from the record page. */
export function startableTypes(user, student) {
  if (!user || !student) return []
  const own = isRegistrar(user) && String(user.school_id) === String(student.school_id)
  return RECORD_TYPES.filter((x) => {
    if (x.from && !x.from.includes(student.status)) return false
    if (x.bureau) return (isBureau(user) || isAdmin(user)) && student.status !== 'cancelled'
    return own || isAdmin(user)
  }).map((x) => x.type)
}

/** Grades of a stage in order ('11'..'16', '21'..'24', '31'..'33', '41'..'43'). */
const LAST = { 1: 6, 2: 4, 3: 3, 4: 3 }
export function gradeStep(grade, d) {
  const g = String(grade || '')
  if (!/^[1-4][1-6]$/.test(g)) return null
  const n = Number(g[1]) + d
  if (n < 1 || n > LAST[g[0]]) return null
  return g[0] + n
}
export function stageGrades(grade) {
  const g = String(grade || '')
  if (!/^[1-4]/.test(g)) return []
  const out = []
  for (let i = 1; i <= LAST[g[0]]; i++) out.push(g[0] + i)
  return out
}

export const fmtDate = (s) => (s ? String(s).slice(0, 10) : '')
export const fmtTime = (s) => (s ? String(s).replace('T', ' ').slice(0, 16) : '')
/** Element Plus tag type of a request status. */
export const STATUS_TAG = { pending: 'warning', approved: 'success', rejected: 'danger', returned: 'info', withdrawn: 'info' }
export const STEP_TAG = { waiting: 'warning', approved: 'success', rejected: 'danger', returned: 'info', cancelled: 'info', later: 'info' }
