// events.js -- one formatter for what the registry records: timeline events,
// change requests and audit entries.  Kinds, types, statuses, steps, audit
// actions and field names become labels of the i18n catalogues; values of
// coded fields become their code-table names (grade 初一, status 在读),
// school and class ids the names the server sent beside them
// (GET /students/{id}/events, /changes/{id}, /audit: "changes" with
// before_text/after_text).  Nothing here shows JSON, row ids or internal
// codes: what it does not know gets a generic label, and a console warning
// in development builds so the catalogue can be completed.
import { useI18n } from 'vue-i18n'
import { useRefData } from '../refdata.js'

const DEV = import.meta.env.DEV
function unknown(what, key) {
  if (DEV) console.warn(`[format] no label for ${what} "${key}"`)
}

// Fields whose values are GB/T 2260 region codes.
const REGION_KEYS = new Set(['birthplace', 'native_place', 'hukou_region', 'region_code', 'region', 'county', 'county_code', 'township_code'])
// Yes/no values stored as 0/1.
const FLAGS = new Set(['dup_flag', 'disabled', 'reveal', 'found', 'renewal_allowed', 'bureau_manages_users'])
// Looks like an internal name (snake_case, dotted, camelCase), not text.
const CODE_LIKE = /^[a-z][a-z0-9]*([._][a-z0-9]+)+$|^[a-z]+[A-Z]\w*$/

export function useEventFormat() {
  const { t, te } = useI18n()
  const { fieldMap, fieldLabel, display, codeLabel, regionName } = useRefData()

  // The first catalogue key of @keys that exists, translated; else null.
  function first(keys, params) {
    for (const k of keys) if (te(k)) return t(k, params || {})
    return null
  }

  // The label of @key under the catalogue @prefixes, else @fallback (and a
  // development warning naming @what).
  function labelOr(prefixes, key, what, fallback) {
    const s = first(prefixes.map((p) => p + key))
    if (s) return s
    unknown(what, key)
    return t(fallback)
  }
  /** Label of a timeline event kind ("change.step.approved", "move_class"). */
  const eventKind = (kind) => labelOr(['event.'], kind, 'event kind', 'fmt.otherEvent')
  /** Label of an audit action ("student.register", "change.approve"). */
  const auditAction = (action) => labelOr(['auditAction.', 'event.'], action, 'audit action', 'fmt.otherAction')
  /** Label of an audit entity kind ("student", "change", "settings"). */
  const auditEntity = (entity) => labelOr(['auditEntity.'], entity, 'audit entity', 'fmt.otherEntity')

  /** Label of a field of a record, request or setting. */
  function fieldName(key) {
    const k = String(key)
    if (fieldMap.value[k] || /^g\d_/.test(k)) return fieldLabel(k)
    const dot = k.lastIndexOf('.')
    const tail = dot >= 0 ? k.slice(dot + 1) : k
    const s = first(['evField.' + k, 'field.' + k, 'cfg.' + tail, 'evField.' + tail, 'sys.' + tail])
    if (s) return s
    if (fieldMap.value[tail]) return fieldLabel(tail)
    unknown('field', k)
    return t('fmt.otherField')
  }

  // A coded value named by a catalogue, for the keys that hold one.
  const CATALOGUE = {
    type: 'chType.', change_type: 'chType.', outcome: 'ch.outcomes.', action: 'chAction.',
    role: 'role.', actor_kind: 'actorKind.', label_key: 'stepKey.', request_status: 'chStatus.'
  }

  /** Display text of value @v of field @key (@text: the server's name for it). */
  function value(key, v, text) {
    if (text) return text
    if (v === null || v === undefined || v === '') return t('fmt.empty')
    if (Array.isArray(v)) return v.length ? v.map((x) => value(key === 'fields' ? 'fields' : key, x)).join('、') : t('fmt.empty')
    if (typeof v === 'object') return Object.entries(v).map(([k, x]) => `${fieldName(k)} ${value(k, x)}`).join('；')
    if (typeof v === 'boolean') return v ? t('common.yes') : t('common.no')
    const k = String(key)
    const tail = k.slice(k.lastIndexOf('.') + 1)
    if (/(^|_)(school|class)_id$/.test(tail)) return t(tail.endsWith('class_id') ? 'fmt.otherClass' : 'fmt.otherSchool')
    if (key === 'fields') return fieldName(v)
    if (FLAGS.has(tail) && (v === 0 || v === 1)) return v ? t('common.yes') : t('common.no')
    if (/_ym$/.test(tail) && /^\d{6}$/.test(String(v))) return `${String(v).slice(0, 4)}-${String(v).slice(4)}`
    const f = fieldMap.value[tail]
    if (f) {
      if (REGION_KEYS.has(tail)) return regionName(String(v)) || String(v)
      return display(f, v) || String(v)
    }
    if (tail === 'grade' || tail === 'from_grade' || tail === 'to_grade') return codeLabel('grade', v)
    if (tail === 'status') return first(['chStatus.' + v, 'stepStatus.' + v]) || codeLabel('status', v)
    if (tail === 'reason_code' && v === 'lost_capacity') return t('ch.lostCapacity')
    if (REGION_KEYS.has(tail)) return regionName(String(v)) || String(v)
    if (CATALOGUE[tail]) {
      const s = first([CATALOGUE[tail] + v])
      if (s) return s
    }
    if (typeof v === 'string' && CODE_LIKE.test(v)) {
      const s = first(['fmtValue.' + v, 'chType.' + v, 'stepKey.' + v])
      if (s) return s
      unknown('value', v)
      return t('fmt.otherValue')
    }
    return String(v)
  }

  /** "字段: 旧值 → 新值" lines of an item's "changes" (server field list). */
  function changeLines(item, max = 20) {
    // a new record lists what was given, not every empty field
    const given = (c) => 'before' in c || (c.after !== '' && c.after !== null && c.after !== undefined)
    return ((item && item.changes) || []).filter(given).slice(0, max).map((c) => {
      const label = fieldName(c.field)
      // a 调班 inside a school the viewer may not see: said once
      if (c.other_school_move) return `${label}: ${t('fmt.otherSchoolMove')}`
      const after = 'after' in c ? value(c.field, c.after, c.after_text) : t('fmt.removed')
      if (!('before' in c)) return `${label}: ${after}`
      return `${label}: ${value(c.field, c.before, c.before_text)} → ${after}`
    })
  }

  /** Label of a change request's step (label_key, else its stored label). */
  function stepName(s, isZh) {
    if (s.label_key && te('stepKey.' + s.label_key)) return t('stepKey.' + s.label_key)
    if (isZh && s.label) return s.label
    return first(['actorKind.' + s.actor_kind]) || s.label || t('fmt.otherStep')
  }

  return { eventKind, auditAction, auditEntity, fieldName, value, changeLines, stepName }
}

/** "2026-12-04T09:23:29+08:00" -> "2026-12-04 09:23:29". */
export const fmtTime = (s) => (s ? String(s).replace('T', ' ').slice(0, 19) : '')
