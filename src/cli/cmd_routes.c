/* cmd_routes.c -- `xueji routes`: print THE route table. */
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"
#include "http/req.h"

int
xj_cmd_routes (int argc, char **argv, const struct xj_cli *g)
{
  (void) argc;
  (void) argv;
  (void) g;
  for (const struct xj_route *r = xj_routes; r->method; r++)
    {
      char roles[64] = "";

      for (unsigned bit = 1; bit <= XJ_ROLE_TEACHER; bit <<= 1)
        if (r->roles & bit)
          xj_snprintf (roles + strlen (roles), sizeof roles - strlen (roles),
                       "%s%s", roles[0] ? "," : "",
                       xj_role_name ((enum xj_role) bit));
      printf ("%-6s %-36s %-32s %6zu  %s%s\n", r->method, r->path,
              (r->flags & XJ_RF_PUBLIC) ? "public" : roles, r->body_max,
              r->summary, (r->flags & XJ_RF_REPLICA) ? " [standby]" : "");
    }
  return 0;
}
