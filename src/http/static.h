/* static.h -- serve the built web UI (web/dist) with no external
 * resources.  Unknown paths fall back to index.html (the SPA routes).
 */
#ifndef XJ_HTTP_STATIC_H
#define XJ_HTTP_STATIC_H

#include <microhttpd.h>

enum MHD_Result xj_static_serve (struct MHD_Connection *conn,
                                 const char *web_dir, const char *url);

#endif
