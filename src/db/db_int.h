/*
 * db_int: what db.c and migrate.c share and nobody else sees.
 */
#ifndef KITH_DB_INT_H
#define KITH_DB_INT_H

#include "db/db.h"

/* Bring a database at schema version `from` up to db_schema_version(). */
int db_migrate(struct db *db, int from, struct kith_err *err);

#endif
