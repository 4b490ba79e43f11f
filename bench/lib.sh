# lib.sh -- sourced by the bench scripts (after `cd` to the top of the
# tree): the xueji binary, the administrator's password, and the steps
# every script needs.  A registry is more than its file: a keyed one
# refuses to start without <db>.auditkey (docs/internals/audit.md), so
# copy and move databases with cp_db / mv_db, never with plain cp or mv.

XJ=${XUEJI_BIN:-build/xueji}
BENCH_ADMIN_PW=bench-chief-pass-2026   # passes the password rules

# need FILE...: each must be executable, else say which and stop.
need () {
  for f in "$@"; do
    [ -x "$f" ] || { echo "$0: $f missing (make build; make -C bench)" >&2
                     exit 1; }
  done
}

# rm_db DB: the database and every file beside it that belongs to it.
rm_db () {
  rm -f "$1" "$1-wal" "$1-shm" "$1.auditkey" "$1.checkpoints" \
    "$1-auth" "$1-auth-wal" "$1-auth-shm"
}

# cp_db SRC DEST: copy a registry that is not being served with the files
# that belong to it, as a fresh installation would have them: the file,
# its WAL if not folded in, the audit key (mode kept: 0600), the audit
# checkpoints and the auth store; `xueji serve` refuses a keyed registry
# whose key file is missing.  DEST's old files go first.
cp_db () {
  rm_db "$2"
  for s in "" -wal .auditkey .checkpoints -auth -auth-wal; do
    if [ -e "$1$s" ]; then cp -p "$1$s" "$2$s"; fi
  done
}

# mv_db SRC DEST: cp_db, then SRC's files removed.
mv_db () {
  cp_db "$1" "$2" && rm_db "$1"
}

# make_registry DB SCHOOLS STUDENTS [gen option...]: a new registry (the
# old files at DB removed) with an administrator (BENCH_ADMIN_PW) and
# STUDENTS generated students in SCHOOLS schools of county 441823.
make_registry () {
  db=$1 schools=$2 students=$3
  shift 3
  rm_db "$db"
  XUEJI_ADMIN_PASSWORD=$BENCH_ADMIN_PW "$XJ" --db "$db" init >/dev/null 2>&1
  "$XJ" --db "$db" gen --county 441823 --schools "$schools" \
    --students "$students" "$@"
}

# import_csv N SCHOOLS: the path of the import benchmarks' CSV of N
# students in SCHOOLS schools of county 441823, made once by xueji gen
# in a scratch registry and exported in the import format, then cached
# in bench/out/import/ (import_bench.sh and import_pg_bench.sh read the
# same file).
import_csv () {
  csv=bench/out/import/students-$1.csv
  if [ ! -s "$csv" ]; then
    mkdir -p bench/out/import
    make_registry bench/out/import/src.db "$2" "$1" >/dev/null 2>&1
    "$XJ" --db bench/out/import/src.db export students --out "$csv.part.csv" \
      >/dev/null
    mv "$csv.part.csv" "$csv"
    rm_db bench/out/import/src.db
  fi
  echo "$csv"
}

# bench_db DB STUDENTS: the registry run.sh and dup_scan.sh measure,
# cached at DB: STUDENTS students in 200 schools (seed 1), the bureau
# user `bench` (password BENCH_PW), the WAL folded in so every server
# starts from the same plain file.  Built once (a few minutes at
# 1,000,000), then reused.
BENCH_PW=county-pass-2026
bench_db () {
  if [ -f "$1" ] && [ -f "$1.auditkey" ]; then
    echo "$0: reusing $1 ($(tail -1 "$1.gen.log" 2>/dev/null))"
    return 0
  fi
  echo "$0: creating $1 ($2 students; cached afterwards)"
  t0=$(date +%s)
  make_registry "$1.tmp" 200 "$2" --seed 1 2>"$1.gen.err" | tee "$1.gen.log"
  echo "gen wall time: $(( $(date +%s) - t0 )) s on $(nproc) cores, $(date +%F)" \
    | tee -a "$1.gen.log"
  XUEJI_PASSWORD=$BENCH_PW "$XJ" --db "$1.tmp" user add bench --role bureau \
    --region 441823 >/dev/null
  sqlite3 "$1.tmp" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
  mv_db "$1.tmp" "$1"
}

# bench_serve DB LOG: `xueji serve` on DB at a free loopback port, its
# output in LOG; sets PORT and SPID, stops the server on exit, and
# returns once it answers (opening applies new migrations first).
bench_serve () {
  PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$XJ" --db "$1" serve --listen "127.0.0.1:$PORT" >"$2" 2>&1 &
  SPID=$!
  trap 'kill $SPID 2>/dev/null || true; wait $SPID 2>/dev/null || true' EXIT INT TERM
  until curl -s -o /dev/null "http://127.0.0.1:$PORT/api/v1/session"; do
    kill -0 $SPID 2>/dev/null || { echo "$0: server died (see $2)" >&2; exit 1; }
    sleep 0.2
  done
}

# job_bench_start NAME STUDENTS: what a benchmark of a background job
# (dup_scan.sh, ghost_sweep.sh) starts from: the cached registry of
# bench_db with STUDENTS students (bench/out/bench.db at 1,000,000, else
# bench/out/bench-STUDENTS.db), copied (cp_db) to bench/out/NAME.db so
# that what the job writes never reaches the cache, and a server on the
# copy (bench_serve, its log in bench/out/NAME-server.log).  Sets OUT,
# COPY, PORT and SPID.  The registrations timed while the job runs are
# bench/jobwrites.py's (writes_during).
job_bench_start () {
  OUT=bench/out
  db=$OUT/bench.db
  [ "$2" = 1000000 ] || db=$OUT/bench-$2.db
  COPY=$OUT/$1.db
  mkdir -p "$OUT"
  need "$XJ" /usr/bin/sqlite3 /usr/bin/curl
  bench_db "$db" "$2"
  cp_db "$db" "$COPY"
  bench_serve "$COPY" "$OUT/$1-server.log"
}

# pg_cpu: CPU seconds the finished backends of the cluster whose
# postmaster is $PM used so far (the postmaster's reaped children).
pg_cpu () {
  awk -v t="$(getconf CLK_TCK)" '{ printf "%.2f\n", ($16 + $17) / t }' \
    "/proc/$PM/stat"
}

# settle DBNAME: wait until the backends of database DBNAME (of the
# cluster whose postmaster is $PM) have ended and been reaped: a
# backend's CPU reaches pg_cpu only then, and reading it as soon as the
# client exited missed some (a baseline of 0.8 s one run, 3.0 s the next).
settle () {
  while ps -o stat=,args= --ppid "$PM" | grep -q -e '^Z' -e " $1 "; do
    sleep 0.05
  done
}
