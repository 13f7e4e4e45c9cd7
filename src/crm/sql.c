/*
 * sql: read-only SQL over the CRM's tables, for kith sql, POST /api/sql
 * and the agent.
 *
 * The tables are the product's file format (DESIGN, principle 2), so plain
 * SQL is a fair way to ask questions of them; this is the one entry point
 * that runs SQL a person or a model wrote. The enforcement (one statement,
 * an authorizer, query_only, a time limit, a row cap) lives in
 * db_query_readonly, next to the connection it guards.
 */
#include "crm/crm_int.h"

_Static_assert(CRM_SQL_MAX_ROWS == DB_RO_MAX_ROWS &&
                   CRM_SQL_MAX_TIMEOUT_MS == DB_RO_MAX_TIMEOUT_MS,
               "crm.h and db.h agree on the limits of read-only SQL");

int crm_sql(struct crm *crm, const char *sql,
            const struct crm_sql_limits *limits, struct jv **out,
            struct kith_err *err)
{
    struct db_ro_limits lim = { 0 };
    *out = NULL;
    if (!sql)
        return kith_errf(err, KITH_EINVAL, "sql: no statement given");
    if (limits) {
        lim.timeout_ms = limits->timeout_ms;
        lim.max_rows = limits->max_rows;
    }
    return db_query_readonly(crm->db, sql, &lim, out, err);
}
