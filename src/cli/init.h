/* init.h -- database creation shared by `init` and `demo`. */
#ifndef XJ_CLI_INIT_H
#define XJ_CLI_INIT_H

#include <stdbool.h>
#include "core/err.h"

/* Where the audit key and checkpoints go (NULL: beside the database). */
struct xj_init_files {
  const char *key_file;
  const char *checkpoint_file;
};

/* Create the database at @path with regions, the audit key (a new file,
   0600), the admin user and the first checkpoint.  @files may be NULL.
   When @admin_password is NULL or empty a random one is written to
   @pw_out and *generated set.  On failure nothing is left at @path, nor a
   key or checkpoint file it created. */
enum xj_err xj_init_db (const char *path, const struct xj_init_files *files,
                        const char *admin_password, bool *generated,
                        char pw_out[32]);

#endif
