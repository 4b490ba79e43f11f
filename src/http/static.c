/* static.c -- files of the built UI.  Refuses any path with "..", serves
 * hashed assets with a long cache lifetime and index.html uncached.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "core/util.h"
#include "http/static.h"

static const char *
mime_of (const char *path)
{
  static const struct { const char *ext, *type; } types[] = {
    { ".html", "text/html; charset=utf-8" },
    { ".js", "text/javascript; charset=utf-8" },
    { ".mjs", "text/javascript; charset=utf-8" },
    { ".css", "text/css; charset=utf-8" },
    { ".json", "application/json" },
    { ".svg", "image/svg+xml" },
    { ".png", "image/png" },
    { ".ico", "image/x-icon" },
    { ".woff2", "font/woff2" },
    { ".woff", "font/woff" },
    { ".ttf", "font/ttf" },
    { ".txt", "text/plain; charset=utf-8" },
  };
  const char *dot = strrchr (path, '.');

  if (dot)
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
      if (0 == strcmp (dot, types[i].ext))
        return types[i].type;
  return "application/octet-stream";
}

static enum MHD_Result
reply_text (struct MHD_Connection *conn, unsigned status, const char *msg)
{
  struct MHD_Response *resp = MHD_create_response_from_buffer (
    strlen (msg), (void *) msg, MHD_RESPMEM_PERSISTENT);
  enum MHD_Result ret;

  MHD_add_response_header (resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                           "text/plain; charset=utf-8");
  ret = MHD_queue_response (conn, status, resp);
  MHD_destroy_response (resp);
  return ret;
}

enum MHD_Result
xj_static_serve (struct MHD_Connection *conn, const char *web_dir,
                 const char *url)
{
  char path[1024];
  struct stat st;
  int fd;
  struct MHD_Response *resp;
  enum MHD_Result ret;
  bool index = false;

  if (NULL == web_dir)
    return reply_text (conn, 404, "xueji: no web UI configured (--web DIR)\n");
  if (strstr (url, "..") || '/' != url[0])
    return reply_text (conn, 400, "bad path\n");
  if (0 == strcmp (url, "/") || ! xj_snprintf (path, sizeof path, "%s%s",
                                               web_dir, url)
      || 0 != stat (path, &st) || ! S_ISREG (st.st_mode))
    {
      /* SPA fallback */
      if (strncmp (url, "/assets/", 8) == 0)
        return reply_text (conn, 404, "not found\n");
      if (! xj_snprintf (path, sizeof path, "%s/index.html", web_dir)
          || 0 != stat (path, &st))
        return reply_text (conn, 404, "xueji: web UI not built (make web)\n");
      index = true;
    }
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return reply_text (conn, 404, "not found\n");
  resp = MHD_create_response_from_fd ((uint64_t) st.st_size, fd);
  if (NULL == resp)
    {
      close (fd);
      return reply_text (conn, 500, "error\n");
    }
  MHD_add_response_header (resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                           mime_of (path));
  MHD_add_response_header (resp, MHD_HTTP_HEADER_CACHE_CONTROL,
                           index ? "no-cache"
                                 : (strstr (url, "/assets/")
                                      ? "public, max-age=31536000, immutable"
                                      : "no-cache"));
  MHD_add_response_header (resp, "X-Content-Type-Options", "nosniff");
  MHD_add_response_header (
    resp, "Content-Security-Policy",
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' "
    "data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'");
  ret = MHD_queue_response (conn, MHD_HTTP_OK, resp);
  MHD_destroy_response (resp);
  return ret;
}
