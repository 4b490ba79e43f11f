// The class-size warning (班额) a registration, 调班, approval, 升学 or
// intake confirmation may carry: {class_name, size, band, band_label,
// standard} (src/klass/class_size.c xj_cs_warn_json).  One sentence for
// every page that shows it.
import { ElMessage } from 'element-plus'

export const BAND_TAG = { normal: 'success', large_ish: 'info', large: 'warning', super: 'danger' }

export function classSizeText(t, w) {
  return t('cs.warn', { klass: w.class_name, size: w.size, band: t('cs.band.' + w.band), std: w.standard })
}

export function warnClassSize(t, w) {
  if (w) ElMessage({ type: 'warning', message: classSizeText(t, w), duration: 8000, showClose: true })
}
