// idcard.js -- what an 18-digit resident ID number (GB 11643) says.

/** For ID type '1' and a well-formed 18-digit number (lower-case x
 *  accepted): { birth_date: 'YYYY-MM-DD', gender: '1' | '2' }; else null. */
export function idFacts(idType, idNo) {
  if (String(idType || '') !== '1') return null
  const n = String(idNo || '').trim().toUpperCase()
  if (!/^\d{17}[\dX]$/.test(n)) return null
  const y = +n.slice(6, 10)
  const m = +n.slice(10, 12)
  const d = +n.slice(12, 14)
  const dt = new Date(Date.UTC(y, m - 1, d))
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d) return null
  return {
    birth_date: `${n.slice(6, 10)}-${n.slice(10, 12)}-${n.slice(12, 14)}`,
    gender: +n[16] % 2 === 1 ? '1' : '2'
  }
}
