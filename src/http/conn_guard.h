/* conn_guard.h -- absolute read deadlines per request (conn_guard.c).
 * server.c only: it passes xj_conn_guard_notify as
 * MHD_OPTION_NOTIFY_CONNECTION and marks the phases of each request.
 */
#ifndef XJ_HTTP_CONN_GUARD_H
#define XJ_HTTP_CONN_GUARD_H

#include <microhttpd.h>
#include <stdbool.h>

/* MHD_OPTION_NOTIFY_CONNECTION callback: track the connection. */
void xj_conn_guard_notify (void *cls, struct MHD_Connection *conn,
                           void **socket_context,
                           enum MHD_ConnectionNotificationCode code);
/* The request's headers are in; its body (if any) is being read. */
void xj_conn_guard_body (struct MHD_Connection *conn);
/* The request is read; its handler runs and the reply goes out. */
void xj_conn_guard_busy (struct MHD_Connection *conn);
/* The request is over; the next one's headers may start. */
void xj_conn_guard_idle (struct MHD_Connection *conn);
/* Start the sweeper: headers must arrive within @header_s seconds of the
   accept or the previous reply, a body within @body_s of its headers. */
bool xj_conn_guard_start (unsigned header_s, unsigned body_s);
void xj_conn_guard_stop (void);

#endif
