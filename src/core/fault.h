/* fault.h -- fault injection for tests (SQLite's discipline): fail the
 * Nth allocation, database write, fsync or commit, to prove that every
 * error path ends all-or-nothing and frees what it took.
 *
 * The points are compiled into every build and cost one relaxed atomic
 * load while disarmed.  They are armed only by a test (xj_fault_arm) or
 * by the environment variable XJ_FAULT="class:N" (alloc, write, fsync,
 * commit), which xj_fault_from_env reads once; see docs/internals/faults.md.
 *
 * What a fault does at each point:
 *   alloc   SQLite's allocator (src/db installs a counting wrapper)
 *           answers NULL: SQLITE_NOMEM flows up as XJ_E_DB.  The xj_
 *           wrappers count too and, by design, abort (util.h): tests run
 *           those in a child process.
 *   write   the database VFS's xWrite answers SQLITE_IOERR_WRITE.
 *   fsync   the database VFS's xSync answers SQLITE_IOERR_FSYNC.
 *   commit  xj_db_txn_run rolls back instead of COMMIT (XJ_E_DB).
 * Once fired, a class stays quiet (one fault per arming), as in SQLite's
 * "fail once" mode; xj_fault_fired tells whether it fired.
 */
#ifndef XJ_CORE_FAULT_H
#define XJ_CORE_FAULT_H

#include <stdbool.h>

enum xj_fault_class {
  XJ_FAULT_ALLOC,
  XJ_FAULT_WRITE,
  XJ_FAULT_FSYNC,
  XJ_FAULT_COMMIT,
  XJ_FAULT__COUNT
};

/* Fail the @n-th event of class @c from now on (1 = the next one);
   0 disarms and only counts.  Resets the class's count. */
void xj_fault_arm (enum xj_fault_class c, long n);
/* Disarm every class and reset the counts. */
void xj_fault_reset (void);
/* Count one event of class @c; true if this one must fail.  Called by
   the fault points only. */
bool xj_fault_hit (enum xj_fault_class c);
/* Events of class @c counted since the last arm/reset. */
long xj_fault_count (enum xj_fault_class c);
/* Did the armed fault of class @c fire? */
bool xj_fault_fired (enum xj_fault_class c);
/* Arm from XJ_FAULT="alloc:N" (also write, fsync, commit); false (and
   nothing armed) if set but not understood.  Absent: true. */
bool xj_fault_from_env (void);
/* The class's name ("alloc", ...). */
const char *xj_fault_name (enum xj_fault_class c);

#endif
