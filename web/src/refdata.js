// refdata.js -- code sets and the field table, with labels for the locale.
import { ref, computed } from 'vue'
import { useI18n } from 'vue-i18n'
import { getCodes, getFields, getRegion } from './api.js'

const codes = ref({})
// Region code -> full name ("广东省清远市阳山县"), filled on demand for the
// fields that hold GB/T 2260 codes; '' while unknown or not found.
const regionNames = ref({})
const regionAsked = new Set()
const REGION_FIELDS = new Set(['birthplace', 'hukou_region', 'native_place'])

function regionName(code) {
  if (!/^\d{6}(\d{3})?(\d{3})?$/.test(code)) return ''
  if (!regionAsked.has(code)) {
    regionAsked.add(code)
    getRegion(code)
      .then((g) => {
        const names = ((g && g.path) || []).map((p) => p.name).join('')
        regionNames.value = { ...regionNames.value, [code]: names || (g && g.name) || '' }
      })
      .catch(() => regionAsked.delete(code))
  }
  return regionNames.value[code] || ''
}
const fields = ref([])
const loaded = ref(false)
let loading = null

export function loadRefData() {
  if (!loading) {
    loading = Promise.all([getCodes(), getFields()])
      .then(([c, f]) => {
        codes.value = c || {}
        fields.value = f || []
        loaded.value = true
      })
      .catch((e) => {
        loading = null
        throw e
      })
  }
  return loading
}

export function resetRefData() {
  loading = null
  loaded.value = false
  codes.value = {}
  fields.value = []
}

// Groups of the student record, in display order.  Keys not named here
// fall into "other"; guardians are g1_* / g2_*.
export const GROUPS = [
  { id: 'basic', keys: ['name', 'gender', 'birth_date', 'birthplace', 'native_place', 'ethnicity', 'nationality',
    'name_pinyin', 'former_name', 'political', 'health', 'specialty'] },
  { id: 'identity', keys: ['id_type', 'id_no', 'hk_mo_tw', 'hukou_region', 'hukou_type'] },
  { id: 'enrolment', keys: ['registry_no', 'aux_no', 'school_id', 'grade', 'class_id', 'seat_no', 'enrol_ym',
    'enrol_mode', 'study_mode', 'source', 'status'] },
  { id: 'contact', keys: ['address', 'mail_address', 'home_address', 'phone', 'postcode', 'email', 'distance_km',
    'transport', 'need_bus'] },
  { id: 'other', keys: [] },
  { id: 'g1', prefix: 'g1_' },
  { id: 'g2', prefix: 'g2_' }
]

/** Split a field list into GROUPS: [{id, fields:[…]}]. */
export function groupFields(list) {
  const named = new Map()
  GROUPS.forEach((g) => (g.keys || []).forEach((k, i) => named.set(k, [g.id, i])))
  const out = GROUPS.map((g) => ({ id: g.id, fields: [] }))
  const byId = Object.fromEntries(out.map((g) => [g.id, g]))
  list.forEach((f, idx) => {
    if (f.key.startsWith('g1_')) byId.g1.fields.push({ f, o: idx })
    else if (f.key.startsWith('g2_')) byId.g2.fields.push({ f, o: idx })
    else if (named.has(f.key)) {
      const [gid, o] = named.get(f.key)
      byId[gid].fields.push({ f, o })
    } else byId.other.fields.push({ f, o: 1000 + idx })
  })
  out.forEach((g) => (g.fields = g.fields.sort((a, b) => a.o - b.o).map((x) => x.f)))
  return out.filter((g) => g.fields.length)
}

export function useRefData() {
  const { locale, t, te } = useI18n()
  const isZh = computed(() => String(locale.value).startsWith('zh'))
  const fieldMap = computed(() => Object.fromEntries(fields.value.map((f) => [f.key, f])))

  function codeList(set) {
    return (codes.value[set] || []).map((c) => ({ value: c.code, label: isZh.value ? c.zh : c.en || c.zh }))
  }
  function codeLabel(set, code) {
    if (code === null || code === undefined || code === '') return ''
    const c = (codes.value[set] || []).find((x) => String(x.code) === String(code))
    if (!c) return String(code)
    return isZh.value ? c.zh : c.en || c.zh
  }
  function fieldLabel(key) {
    const f = fieldMap.value[key]
    const k = 'field.' + key
    if (isZh.value) return (f && f.zh) || (te(k) ? t(k) : key)
    // English: the catalogue may name it, else fall back to the key.
    const g = /^g(\d)_(.+)$/.exec(key)
    if (g) {
      const sub = 'field.' + g[2]
      return t('member', { n: g[1], label: te(sub) ? t(sub) : g[2] })
    }
    return te(k) ? t(k) : key
  }
  /** Display text of a student's value for field @f. */
  function display(f, v) {
    if (v === null || v === undefined || v === '') return ''
    const numeric = f.type && f.type !== 'text'
    if (numeric && Number(v) < 0) return '' // -1: not given
    if (f.codeset) {
      const known = (codes.value[f.codeset] || []).some((x) => String(x.code) === String(v))
      if (!known && numeric && Number(v) === 0) return '' // 0: not given
      return codeLabel(f.codeset, v)
    }
    if (f.type === 'flag') {
      if (Number(v) === 1) return t('common.yes')
      if (Number(v) === 0) return t('common.no')
      return ''
    }
    if (numeric) return Number.isFinite(Number(v)) ? String(Number(v)) : String(v) // 2.6000000000000001 -> 2.6
    if (REGION_FIELDS.has(f.key)) {
      // a region code is shown by its name, the code beside it
      const name = regionName(String(v))
      if (name) return `${name}（${v}）`
    }
    return String(v)
  }
  return { codes, fields, fieldMap, loaded, codeList, codeLabel, fieldLabel, display, isZh, regionName }
}
