/*
 * migrate: the numbered schema migrations of kith's own tables.
 *
 * migrations[i] takes a database from version i to i + 1. Each runs in one
 * transaction together with the PRAGMA user_version that records it, so a
 * crash leaves the database at the old version or the new one, never
 * between. Objects' own tables (people, deals, ...) are not created here:
 * they are data, made by crm/ through the same schema operations a user has.
 * Never edit a released migration; add the next one.
 */
#include "db/db.h"

#include <stdio.h>

#include "db/db_int.h"

static const char *const migrations[] = {
    /* 0 -> 1: metadata and the change log */
    "CREATE TABLE kith_objects ("
    "  id INTEGER PRIMARY KEY,"
    "  slug TEXT NOT NULL UNIQUE,"
    "  name TEXT NOT NULL,"
    "  label_field TEXT NOT NULL,"
    "  created_at TEXT NOT NULL"
    ");"
    "CREATE TABLE kith_fields ("
    "  id INTEGER PRIMARY KEY,"
    "  object_id INTEGER NOT NULL REFERENCES kith_objects(id)"
    "    ON DELETE CASCADE,"
    "  slug TEXT NOT NULL,"
    "  name TEXT NOT NULL,"
    "  type TEXT NOT NULL,"
    "  options TEXT," /* JSON array, for select and multi_select */
    "  target_id INTEGER REFERENCES kith_objects(id)," /* relation */
    "  position INTEGER NOT NULL,"
    "  created_at TEXT NOT NULL,"
    "  UNIQUE (object_id, slug)"
    ");"
    "CREATE TABLE kith_changes ("
    "  id INTEGER PRIMARY KEY,"
    "  at TEXT NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  object TEXT NOT NULL,"
    "  entry_id INTEGER NOT NULL,"
    "  op TEXT NOT NULL CHECK (op IN ('create', 'update', 'delete')),"
    "  before TEXT,"
    "  after TEXT,"
    "  group_id INTEGER NOT NULL"
    ");"
    "CREATE INDEX kith_changes_entry ON kith_changes (object, entry_id);"
    "CREATE INDEX kith_changes_group ON kith_changes (group_id);",

    /* 1 -> 2: saved views, entry documents and the full-text index */
    "CREATE TABLE kith_views ("
    "  id INTEGER PRIMARY KEY,"
    "  object TEXT NOT NULL," /* object slug */
    "  name TEXT NOT NULL,"
    "  kind TEXT NOT NULL DEFAULT 'table'"
    "    CHECK (kind IN ('table', 'kanban', 'calendar')),"
    "  \"where\" TEXT," /* filter expression */
    "  sort TEXT,"
    "  columns TEXT," /* JSON array of field slugs, in order */
    "  group_by TEXT," /* field slug for kanban and calendar */
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL,"
    "  UNIQUE (object, name)"
    ");"
    "CREATE TABLE kith_documents ("
    "  object TEXT NOT NULL,"
    "  entry_id INTEGER NOT NULL,"
    "  markdown TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL,"
    "  PRIMARY KEY (object, entry_id)"
    ") WITHOUT ROWID;"
    /* rowid = object id << 40 | entry id, so a write finds its row at once */
    "CREATE VIRTUAL TABLE kith_search USING fts5("
    "  label, body, tokenize = 'unicode61 remove_diacritics 2',"
    "  prefix = '2 3');",

    /* 2 -> 3: reports (the dashboard's panels: a read-only query + chart) */
    "CREATE TABLE kith_reports ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
    "  sql TEXT NOT NULL,"
    "  chart TEXT NOT NULL DEFAULT 'table'"
    "    CHECK (chart IN ('bar', 'line', 'donut', 'table', 'number')),"
    "  position INTEGER NOT NULL,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL"
    ");",

    /* 3 -> 4: the agent's conversations, their messages and turns */
    "CREATE TABLE kith_conversations ("
    "  id INTEGER PRIMARY KEY,"
    "  title TEXT NOT NULL,"
    "  model TEXT," /* provider/model of the last turn */
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL"
    ");"
    "CREATE INDEX kith_conversations_updated"
    "  ON kith_conversations (updated_at);"
    "CREATE TABLE kith_turns ("
    "  id INTEGER PRIMARY KEY,"
    "  conversation_id INTEGER NOT NULL"
    "    REFERENCES kith_conversations(id) ON DELETE CASCADE,"
    "  n INTEGER NOT NULL," /* 1, 2, ... within the conversation */
    "  started_at TEXT NOT NULL,"
    /* kith_changes ids of agent:<conversation> written in this turn */
    "  first_change INTEGER NOT NULL,"
    "  last_change INTEGER NOT NULL,"
    "  UNIQUE (conversation_id, n)"
    ");"
    "CREATE TABLE kith_messages ("
    "  id INTEGER PRIMARY KEY,"
    "  conversation_id INTEGER NOT NULL"
    "    REFERENCES kith_conversations(id) ON DELETE CASCADE,"
    "  turn INTEGER NOT NULL," /* the turn's n */
    "  role TEXT NOT NULL CHECK (role IN ('user', 'assistant', 'tool')),"
    "  message TEXT NOT NULL," /* the neutral message JSON of llm.h */
    "  at TEXT NOT NULL"
    ");"
    "CREATE INDEX kith_messages_conversation"
    "  ON kith_messages (conversation_id, id);",
};

#define NMIGRATIONS (int)(sizeof(migrations) / sizeof(*migrations))

int db_schema_version(void)
{
    return NMIGRATIONS;
}

int db_migrate(struct db *db, int from, struct kith_err *err)
{
    for (int v = from; v < NMIGRATIONS; v++) {
        int ret = db_tx_begin(db, err);
        if (ret < 0)
            return ret;
        char pragma[64];
        snprintf(pragma, sizeof(pragma), "PRAGMA user_version=%d", v + 1);
        if ((ret = db_exec(db, migrations[v], err)) < 0 ||
            (ret = db_exec(db, pragma, err)) < 0 ||
            (ret = db_tx_commit(db, err)) < 0) {
            db_tx_rollback(db);
            char why[KITH_ERR_MAX];
            snprintf(why, sizeof(why), "%s", err ? err->msg : "failed");
            return kith_errf(err, ret, "migration to schema version %d: %s",
                             v + 1, why);
        }
    }
    return KITH_OK;
}
