/*
 * conversation: the agent's conversations, their messages and turns, as
 * stored in the workspace (kith_conversations, kith_messages, kith_turns),
 * and the undo of a whole turn.
 *
 * A message is stored as the neutral JSON of llm.h, so a conversation is
 * resumed by reading its messages back in id order. A turn records the
 * range of kith_changes ids it wrote as agent:<conversation>: from the
 * change after the newest one when it started to the newest one its tools
 * made. Undoing the turn reverts exactly those (by actor and range, so a
 * user's writes in between are left alone), newest first, in one group.
 */
#include "agent/agent_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "db/db.h"

/* "agent:<conversation>" into out. */
static void conv_actor(int64_t conversation, char *out, size_t n)
{
    snprintf(out, n, "agent:%lld", (long long)conversation);
}

/* The column text of st, or "" for NULL, as a JSON string. */
static struct jv *col_str(struct db_stmt *st, int i)
{
    const char *s = db_col_text(st, i);
    return s ? jv_stringn(s, db_col_bytes(st, i)) : jv_null();
}

/* ---- what agent.c stores as a turn goes ---- */

/* The title of a conversation: message's first line, cut at a UTF-8
   boundary within AGENT_TITLE_MAX bytes. */
static void make_title(const char *message, struct buf *out)
{
    size_t n = strcspn(message, "\r\n");
    while (n && (message[n - 1] == ' ' || message[n - 1] == '\t'))
        n--;
    if (n > AGENT_TITLE_MAX) {
        n = agent_utf8_prefix(message, n, AGENT_TITLE_MAX - 3);
        buf_append(out, message, n);
        buf_appends(out, "...");
        return;
    }
    buf_append(out, message, n);
}

int agent_conv_create(struct crm *crm, const char *message, const char *model,
                      int64_t *id, struct kith_err *err)
{
    struct db *db = crm_db(crm);
    struct db_stmt *st;
    struct buf title = BUF_INIT;
    char now[CLOCK_ISO_LEN];
    clock_now_iso(now);
    make_title(message, &title);
    int ret = db_cached(db,
                        "INSERT INTO kith_conversations (title, model, "
                        "created_at, updated_at) VALUES (?1, ?2, ?3, ?3)",
                        &st, err);
    if (ret == KITH_OK) {
        db_bind_str(st, 1, title.buf);
        db_bind_str(st, 2, model);
        db_bind_str(st, 3, now);
        ret = db_step(st, err);
        db_reset(st);
        *id = db_last_id(db);
    }
    buf_release(&title);
    return ret < 0 ? ret : KITH_OK;
}

/* KITH_ENOTFOUND unless conversation id exists. */
static int conv_exists(struct db *db, int64_t id, struct kith_err *err)
{
    struct db_stmt *st;
    int ret = db_cached(db, "SELECT 1 FROM kith_conversations WHERE id = ?1",
                        &st, err);
    if (ret < 0)
        return ret;
    db_bind_int(st, 1, id);
    ret = db_step(st, err);
    db_reset(st);
    if (ret == DB_DONE)
        return kith_errf(err, KITH_ENOTFOUND,
                         "there is no conversation #%lld", (long long)id);
    return ret < 0 ? ret : KITH_OK;
}

int agent_conv_messages(struct crm *crm, int64_t id, struct jv **out,
                        struct kith_err *err)
{
    struct db *db = crm_db(crm);
    struct db_stmt *st;
    *out = NULL;
    int ret = conv_exists(db, id, err);
    if (ret < 0 ||
        (ret = db_cached(db,
                         "SELECT message FROM kith_messages WHERE "
                         "conversation_id = ?1 ORDER BY id",
                         &st, err)) < 0)
        return ret;
    db_bind_int(st, 1, id);
    struct jv *arr = jv_array();
    while ((ret = db_step(st, err)) == DB_ROW) {
        struct jv *m = jv_parse(db_col_text(st, 0), db_col_bytes(st, 0),
                                NULL);
        if (m)
            jv_push_take(arr, m);
    }
    db_reset(st);
    if (ret < 0) {
        jv_free(arr);
        return ret;
    }
    *out = arr;
    return KITH_OK;
}

/* One integer from sql with ?1 = param (0 when no row). */
static int query_int(struct db *db, const char *sql, int64_t param,
                     int64_t *out, struct kith_err *err)
{
    struct db_stmt *st;
    int ret = db_cached(db, sql, &st, err);
    if (ret < 0)
        return ret;
    db_bind_int(st, 1, param);
    ret = db_step(st, err);
    *out = ret == DB_ROW ? db_col_int(st, 0) : 0;
    db_reset(st);
    return ret < 0 ? ret : KITH_OK;
}

int agent_conv_turn_start(struct crm *crm, int64_t conversation,
                          const char *model, int64_t *turn_id, int64_t *n,
                          struct kith_err *err)
{
    struct db *db = crm_db(crm);
    struct db_stmt *st;
    int64_t next_change;
    char now[CLOCK_ISO_LEN];
    clock_now_iso(now);
    int ret = db_tx_begin(db, err);
    if (ret < 0)
        return ret;
    if ((ret = query_int(db,
                         "SELECT ifnull(max(n), 0) + 1 FROM kith_turns "
                         "WHERE conversation_id = ?1",
                         conversation, n, err)) < 0 ||
        (ret = query_int(db,
                         "SELECT ifnull(max(id), 0) + 1 FROM kith_changes "
                         "WHERE ?1 = ?1",
                         0, &next_change, err)) < 0 ||
        (ret = db_cached(db,
                         "INSERT INTO kith_turns (conversation_id, n, "
                         "started_at, first_change, last_change) VALUES "
                         "(?1, ?2, ?3, ?4, ?4 - 1)",
                         &st, err)) < 0)
        goto fail;
    db_bind_int(st, 1, conversation);
    db_bind_int(st, 2, *n);
    db_bind_str(st, 3, now);
    db_bind_int(st, 4, next_change);
    ret = db_step(st, err);
    db_reset(st);
    *turn_id = db_last_id(db);
    if (ret < 0 ||
        (ret = db_cached(db,
                         "UPDATE kith_conversations SET updated_at = ?2, "
                         "model = ifnull(?3, model) WHERE id = ?1",
                         &st, err)) < 0)
        goto fail;
    db_bind_int(st, 1, conversation);
    db_bind_str(st, 2, now);
    db_bind_str(st, 3, model);
    ret = db_step(st, err);
    db_reset(st);
    if (ret < 0 || (ret = db_tx_commit(db, err)) < 0)
        goto fail;
    return KITH_OK;
fail:
    db_tx_rollback(db);
    return ret;
}

int agent_conv_store(struct crm *crm, int64_t conversation, int64_t n,
                     const struct jv *message, struct kith_err *err)
{
    struct db *db = crm_db(crm);
    struct db_stmt *st;
    struct buf text = BUF_INIT;
    char now[CLOCK_ISO_LEN];
    clock_now_iso(now);
    jv_write(&text, message);
    int ret = db_cached(db,
                        "INSERT INTO kith_messages (conversation_id, turn, "
                        "role, message, at) VALUES (?1, ?2, ?3, ?4, ?5)",
                        &st, err);
    if (ret == KITH_OK) {
        db_bind_int(st, 1, conversation);
        db_bind_int(st, 2, n);
        db_bind_str(st, 3, jv_str(jv_get(message, "role")));
        db_bind_text(st, 4, text.buf, text.len);
        db_bind_str(st, 5, now);
        ret = db_step(st, err);
        db_reset(st);
    }
    buf_release(&text);
    return ret < 0 ? ret : KITH_OK;
}

int agent_conv_turn_mark(struct crm *crm, int64_t turn_id, const char *actor,
                         struct kith_err *err)
{
    struct db_stmt *st;
    int ret = db_cached(crm_db(crm),
                        "UPDATE kith_turns SET last_change = max(last_change, "
                        "ifnull((SELECT max(id) FROM kith_changes WHERE "
                        "actor = ?2), 0)) WHERE id = ?1",
                        &st, err);
    if (ret < 0)
        return ret;
    db_bind_int(st, 1, turn_id);
    db_bind_str(st, 2, actor);
    ret = db_step(st, err);
    db_reset(st);
    return ret < 0 ? ret : KITH_OK;
}

/* ---- reading conversations ---- */

int agent_conversation_list(struct crm *crm, int64_t limit, struct jv **out,
                            struct kith_err *err)
{
    struct db_stmt *st;
    *out = NULL;
    int ret = db_cached(crm_db(crm),
                        "SELECT c.id, c.title, c.model, c.created_at, "
                        "c.updated_at, (SELECT count(*) FROM kith_turns t "
                        "WHERE t.conversation_id = c.id) "
                        "FROM kith_conversations c "
                        "ORDER BY c.updated_at DESC, c.id DESC LIMIT ?1",
                        &st, err);
    if (ret < 0)
        return ret;
    db_bind_int(st, 1, limit > 0 ? limit : 50);
    struct jv *arr = jv_array();
    while ((ret = db_step(st, err)) == DB_ROW) {
        struct jv *c = jv_object();
        jv_set_take(c, "id", jv_integer(db_col_int(st, 0)));
        jv_set_take(c, "title", col_str(st, 1));
        jv_set_take(c, "model", col_str(st, 2));
        jv_set_take(c, "created_at", col_str(st, 3));
        jv_set_take(c, "updated_at", col_str(st, 4));
        jv_set_take(c, "turns", jv_integer(db_col_int(st, 5)));
        jv_push_take(arr, c);
    }
    db_reset(st);
    if (ret < 0) {
        jv_free(arr);
        return ret;
    }
    *out = arr;
    return KITH_OK;
}

/* conv["messages"]: each stored message with "turn" first, then "at". */
static int get_messages(struct db *db, int64_t id, struct jv *conv,
                        struct kith_err *err)
{
    struct db_stmt *st;
    int ret = db_cached(db,
                        "SELECT turn, message, at FROM kith_messages WHERE "
                        "conversation_id = ?1 ORDER BY id",
                        &st, err);
    if (ret < 0)
        return ret;
    db_bind_int(st, 1, id);
    struct jv *arr = jv_array();
    while ((ret = db_step(st, err)) == DB_ROW) {
        struct jv *m = jv_parse(db_col_text(st, 1), db_col_bytes(st, 1),
                                NULL);
        struct jv *o = jv_object();
        jv_set_take(o, "turn", jv_integer(db_col_int(st, 0)));
        void *it = NULL;
        struct jv *val;
        const char *key;
        while (m && (key = jv_next(m, &it, &val)))
            jv_set_take(o, key, jv_ref(val));
        jv_set_take(o, "at", col_str(st, 2));
        jv_free(m);
        jv_push_take(arr, o);
    }
    db_reset(st);
    jv_set_take(conv, "messages", arr);
    return ret < 0 ? ret : KITH_OK;
}

/* conv["turns"]: {"id", "n", "started_at", "changes"} in order. */
static int get_turns(struct db *db, int64_t id, struct jv *conv,
                     struct kith_err *err)
{
    struct db_stmt *st;
    char actor[48];
    conv_actor(id, actor, sizeof(actor));
    int ret = db_cached(db,
                        "SELECT t.id, t.n, t.started_at, (SELECT count(*) "
                        "FROM kith_changes c WHERE c.actor = ?2 AND c.id "
                        "BETWEEN t.first_change AND t.last_change) "
                        "FROM kith_turns t WHERE t.conversation_id = ?1 "
                        "ORDER BY t.n",
                        &st, err);
    if (ret < 0)
        return ret;
    db_bind_int(st, 1, id);
    db_bind_str(st, 2, actor);
    struct jv *arr = jv_array();
    while ((ret = db_step(st, err)) == DB_ROW) {
        struct jv *t = jv_object();
        jv_set_take(t, "id", jv_integer(db_col_int(st, 0)));
        jv_set_take(t, "n", jv_integer(db_col_int(st, 1)));
        jv_set_take(t, "started_at", col_str(st, 2));
        jv_set_take(t, "changes", jv_integer(db_col_int(st, 3)));
        jv_push_take(arr, t);
    }
    db_reset(st);
    jv_set_take(conv, "turns", arr);
    return ret < 0 ? ret : KITH_OK;
}

int agent_conversation_get(struct crm *crm, int64_t id, struct jv **out,
                           struct kith_err *err)
{
    struct db *db = crm_db(crm);
    struct db_stmt *st;
    struct jv *conv = NULL;
    *out = NULL;
    int ret = db_cached(db,
                        "SELECT id, title, model, created_at, updated_at "
                        "FROM kith_conversations WHERE id = ?1",
                        &st, err);
    if (ret < 0)
        return ret;
    db_bind_int(st, 1, id);
    ret = db_step(st, err);
    if (ret == DB_ROW) {
        conv = jv_object();
        jv_set_take(conv, "id", jv_integer(db_col_int(st, 0)));
        jv_set_take(conv, "title", col_str(st, 1));
        jv_set_take(conv, "model", col_str(st, 2));
        jv_set_take(conv, "created_at", col_str(st, 3));
        jv_set_take(conv, "updated_at", col_str(st, 4));
    }
    db_reset(st);
    if (ret == DB_DONE)
        return kith_errf(err, KITH_ENOTFOUND,
                         "there is no conversation #%lld", (long long)id);
    if (ret < 0 || (ret = get_messages(db, id, conv, err)) < 0 ||
        (ret = get_turns(db, id, conv, err)) < 0) {
        jv_free(conv);
        return ret;
    }
    *out = conv;
    return KITH_OK;
}

int agent_conversation_last(struct crm *crm, int64_t *id,
                            struct kith_err *err)
{
    int ret = query_int(crm_db(crm),
                        "SELECT id FROM kith_conversations WHERE ?1 = ?1 "
                        "ORDER BY updated_at DESC, id DESC LIMIT 1",
                        0, id, err);
    if (ret == KITH_OK && !*id)
        return kith_errf(err, KITH_ENOTFOUND,
                         "there is no conversation to continue yet");
    return ret;
}

int agent_turn_id(struct crm *crm, int64_t conversation, int64_t n,
                  int64_t *turn_id, struct kith_err *err)
{
    struct db_stmt *st;
    int ret = db_cached(crm_db(crm),
                        "SELECT id FROM kith_turns WHERE conversation_id = ?1 "
                        "AND n = ?2",
                        &st, err);
    if (ret < 0)
        return ret;
    db_bind_int(st, 1, conversation);
    db_bind_int(st, 2, n);
    ret = db_step(st, err);
    *turn_id = ret == DB_ROW ? db_col_int(st, 0) : 0;
    db_reset(st);
    if (ret == DB_DONE)
        return kith_errf(err, KITH_ENOTFOUND,
                         "conversation #%lld has no turn %lld",
                         (long long)conversation, (long long)n);
    return ret < 0 ? ret : KITH_OK;
}

/* ---- undo of a turn ---- */

/* The ids of the changes turn_id made, newest first (*ids, free() it). */
static int turn_change_ids(struct crm *crm, int64_t turn_id, int64_t **ids,
                           size_t *n, struct kith_err *err)
{
    *ids = NULL;
    *n = 0;
    return db_ids(crm_db(crm),
                  "SELECT c.id FROM kith_turns t JOIN kith_changes c "
                  "ON c.actor = 'agent:' || t.conversation_id "
                  "AND c.id BETWEEN t.first_change AND t.last_change "
                  "WHERE t.id = ?1 ORDER BY c.id DESC",
                  turn_id, ids, n, err);
}

/* KITH_ENOTFOUND unless turn_id exists. */
static int turn_exists(struct crm *crm, int64_t turn_id, struct kith_err *err)
{
    int64_t found;
    int ret = query_int(crm_db(crm), "SELECT 1 FROM kith_turns WHERE id = ?1",
                        turn_id, &found, err);
    if (ret == KITH_OK && !found)
        return kith_errf(err, KITH_ENOTFOUND, "there is no turn #%lld",
                         (long long)turn_id);
    return ret;
}

int agent_turn_changes(struct crm *crm, int64_t turn_id, int64_t *count,
                       struct kith_err *err)
{
    int64_t *ids;
    size_t n;
    *count = 0;
    int ret = turn_exists(crm, turn_id, err);
    if (ret < 0 || (ret = turn_change_ids(crm, turn_id, &ids, &n, err)) < 0)
        return ret;
    free(ids);
    *count = (int64_t)n;
    return KITH_OK;
}

int agent_undo_turn(struct crm *crm, const char *actor, int64_t turn_id,
                    int64_t *group, struct kith_err *err)
{
    int64_t *ids = NULL;
    size_t n = 0;
    *group = 0;
    int ret = turn_exists(crm, turn_id, err);
    if (ret < 0 || (ret = turn_change_ids(crm, turn_id, &ids, &n, err)) < 0)
        return ret;
    if (!n) {
        free(ids);
        return kith_errf(err, KITH_EINVAL, "turn %lld changed nothing",
                         (long long)turn_id);
    }
    if ((ret = crm_begin(crm, err)) < 0) {
        free(ids);
        return ret;
    }
    *group = crm_group(crm);
    for (size_t i = 0; i < n && ret >= 0; i++)
        ret = crm_undo(crm, actor, ids[i], err);
    free(ids);
    if (ret < 0) {
        crm_rollback(crm);
        *group = 0;
        if (err) {
            char why[KITH_ERR_MAX];
            snprintf(why, sizeof(why), "%s", err->msg);
            kith_errf(err, ret, "cannot undo turn %lld: %.900s",
                      (long long)turn_id, why);
        }
        return ret;
    }
    return crm_commit(crm, err);
}
