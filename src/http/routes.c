/* routes.c -- THE route table: method, path, handler, roles, body limit.
 * docs/api.md documents it; `xueji routes` prints it; the HTTP suite fails
 * when a route here is never exercised (tests/http/test_routes.py).
 */
#include "http/handlers.h"

#define KB 1024

const struct xj_route xj_routes[] = {
  { "POST", "/api/v1/session", xj_h_session_login, XJ_ROLES_ALL, 4 * KB,
    XJ_RF_PUBLIC | XJ_RF_NO_CSRF, "log in" },
  { "GET", "/api/v1/session", xj_h_session_get, XJ_ROLES_ALL, 0, 0,
    "current user and CSRF token" },
  { "DELETE", "/api/v1/session", xj_h_session_delete, XJ_ROLES_ALL, 0, 0,
    "log out" },
  { "GET", "/api/v1/regions", xj_h_regions, XJ_ROLES_ALL, 0, 0,
    "child regions of ?parent" },
  { "GET", "/api/v1/regions/{code}", xj_h_region_get, XJ_ROLES_ALL, 0, 0,
    "one region with its path" },
  { "GET", "/api/v1/codes", xj_h_codes, XJ_ROLES_ALL, 0, 0,
    "every code set" },
  { "GET", "/api/v1/fields", xj_h_fields, XJ_ROLES_ALL, 0, 0,
    "the student record's fields" },
  { "GET", "/api/v1/schools", xj_h_schools, XJ_ROLES_ALL, 0, 0,
    "schools in scope" },
  { "GET", "/api/v1/schools/{id}", xj_h_school_get, XJ_ROLES_ALL, 0, 0,
    "one school with grades and classes" },
  { "GET", "/api/v1/classes", xj_h_classes, XJ_ROLES_ALL, 0, 0,
    "classes in scope" },
  { "GET", "/api/v1/classes/{id}", xj_h_class_get, XJ_ROLES_ALL, 0, 0,
    "one class" },
  { "GET", "/api/v1/students", xj_h_students, XJ_ROLES_ALL, 0, 0,
    "students in scope (masked)" },
  { "POST", "/api/v1/students", xj_h_student_register, XJ_ROLES_WRITE,
    64 * KB, 0, "register a student" },
  { "GET", "/api/v1/students/{id}", xj_h_student_get, XJ_ROLES_ALL, 0, 0,
    "one student (masked)" },
  { "PATCH", "/api/v1/students/{id}", xj_h_student_patch, XJ_ROLES_WRITE,
    64 * KB, 0, "update non-key fields" },
  { "POST", "/api/v1/students/{id}/reveal", xj_h_student_reveal,
    XJ_ROLES_ALL, 4 * KB, 0, "unmasked record (audited)" },
  { "POST", "/api/v1/students/{id}/assign-id", xj_h_student_assign_id,
    XJ_ROLE_ADMIN | XJ_ROLE_BUREAU, 4 * KB, 0,
    "record a resident ID for an L-number holder (L to G)" },
  { "GET", "/api/v1/students/{id}/events", xj_h_student_events, XJ_ROLES_ALL,
    0, 0, "the record's timeline" },
  { "GET", "/api/v1/audit", xj_h_audit, XJ_ROLE_ADMIN, 0, 0,
    "audit log (administrators)" },
  { NULL, NULL, NULL, 0, 0, 0, NULL }
};
