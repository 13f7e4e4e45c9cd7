/*
 * err: result codes and user-facing error messages.
 *
 * A function that can fail returns int: KITH_OK (0) or a negative
 * enum kith_rc. When a person needs to read why, the function also takes a
 * struct kith_err * (which may be NULL) and fills it with kith_errf(), which
 * returns the code so that `return kith_errf(err, KITH_EINVAL, ...)` reads
 * as one step. Messages say what was wrong and where, never how to debug C.
 */
#ifndef KITH_ERR_H
#define KITH_ERR_H

enum kith_rc {
    KITH_OK = 0,
    KITH_EINVAL = -1,    /* bad input: a value, a name, a filter */
    KITH_ENOTFOUND = -2, /* no such object, field, entry or change */
    KITH_ECONFLICT = -3, /* already exists, or state changed under us */
    KITH_EDB = -4,       /* the database failed */
    KITH_EUPSTREAM = -5, /* a model provider failed */
    KITH_ETIMEOUT = -6,
    KITH_ETOOBIG = -7, /* an input or result exceeded its cap */
    KITH_EIO = -8,     /* a file or socket failed */
    KITH_EUSAGE = -9,  /* the command line was wrong */
    KITH_ECANCELED = -10, /* stopped on purpose (a client left, Ctrl-C) */
};

#define KITH_ERR_MAX 1024

struct kith_err {
    int code;               /* the enum kith_rc last set, or KITH_OK */
    char msg[KITH_ERR_MAX]; /* NUL-terminated, "" when none */
};

#define KITH_ERR_INIT { KITH_OK, "" }

/*
 * Format a message into err (when err is not NULL) and return code.
 * The message replaces any earlier one.
 */
int kith_errf(struct kith_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A short constant text for a code ("not found"). */
const char *kith_rc_str(int code);

#endif
