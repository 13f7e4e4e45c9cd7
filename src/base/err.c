/*
 * err: formatting of user-facing errors. See err.h.
 */
#include "base/err.h"

#include <stdarg.h>
#include <stdio.h>

int kith_errf(struct kith_err *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
        va_end(ap);
        /* Cut too long a message at a character boundary, not inside one. */
        if (n >= (int)sizeof(err->msg)) {
            size_t len = sizeof(err->msg) - 1, lead = len;
            while (lead > 0 &&
                   ((unsigned char)err->msg[lead - 1] & 0xC0) == 0x80)
                lead--;
            if (lead > 0) {
                unsigned char c = (unsigned char)err->msg[lead - 1];
                size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
                if (lead - 1 + need > len)
                    err->msg[lead - 1] = '\0';
            }
        }
        err->code = code;
    }
    return code;
}

const char *kith_rc_str(int code)
{
    switch (code) {
    case KITH_OK: return "ok";
    case KITH_EINVAL: return "invalid input";
    case KITH_ENOTFOUND: return "not found";
    case KITH_ECONFLICT: return "conflict";
    case KITH_EDB: return "database error";
    case KITH_EUPSTREAM: return "model provider error";
    case KITH_ETIMEOUT: return "timed out";
    case KITH_ETOOBIG: return "too big";
    case KITH_EIO: return "i/o error";
    case KITH_EUSAGE: return "usage error";
    case KITH_ECANCELED: return "canceled";
    }
    return "unknown error";
}
