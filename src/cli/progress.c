/*
 * progress: a progress bar on stderr for long work (import, export,
 * reindex), drawn only when stderr is a terminal and at most ten times a
 * second: "[#######.......]  42% 420,000 rows  84,000 rows/s  ETA 6s".
 */
#include "cli/cli.h"

#include <unistd.h>

#include "base/clock.h"

void progress_start(struct progress *p, const char *what, size_t total)
{
    p->what = what;
    p->total = total;
    p->start_ms = clock_ms();
    p->last_ms = 0;
    p->on = isatty(STDERR_FILENO) != 0;
}

void progress_update(struct progress *p, size_t rows, size_t done)
{
    if (!p->on)
        return;
    int64_t now = clock_ms();
    if (now - p->last_ms < 100)
        return;
    p->last_ms = now;
    double secs = (double)(now - p->start_ms) / 1000.0;
    double rate = secs > 0 ? (double)rows / secs : 0;
    char bar[21] = "....................";
    int pct = -1;
    if (p->total) {
        pct = (int)((double)done * 100.0 / (double)p->total);
        if (pct > 100)
            pct = 100;
        for (int i = 0; i < pct / 5; i++)
            bar[i] = '#';
    }
    if (pct >= 0) {
        double eta = done && rate > 0
                         ? secs * ((double)p->total / (double)done - 1.0)
                         : 0;
        fprintf(stderr, "\r%s [%s] %3d%% %zu rows  %.0f rows/s  ETA %.0fs  ",
                p->what, bar, pct, rows, rate, eta);
    } else {
        fprintf(stderr, "\r%s %zu rows  %.0f rows/s  ", p->what, rows, rate);
    }
}

void progress_end(struct progress *p)
{
    if (p->on && p->last_ms)
        fputs("\r\033[K", stderr);
}
