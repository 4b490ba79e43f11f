# bench/lib.sh -- shell helpers shared by the benchmark scripts (sourced).

# cp_db SRC DEST: copy a registry with the files that belong to it (the
# audit key, the audit checkpoints, the auth store), as a fresh
# installation would have them; `xueji serve` refuses a keyed registry
# whose key file is missing.
cp_db () {
  rm -rf "$2" "$2"-wal "$2"-shm "$2".auditkey "$2".checkpoints "$2"-auth
  cp "$1" "$2"
  for sfx in .auditkey .checkpoints -auth; do
    [ -e "$1$sfx" ] && cp -p "$1$sfx" "$2$sfx"
  done
  return 0
}
