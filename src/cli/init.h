/* init.h -- database creation shared by `init` and `demo`. */
#ifndef XJ_CLI_INIT_H
#define XJ_CLI_INIT_H

#include <stdbool.h>
#include "core/err.h"

/* Create the database at @path with regions and the admin user.  When
   @admin_password is NULL or empty a random one is written to @pw_out and
   *generated set.  On failure nothing is left at @path. */
enum xj_err xj_init_db (const char *path, const char *admin_password,
                        bool *generated, char pw_out[32]);

#endif
