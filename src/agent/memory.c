/*
 * memory: the agent's memory file, MEMORY.md in the workspace, which the
 * system prompt carries into every conversation (DESIGN, "Agent").
 *
 * The `remember` tool appends one fact per line as a markdown list item.
 * The file is the only one the agent may touch, so the write is careful:
 * one line, no control characters, a size cap on the fact and on the file,
 * no following of a symlink planted in its place, one append under an
 * exclusive lock (two writers never interleave), then fsync.
 */
#include "agent/agent_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/utf8.h"
#include "base/xalloc.h"

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
           c == '\f';
}

/* Check the trimmed fact s[0..n); KITH_EINVAL saying what is wrong. */
static int check_fact(const char *s, size_t n, struct kith_err *err)
{
    if (!n)
        return kith_errf(err, KITH_EINVAL, "remember: 'fact' is empty");
    if (n > AGENT_FACT_MAX)
        return kith_errf(err, KITH_EINVAL,
                         "remember: 'fact' is %zu bytes; at most %d (one "
                         "short line)",
                         n, AGENT_FACT_MAX);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n' || c == '\r')
            return kith_errf(err, KITH_EINVAL,
                             "remember: 'fact' must be one line, without "
                             "line breaks");
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return kith_errf(err, KITH_EINVAL,
                             "remember: 'fact' holds a control character "
                             "at byte %zu",
                             i + 1);
    }
    if (!utf8_valid(s, n))
        return kith_errf(err, KITH_EINVAL,
                         "remember: 'fact' is not valid UTF-8");
    return KITH_OK;
}

/* Write all n bytes of p to fd. */
static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Append line to the open memory file fd (locked), after a newline when
   the file does not end with one. */
static int append_line(int fd, const char *path, const char *fact,
                       struct kith_err *err)
{
    struct stat st;
    char last = '\n';
    struct buf line = BUF_INIT;
    int ret = KITH_OK;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        ret = kith_errf(err, KITH_EIO, "remember: %s is not a regular file",
                        path);
        goto out;
    }
    if (st.st_size >= AGENT_MEMORY_MAX) {
        ret = kith_errf(err, KITH_ETOOBIG,
                        "remember: %s is full (%d KiB); the user can edit "
                        "it to make room",
                        path, AGENT_MEMORY_MAX / 1024);
        goto out;
    }
    if (st.st_size > 0 && pread(fd, &last, 1, st.st_size - 1) != 1)
        last = '\n';
    buf_appendf(&line, "%s- %s\n", last == '\n' ? "" : "\n", fact);
    if (write_all(fd, line.buf, line.len) < 0 || fsync(fd) < 0)
        ret = kith_errf(err, KITH_EIO, "remember: cannot write %s: %s", path,
                        strerror(errno));
out:
    buf_release(&line);
    return ret;
}

int agent_memory_append(const char *dir, const char *fact, char **saved,
                        struct kith_err *err)
{
    const char *s = fact, *e = fact + strlen(fact);
    struct buf path = BUF_INIT;
    char *trimmed = NULL;
    int fd = -1, ret;
    *saved = NULL;
    while (s < e && is_space(*s))
        s++;
    while (e > s && is_space(e[-1]))
        e--;
    if ((ret = check_fact(s, (size_t)(e - s), err)) < 0)
        return ret;
    if (!dir || !*dir)
        return kith_errf(err, KITH_EIO,
                         "remember: there is no workspace to keep "
                         "MEMORY.md in");
    trimmed = xstrndup(s, (size_t)(e - s));
    buf_appendf(&path, "%s/MEMORY.md", dir);
    fd = open(path.buf, O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
              0644);
    if (fd < 0) {
        ret = kith_errf(err, KITH_EIO, "remember: cannot open %s: %s",
                        path.buf, strerror(errno));
        goto out;
    }
    if (flock(fd, LOCK_EX) < 0) {
        ret = kith_errf(err, KITH_EIO, "remember: cannot lock %s: %s",
                        path.buf, strerror(errno));
        goto out;
    }
    if ((ret = append_line(fd, path.buf, trimmed, err)) < 0)
        goto out;
    *saved = trimmed;
    trimmed = NULL;
out:
    if (fd >= 0)
        close(fd);
    free(trimmed);
    buf_release(&path);
    return ret;
}
