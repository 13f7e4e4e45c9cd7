#!/bin/bash
# Crash test: SIGKILL a bulk write at many instants and check that the
# database still opens, passes PRAGMA integrity_check, and holds all of the
# write or none of it, with exactly one change-log row per entry.
#
#   tests/crash/crash_test.sh        (BENCH_BIN=build/bench-insert by default)
#
# Each run starts from a fresh database with the schema already made
# (bench-insert --n 0), then runs `bench-insert --n 100000 --quiet` (one
# transaction) and kills it: after fixed delays, as soon as it reports the
# transaction open ("started"), and as soon as it reports the commit
# ("committed N"), so at least one kill lands mid-transaction and one after
# the commit whatever the machine's speed. Prints "ok - ..." or "not ok - ..."
# per run and ends with "N passed, N failed"; exits non-zero on any failure.
# Needs the sqlite3 command-line shell (Debian package sqlite3).
set -u
cd "$(dirname "$0")/../.." || exit 1

BENCH_BIN="${BENCH_BIN:-build/bench-insert}"
N="${CRASH_N:-100000}"
DELAYS=(0.05 0.1 0.25 0.5 1.0 1.5)
EVENT_TIMEOUT=120 # seconds to wait for "started" / "committed"

passed=0
failed=0
mid=0   # runs killed inside the transaction
after=0 # runs killed after the commit
pid=""
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kith-crash.XXXXXX")

cleanup() {
    if [ -n "$pid" ]; then
        kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT

ok() {
    echo "ok - $*"
    passed=$((passed + 1))
}

not_ok() {
    echo "not ok - $*"
    failed=$((failed + 1))
}

finish() {
    echo "$passed passed, $failed failed"
    [ "$failed" = 0 ]
    exit $?
}

if ! command -v sqlite3 >/dev/null 2>&1; then
    not_ok "the sqlite3 command-line shell is missing; it checks the" \
        "database after each kill (install it: apt-get install sqlite3)"
    finish
fi
if [ ! -x "$BENCH_BIN" ]; then
    not_ok "$BENCH_BIN is missing or not executable" \
        "(build it with: make build/bench-insert)"
    finish
fi

# Seconds since the epoch with microseconds (bash 5), for elapsed times.
now() { echo "${EPOCHREALTIME/,/.}"; }

elapsed() { # start
    awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'
}

# Wait until file has a line matching regex, or the process exits, or the
# timeout passes. Returns 0 when the line appeared.
wait_for_line() { # file regex
    local deadline=$((SECONDS + EVENT_TIMEOUT))
    while [ "$SECONDS" -lt "$deadline" ]; do
        grep -Eq "$2" "$1" 2>/dev/null && return 0
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.005
    done
    grep -Eq "$2" "$1" 2>/dev/null
}

# One run. how is a delay in seconds, "started" or "committed".
run_one() { # index how
    local dir="$tmp/run$1" how="$2" db out t0 rc when phase
    mkdir -p "$dir"
    db="$dir/kith.db"
    out="$dir/out"
    if ! "$BENCH_BIN" --db "$db" --n 0 --quiet >"$dir/setup" 2>&1; then
        not_ok "run $1: cannot create the database: $(head -c 300 "$dir/setup")"
        return
    fi

    t0=$(now)
    "$BENCH_BIN" --db "$db" --n "$N" --quiet >"$out" 2>"$dir/err" &
    pid=$!
    case "$how" in
    started) wait_for_line "$out" '^started$' ;;
    committed) wait_for_line "$out" "^committed $N\$" ;;
    *) sleep "$how" ;;
    esac
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    rc=$?
    pid=""
    when=$(elapsed "$t0")
    case "$how" in
    started | committed) when="${when}s (on '$how')" ;;
    *) when="${how}s" ;;
    esac

    if grep -q "^committed $N\$" "$out"; then
        phase="after commit"
    elif grep -q '^started$' "$out"; then
        phase="mid-transaction"
    else
        phase="before the transaction began"
    fi
    if [ "$rc" != 137 ]; then
        phase="$phase; it had exited with status $rc before the kill"
        if [ "$rc" != 0 ]; then
            not_ok "kill after $when: bench-insert failed (status $rc):" \
                "$(head -c 300 "$dir/err")"
            return
        fi
    fi

    local integrity people changes why=""
    integrity=$(sqlite3 "$db" "PRAGMA integrity_check;" 2>&1)
    people=$(sqlite3 "$db" "SELECT count(*) FROM people;" 2>&1)
    changes=$(sqlite3 "$db" \
        "SELECT count(*) FROM kith_changes WHERE object = 'people';" 2>&1)
    if [ "$integrity" != ok ]; then
        why="integrity_check: $(echo "$integrity" | head -n 3 | tr '\n' ' ')"
    elif [ "$people" != 0 ] && [ "$people" != "$N" ]; then
        why="$people people: a partial write (expected 0 or $N)"
    elif [ "$changes" != "$people" ]; then
        why="$people people but $changes change-log rows for people"
    elif [ "$phase" != "${phase#after commit}" ] && [ "$people" != "$N" ]; then
        why="the commit was reported but only $people people are there"
    elif ! "$BENCH_BIN" --db "$db" --n 0 --quiet >"$dir/reopen" 2>&1; then
        why="kith cannot open it again: $(head -c 300 "$dir/reopen")"
    fi
    if [ -n "$why" ]; then
        not_ok "kill after $when: $why ($phase)"
        return
    fi
    case "$phase" in
    mid-transaction*) mid=$((mid + 1)) ;;
    after*) after=$((after + 1)) ;;
    esac
    ok "kill after $when: $people people ($phase)"
}

i=0
for d in "${DELAYS[@]}" started committed; do
    i=$((i + 1))
    run_one "$i" "$d"
    rm -rf "$tmp/run$i"
done

if [ "$mid" = 0 ]; then
    not_ok "no kill landed mid-transaction"
fi
if [ "$after" = 0 ]; then
    not_ok "no kill landed after the commit"
fi
finish
