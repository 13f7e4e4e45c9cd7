/*
 * config: the workspace's settings files, read and written safely.
 *
 * config.json holds settings without secrets (model, providers' base URLs,
 * agent approval); secrets.env holds API keys as NAME=value lines, mode
 * 0600. Both are rewritten whole: a temporary file in the same directory
 * (created 0600 by mkstemp, so a secret is never readable by others, not
 * even for a moment), fsync, then rename over the old file, with the
 * workspace directory flock'ed around each read-modify-write so that
 * writers in other processes lose nothing. What the keys mean is decided
 * above this layer (llm/settings.c); this file only knows files, dotted
 * keys and NAME=value lines.
 */
#include "crm/crm_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/xalloc.h"

#define CONFIG_FILE_MAX (1024 * 1024) /* a settings file read at most */

/* ---- files ---- */

/* Read the file at path into out; *missing says it does not exist. */
static int read_whole(const char *path, struct buf *out, bool *missing,
                      struct kith_err *err)
{
    *missing = false;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) {
            *missing = true;
            return KITH_OK;
        }
        return kith_errf(err, KITH_EIO, "cannot read %s: %s", path,
                         strerror(errno));
    }
    int ret = KITH_OK;
    char chunk[8192];
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            ret = kith_errf(err, KITH_EIO, "cannot read %s: %s", path,
                            strerror(errno));
            break;
        }
        if (n == 0)
            break;
        if (out->len + (size_t)n > CONFIG_FILE_MAX) {
            ret = kith_errf(err, KITH_ETOOBIG,
                            "%s is larger than %d bytes", path,
                            CONFIG_FILE_MAX);
            break;
        }
        buf_append(out, chunk, (size_t)n);
    }
    close(fd);
    return ret;
}

/*
 * Replace path with n bytes of text atomically, leaving mode on the new
 * file. The temporary file is created 0600 and only then widened.
 */
static int write_atomic(const char *path, const char *text, size_t n,
                        mode_t mode, struct kith_err *err)
{
    struct buf tmp = BUF_INIT;
    buf_appendf(&tmp, "%s.XXXXXX", path);
    int ret = KITH_OK;
    int fd = mkostemp(tmp.buf, O_CLOEXEC);
    if (fd < 0) {
        ret = kith_errf(err, KITH_EIO, "cannot write %s: %s", path,
                        strerror(errno));
        goto out;
    }
    size_t off = 0;
    while (off < n) {
        ssize_t w = write(fd, text + off, n - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            break;
        off += (size_t)w;
    }
    if (off < n || fchmod(fd, mode) < 0 || fsync(fd) < 0) {
        ret = kith_errf(err, KITH_EIO, "cannot write %s: %s", path,
                        strerror(errno));
        close(fd);
        unlink(tmp.buf);
        goto out;
    }
    if (close(fd) < 0 || rename(tmp.buf, path) < 0) {
        ret = kith_errf(err, KITH_EIO, "cannot write %s: %s", path,
                        strerror(errno));
        unlink(tmp.buf);
    }
out:
    buf_release(&tmp);
    return ret;
}

/*
 * Lock the workspace directory for one read-modify-write of a settings
 * file, so that kith config and the server's PATCH never lose each
 * other's change: flock on the directory itself (no lock file). Returns
 * the descriptor for unlock_dir, or -1 when it cannot be had (the write
 * then goes ahead unlocked, and its own errors say why).
 */
static int lock_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0)
        while (flock(fd, LOCK_EX) < 0 && errno == EINTR)
            ;
    return fd;
}

/* Make the rename durable (fsync the directory), then unlock. */
static void unlock_dir(int fd)
{
    if (fd < 0)
        return;
    fsync(fd);
    close(fd); /* releases the flock */
}

static void file_path(struct buf *b, const char *dir, const char *name)
{
    buf_reset(b);
    buf_appendf(b, "%s/%s", dir, name);
}

/* ---- config.json ---- */

int crm_config_read(const char *dir, struct jv **out, struct kith_err *err)
{
    struct buf path = BUF_INIT, text = BUF_INIT;
    bool missing;
    *out = NULL;
    file_path(&path, dir, "config.json");
    int ret = read_whole(path.buf, &text, &missing, err);
    if (ret < 0)
        goto out;
    const char *src = missing ? workspace_config_default() : text.buf;
    struct kith_err perr = KITH_ERR_INIT;
    struct jv *j = jv_parse(src, strlen(src), &perr);
    if (!j) {
        ret = kith_errf(err, KITH_EINVAL, "%s: %s", path.buf, perr.msg);
        goto out;
    }
    if (jv_type(j) != JV_OBJECT) {
        jv_free(j);
        ret = kith_errf(err, KITH_EINVAL,
                        "%s: expected a JSON object of settings", path.buf);
        goto out;
    }
    *out = j;
out:
    buf_release(&path);
    buf_release(&text);
    return ret;
}

/* The next part of a dotted key into part; returns the rest or NULL. */
static const char *key_part(const char *key, char *part, size_t cap)
{
    const char *dot = strchr(key, '.');
    size_t n = dot ? (size_t)(dot - key) : strlen(key);
    if (n >= cap)
        n = cap - 1;
    memcpy(part, key, n);
    part[n] = '\0';
    return dot ? dot + 1 : NULL;
}

struct jv *crm_config_lookup(const struct jv *config, const char *key)
{
    char part[128];
    const struct jv *at = config;
    struct jv *found = NULL;
    while (key) {
        if (jv_type(at) != JV_OBJECT)
            return NULL;
        key = key_part(key, part, sizeof(part));
        if (!(found = jv_get(at, part)))
            return NULL;
        at = found;
    }
    return found;
}

/* Set or remove (value NULL) the dotted key inside the object config. */
static int config_put(struct jv *config, const char *key,
                      const struct jv *value, struct kith_err *err)
{
    char part[128];
    struct jv *at = config;
    const char *whole = key;
    for (;;) {
        const char *rest = key_part(key, part, sizeof(part));
        if (!*part)
            return kith_errf(err, KITH_EINVAL,
                             "setting '%s' has an empty part", whole);
        if (!rest) {
            if (value)
                jv_set_take(at, part, jv_copy(value));
            else
                jv_del(at, part);
            return KITH_OK;
        }
        struct jv *next = jv_get(at, part);
        if (jv_type(next) != JV_OBJECT) {
            if (!value)
                return KITH_OK; /* nothing to remove */
            next = jv_object();
            jv_set_take(at, part, next);
        }
        at = next;
        key = rest;
    }
}

int crm_config_set(const char *dir, const char *key, const struct jv *value,
                   struct kith_err *err)
{
    struct jv *config = NULL;
    struct buf path = BUF_INIT, text = BUF_INIT;
    int lock = lock_dir(dir);
    int ret = crm_config_read(dir, &config, err);
    if (ret < 0)
        goto out;
    if ((ret = config_put(config, key, value, err)) < 0)
        goto out;
    /* One member per line at the top level keeps the file easy to read. */
    buf_appends(&text, "{\n");
    void *it = NULL;
    struct jv *member;
    const char *name;
    bool first = true;
    while ((name = jv_next(config, &it, &member))) {
        buf_appends(&text, first ? "  " : ",\n  ");
        json_quote(&text, name, strlen(name));
        buf_appends(&text, ": ");
        jv_write(&text, member);
        first = false;
    }
    buf_appends(&text, "\n}\n");
    file_path(&path, dir, "config.json");
    ret = write_atomic(path.buf, text.buf, text.len, 0644, err);
out:
    unlock_dir(lock);
    jv_free(config);
    buf_release(&path);
    buf_release(&text);
    return ret;
}

/* ---- secrets.env ---- */

static bool valid_name(const char *name)
{
    if (!name || !*name || (*name >= '0' && *name <= '9'))
        return false;
    for (const char *p = name; *p; p++)
        if (!(*p == '_' || (*p >= 'A' && *p <= 'Z') ||
              (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
            return false;
    return true;
}

/*
 * If the line [p, p + n) assigns name, the start and length of its value
 * (quotes removed); false otherwise.
 */
static bool line_value(const char *p, size_t n, const char *name,
                       const char **val, size_t *vlen)
{
    const char *end = p + n;
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    if ((size_t)(end - p) > 7 && !strncmp(p, "export ", 7))
        p += 7;
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    size_t nl = strlen(name);
    if ((size_t)(end - p) <= nl || strncmp(p, name, nl) || p[nl] != '=')
        return false;
    p += nl + 1;
    while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
        end--;
    if (end - p >= 2 && (*p == '"' || *p == '\'') && end[-1] == *p) {
        p++;
        end--;
    }
    *val = p;
    *vlen = (size_t)(end - p);
    return true;
}

int crm_secret_get(const char *dir, const char *name, char **out,
                   struct kith_err *err)
{
    struct buf path = BUF_INIT, text = BUF_INIT;
    bool missing;
    *out = NULL;
    file_path(&path, dir, "secrets.env");
    int ret = read_whole(path.buf, &text, &missing, err);
    if (ret < 0 || missing || !valid_name(name))
        goto out;
    const char *p = text.buf, *end = text.buf + text.len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        const char *val;
        size_t vlen;
        if (line_value(p, n, name, &val, &vlen)) {
            free(*out); /* the last assignment wins, as in a shell */
            *out = vlen ? xstrndup(val, vlen) : NULL;
        }
        p += n + 1;
    }
out:
    buf_release(&path);
    buf_release(&text);
    return ret;
}

int crm_secret_set(const char *dir, const char *name, const char *value,
                   struct kith_err *err)
{
    if (!valid_name(name))
        return kith_errf(err, KITH_EINVAL,
                         "secrets.env: '%s' is not a valid variable name "
                         "(letters, digits and _)",
                         name ? name : "");
    if (value && strpbrk(value, "\r\n"))
        return kith_errf(err, KITH_EINVAL,
                         "secrets.env: the value of %s must be one line",
                         name);
    struct buf path = BUF_INIT, text = BUF_INIT, out = BUF_INIT;
    bool missing, done = false;
    file_path(&path, dir, "secrets.env");
    int lock = lock_dir(dir);
    int ret = read_whole(path.buf, &text, &missing, err);
    if (ret < 0)
        goto out;
    const char *p = text.buf, *end = text.buf + text.len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        const char *val;
        size_t vlen;
        if (!line_value(p, n, name, &val, &vlen)) {
            buf_append(&out, p, n);
            buf_appendc(&out, '\n');
        } else if (value && *value && !done) {
            buf_appendf(&out, "%s=%s\n", name, value);
            done = true;
        }
        p += n + 1;
    }
    if (value && *value && !done)
        buf_appendf(&out, "%s=%s\n", name, value);
    ret = write_atomic(path.buf, out.buf, out.len, 0600, err);
out:
    unlock_dir(lock);
    buf_release(&path);
    buf_release(&text);
    buf_release(&out);
    return ret;
}
