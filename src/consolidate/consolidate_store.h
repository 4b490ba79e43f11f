/* consolidate_store.h -- the SQL of `xueji migrate` (consolidate.c):
 * reading a county registry and writing its rows into the target with
 * new ids.  docs/deploy-postgres.md "Consolidating counties".
 */
#ifndef XJ_CONSOLIDATE_STORE_H
#define XJ_CONSOLIDATE_STORE_H

#include "db/db.h"

/* The entities whose ids are remapped (the target has its own identity
   sequences).  A row naming an id the copy has not mapped (a student
   left out by --skip-conflicts, or what it points to) is left out too. */
enum xj_cons_map {
  XJ_CM_NONE = 0, XJ_CM_SCHOOL, XJ_CM_YEAR, XJ_CM_USER, XJ_CM_CLASS,
  XJ_CM_STUDENT, XJ_CM_CHANGE, XJ_CM_STEP, XJ_CM_RUN, XJ_CM_ALLOC,
  XJ_CM_DROPOUT, XJ_CM_CONFIRM, XJ_CM_FLAG, XJ_CM__N
};

/* Old id -> new id, one array per entity indexed by the source id
   (ids are dense from 1); 0 = not mapped. */
struct xj_cons_maps {
  int64_t *v[XJ_CM__N];
  size_t n[XJ_CM__N];
};
enum xj_err xj_cons_map_set (struct xj_cons_maps *m, enum xj_cons_map k,
                             int64_t from, int64_t to);
int64_t xj_cons_map_get (const struct xj_cons_maps *m, enum xj_cons_map k,
                         int64_t from);
void xj_cons_maps_free (struct xj_cons_maps *m);

/* The per-row hook of a table: may change the row's parameters (users:
   renamed, administrators made county bureau users) or leave the row
   out (students in conflict).  Returns XJ_E_OK, XJ_E_NOT_FOUND = leave
   the row out, or an error that stops the copy. */
struct xj_cons_copy;
typedef enum xj_err (*xj_cons_fix) (struct xj_cons_copy *c,
                                    int64_t src_id,
                                    struct xj_db_param *p);

/* What one run knows: connections, maps, the county, counts. */
struct xj_cons_copy {
  struct xj_db *src, *dst;
  struct xj_cons_maps maps;
  char county[16];
  const int64_t *skip;   /* source student ids left out, sorted */
  size_t nskip;
  /* per-table counts of the last xj_cons_copy_table */
  int64_t copied, left_out, reused;
  char detail[512];      /* what failed */
  char username[160];    /* a renamed user's new name (xj_cons_fix_user) */
  /* users renamed or demoted, printed by the caller */
  void (*note) (void *cls, const char *line);
  void *note_cls;
};

/* The hooks of users and students (consolidate.c). */
enum xj_err xj_cons_fix_user (struct xj_cons_copy *c, int64_t src_id,
                              struct xj_db_param *p);
enum xj_err xj_cons_fix_student (struct xj_cons_copy *c, int64_t src_id,
                                 struct xj_db_param *p);
/* Whether the target has the region @code / the user name @username. */
enum xj_err xj_cons_region_exists (struct xj_db *dst, const char *code,
                                   bool *yes);
enum xj_err xj_cons_user_exists (struct xj_db *dst, const char *username,
                                 bool *yes);

/* Copy table number @i of the copy order (xj_cons_table_name (i) names
   it; NULL past the last). */
const char *xj_cons_table_name (size_t i);
enum xj_err xj_cons_copy_table (struct xj_cons_copy *c, size_t i);

/* ---- the source ---- */
/* The source's identity (hash of its first audit entry), its head hash
   and entry count; XJ_E_NOT_FOUND when it has no audit log. */
enum xj_err xj_cons_src_identity (struct xj_db *src, char id[65],
                                  char head[65], int64_t *entries);
/* The county codes of the source's schools, one call of @cb each. */
enum xj_err xj_cons_src_counties (struct xj_db *src,
                                  void (*cb) (void *cls, const char *code),
                                  void *cls);

/* One student of the source already in the target. */
struct xj_cons_conflict {
  int64_t src_id;
  const char *name, *id_no, *registry_no;
  const char *src_school_code, *src_school_name;
  const char *dst_school_code, *dst_school_name, *dst_county;
};
/* Every source student whose registry number, former registry number
   or ID number (with its type) is already in the target: @cb once per
   number found (a student may come twice). */
enum xj_err xj_cons_conflicts (struct xj_db *src, struct xj_db *dst,
                               void (*cb) (void *cls,
                                           const struct xj_cons_conflict *),
                               void *cls);

/* Each source setting whose value the target has differently (or not):
   @cb (key, source value, target value or NULL). */
enum xj_err xj_cons_settings_diff (struct xj_db *src, struct xj_db *dst,
                                   void (*cb) (void *cls, const char *key,
                                               const char *sv,
                                               const char *dv),
                                   void *cls);

/* Each source audit entry, oldest first. */
struct xj_cons_audit_row {
  const char *at, *username, *ip, *action, *entity, *entity_id, *before,
    *after;
  int64_t user_id;
};
enum xj_err xj_cons_audit_each (struct xj_db *src,
                                enum xj_err (*cb) (void *cls,
                                                   const struct
                                                   xj_cons_audit_row *),
                                void *cls);

/* ---- the consolidations table ---- */
struct xj_cons_record {
  char source_id[65], county[16], source_path[1024], source_head[65];
  int64_t entries, students, skipped;
  char at[32], actor[64];
};
/* XJ_E_NOT_FOUND when @source_id was never consolidated into @dst. */
enum xj_err xj_cons_record_get (struct xj_db *dst, const char *source_id,
                                struct xj_cons_record *out);
enum xj_err xj_cons_record_put (struct xj_db *dst,
                                const struct xj_cons_record *r);

#endif
