/* consolidate.h -- `xueji migrate`: one county's registry copied into a
 * provincial database (docs/deploy-postgres.md "Consolidating
 * counties").  The source's audit chain is verified first; every row is
 * copied with new ids in one write transaction on the target; the
 * source's audit entries are appended to the target's chain (under the
 * target's key) keeping their time, actor, action and content, followed
 * by one entry for the consolidation itself; a consolidations row keyed
 * by the source's identity makes a second run copy nothing.
 */
#ifndef XJ_CONSOLIDATE_H
#define XJ_CONSOLIDATE_H

#include "audit/audit.h"
#include "db/db.h"

struct xj_cons_opts {
  const char *source_path;     /* as recorded and reported */
  bool skip_conflicts;         /* copy the rest when students conflict */
  const struct xj_actor *actor;
  /* each report line (conflicts, renamed users, settings, counts) */
  void (*line) (void *cls, const char *text);
  void *cls;
};

struct xj_cons_result {
  bool already;                /* consolidated before: nothing copied */
  char county[16];
  char source_id[65], source_head[65];
  int64_t entries;             /* source audit entries appended */
  int64_t students, skipped;   /* students copied / left out */
  int64_t conflicts;
  char at[32];                 /* when (of the earlier run if already) */
  struct xj_audit_report target; /* the target's chain after the copy */
  char detail[512];            /* why it failed */
};

enum xj_err xj_consolidate (struct xj_db *src, struct xj_db *dst,
                            const struct xj_cons_opts *o,
                            struct xj_cons_result *res);

#endif
