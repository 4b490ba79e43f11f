/* db_fault.c -- SQLite's side of fault injection (core/fault.h): an
 * allocator wrapper (SQLITE_CONFIG_MALLOC) that counts allocations and
 * fails the armed one, and a VFS shim, registered as the default, whose
 * files count xWrite and xSync and fail the armed one with an I/O error.
 * Installed once before SQLite initialises (xj_db_fault_install, from
 * xj_db_open); while nothing is armed each call costs one atomic load.
 * Lives in src/db: the only code that includes sqlite3.h.
 */
#include <pthread.h>
#include <sqlite3.h>
#include <string.h>
#include "../core/fault.h"
#include "../core/util.h"
#include "db.h"

/* ---- allocator ---- */

static sqlite3_mem_methods real_mem;

static void *
f_malloc (int n)
{
  return xj_fault_hit (XJ_FAULT_ALLOC) ? NULL : real_mem.xMalloc (n);
}

static void *
f_realloc (void *p, int n)
{
  return xj_fault_hit (XJ_FAULT_ALLOC) ? NULL : real_mem.xRealloc (p, n);
}

static void
f_free (void *p)
{
  real_mem.xFree (p);
}

static int
f_size (void *p)
{
  return real_mem.xSize (p);
}

static int
f_roundup (int n)
{
  return real_mem.xRoundup (n);
}

static int
f_init (void *cls)
{
  return real_mem.xInit (cls);
}

static void
f_shutdown (void *cls)
{
  real_mem.xShutdown (cls);
}

/* ---- VFS shim: every file is ours, the real one follows it ---- */

struct ffile {
  sqlite3_file base;
  sqlite3_file *real;
};

static sqlite3_vfs *real_vfs;
static sqlite3_vfs fault_vfs;
static sqlite3_io_methods fault_io;

#define REAL(f) (((struct ffile *) (f))->real)

static int
f_close (sqlite3_file *f)
{
  return REAL (f)->pMethods->xClose (REAL (f));
}

static int
f_read (sqlite3_file *f, void *b, int n, sqlite3_int64 off)
{
  return REAL (f)->pMethods->xRead (REAL (f), b, n, off);
}

static int
f_write (sqlite3_file *f, const void *b, int n, sqlite3_int64 off)
{
  if (xj_fault_hit (XJ_FAULT_WRITE))
    return SQLITE_IOERR_WRITE;
  return REAL (f)->pMethods->xWrite (REAL (f), b, n, off);
}

static int
f_truncate (sqlite3_file *f, sqlite3_int64 size)
{
  return REAL (f)->pMethods->xTruncate (REAL (f), size);
}

static int
f_sync (sqlite3_file *f, int flags)
{
  if (xj_fault_hit (XJ_FAULT_FSYNC))
    return SQLITE_IOERR_FSYNC;
  return REAL (f)->pMethods->xSync (REAL (f), flags);
}

static int
f_file_size (sqlite3_file *f, sqlite3_int64 *size)
{
  return REAL (f)->pMethods->xFileSize (REAL (f), size);
}

static int
f_lock (sqlite3_file *f, int l)
{
  return REAL (f)->pMethods->xLock (REAL (f), l);
}

static int
f_unlock (sqlite3_file *f, int l)
{
  return REAL (f)->pMethods->xUnlock (REAL (f), l);
}

static int
f_check_reserved (sqlite3_file *f, int *out)
{
  return REAL (f)->pMethods->xCheckReservedLock (REAL (f), out);
}

static int
f_file_control (sqlite3_file *f, int op, void *arg)
{
  return REAL (f)->pMethods->xFileControl (REAL (f), op, arg);
}

static int
f_sector_size (sqlite3_file *f)
{
  return REAL (f)->pMethods->xSectorSize (REAL (f));
}

static int
f_device (sqlite3_file *f)
{
  return REAL (f)->pMethods->xDeviceCharacteristics (REAL (f));
}

static int
f_shm_map (sqlite3_file *f, int pg, int sz, int extend, void volatile **pp)
{
  return REAL (f)->pMethods->xShmMap (REAL (f), pg, sz, extend, pp);
}

static int
f_shm_lock (sqlite3_file *f, int off, int n, int flags)
{
  return REAL (f)->pMethods->xShmLock (REAL (f), off, n, flags);
}

static void
f_shm_barrier (sqlite3_file *f)
{
  REAL (f)->pMethods->xShmBarrier (REAL (f));
}

static int
f_shm_unmap (sqlite3_file *f, int del)
{
  return REAL (f)->pMethods->xShmUnmap (REAL (f), del);
}

static int
f_fetch (sqlite3_file *f, sqlite3_int64 off, int n, void **pp)
{
  return REAL (f)->pMethods->xFetch (REAL (f), off, n, pp);
}

static int
f_unfetch (sqlite3_file *f, sqlite3_int64 off, void *p)
{
  return REAL (f)->pMethods->xUnfetch (REAL (f), off, p);
}

static const sqlite3_io_methods fault_io_v3 = {
  3, f_close, f_read, f_write, f_truncate, f_sync, f_file_size, f_lock,
  f_unlock, f_check_reserved, f_file_control, f_sector_size, f_device,
  f_shm_map, f_shm_lock, f_shm_barrier, f_shm_unmap, f_fetch, f_unfetch
};

static int
f_open (sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *file,
        int flags, int *out_flags)
{
  struct ffile *f = (struct ffile *) file;
  int rc;

  (void) vfs;
  f->real = (sqlite3_file *) &f[1];
  rc = real_vfs->xOpen (real_vfs, name, f->real, flags, out_flags);
  /* the unix VFS's methods are version 3; an older file gets the same
     shim with the newer entries cut off */
  if (NULL == f->real->pMethods)
    f->base.pMethods = NULL;
  else
    {
      f->base.pMethods = &fault_io;
      if (0 == fault_io.iVersion)
        {
          fault_io = fault_io_v3;
          fault_io.iVersion = f->real->pMethods->iVersion < 3
                                ? f->real->pMethods->iVersion
                                : 3;
        }
    }
  return rc;
}

static void
install (void)
{
  static sqlite3_mem_methods mem = { f_malloc, f_free,     f_realloc, f_size,
                                     f_roundup, f_init, f_shutdown, NULL };

  if (SQLITE_OK != sqlite3_config (SQLITE_CONFIG_GETMALLOC, &real_mem)
      || SQLITE_OK != sqlite3_config (SQLITE_CONFIG_MALLOC, &mem))
    XJ_WARN ("fault injection: SQLite already initialised; allocations "
             "not counted");
  real_vfs = sqlite3_vfs_find (NULL);
  if (NULL == real_vfs)
    return;
  fault_vfs = *real_vfs;
  fault_vfs.zName = "xj-fault";
  fault_vfs.szOsFile = (int) sizeof (struct ffile) + real_vfs->szOsFile;
  fault_vfs.xOpen = &f_open;
  fault_vfs.pNext = NULL;
  sqlite3_vfs_register (&fault_vfs, 1);
}

void
xj_db_fault_install (void)
{
  static pthread_once_t once = PTHREAD_ONCE_INIT;

  pthread_once (&once, &install);
}
