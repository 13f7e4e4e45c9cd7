#!/bin/bash
# The HTTP API under load: wrk against `kith serve` on 1,000,000 people.
#
#   bench/http.sh     (make bench builds the binaries; bench/run ends with it)
#
# Fills a workspace with HTTP_N people through build/bench-insert once and
# keeps it in HTTP_CACHE (default ${TMPDIR:-/tmp}/kith-bench-http; about
# 1 GB for 1M) for later runs. Starts `kith serve --quiet` on a free
# loopback port and runs wrk (bench/http.lua: bearer token, a random id per
# request) with HTTP_CONNS connections (64) and HTTP_THREADS threads (2)
# for HTTP_SECONDS (10) each, after a 3 s warm-up, on:
#   - GET /api/objects/people/entries/{random id}
#   - GET /api/objects/people/entries?where=status = Lead&sort=-updated_at
#     &limit=50&count=false  (bench-query's query, without the total)
#   - the same list with the total (count=true, the API's default)
# It samples the server's VmRSS every 0.2 s and reads VmHWM (its peak) at
# the end, and its CPU time per request from /proc/PID/stat. Then
# build/bench-query times the same two operations in the process, for the
# ratio. Results: bench/RESULTS.md.
#
# Environment: KITH_BIN (build/kith), BENCH_BIN (build/bench-insert),
# BENCH_QUERY_BIN (build/bench-query), HTTP_N, HTTP_CACHE, HTTP_SECONDS,
# HTTP_CONNS, HTTP_THREADS; HTTP_KEEP=1 keeps the run's scratch files.
# Needs wrk (Debian's package; installed here when missing and running as
# root), curl, node (a free port) and sqlite3 (ANALYZE).
set -eu
cd "$(dirname "$0")/.."

KITH_BIN="${KITH_BIN:-build/kith}"
BENCH_BIN="${BENCH_BIN:-build/bench-insert}"
BENCH_QUERY_BIN="${BENCH_QUERY_BIN:-build/bench-query}"
N="${HTTP_N:-1000000}"
CACHE="${HTTP_CACHE:-${TMPDIR:-/tmp}/kith-bench-http}"
SECONDS_EACH="${HTTP_SECONDS:-10}"
CONNS="${HTTP_CONNS:-64}"
THREADS="${HTTP_THREADS:-2}"

for b in "$KITH_BIN" "$BENCH_BIN" "$BENCH_QUERY_BIN"; do
    if [ ! -x "$b" ]; then
        echo "bench/http.sh: $b is missing; build it with: make bench" >&2
        exit 1
    fi
done
for t in curl node sqlite3; do
    if ! command -v "$t" > /dev/null; then
        echo "bench/http.sh: $t is missing (scripts/install-deps; curl:" \
            "apt-get install curl)" >&2
        exit 1
    fi
done
if ! command -v wrk > /dev/null; then
    if [ "$(id -u)" != 0 ]; then
        echo "bench/http.sh: wrk is missing: apt-get install wrk" >&2
        exit 1
    fi
    echo "bench/http.sh: installing wrk (Debian package)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk > /dev/null ||
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
            apt-get install -y -qq wrk > /dev/null; }
fi

# The workspace: filled once, reused while its .complete marker is there.
ws="$CACHE/people-$N"
if [ ! -f "$ws/.complete" ]; then
    rm -rf "$ws"
    mkdir -p "$ws"
    echo "filling $ws with $N people (bench-insert; kept for later runs)"
    "$BENCH_BIN" --db "$ws/kith.db" --n "$N" --quiet > "$ws/insert.log"
    # The planner's statistics, as `PRAGMA optimize` leaves them once
    # a filtered list has run: without them `status = Lead` is planned as
    # an index lookup of every lead plus a sort (see RESULTS.md).
    sqlite3 "$ws/kith.db" "ANALYZE"
    touch "$ws/.complete"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kith-http.XXXXXX")
pid=""
sampler=""
cleanup() {
    [ -n "$sampler" ] && kill "$sampler" 2> /dev/null || true
    [ -n "$pid" ] && kill "$pid" 2> /dev/null && wait "$pid" 2> /dev/null || true
    [ -n "${HTTP_KEEP:-}" ] && echo "kept $tmp" || rm -rf "$tmp"
}
trap cleanup EXIT

port=$(node -e 'const s = require("net").createServer();
s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });')
"$KITH_BIN" serve --workspace "$ws" --port "$port" --quiet \
    > "$tmp/serve.out" 2> "$tmp/serve.err" &
pid=$!
token=$(cat "$ws/token" 2> /dev/null || true)
for _ in $(seq 100); do
    token=$(cat "$ws/token" 2> /dev/null || true)
    [ -n "$token" ] && curl -sf -o /dev/null \
        -H "Authorization: Bearer $token" \
        "http://127.0.0.1:$port/api/health" && break
    sleep 0.1
done
if ! kill -0 "$pid" 2> /dev/null; then
    echo "bench/http.sh: kith serve did not start:" >&2
    cat "$tmp/serve.err" >&2
    exit 1
fi

# VmRSS every 0.2 s while the server runs (kB, one a line).
( while kill -0 "$pid" 2> /dev/null; do
      awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2> /dev/null
      sleep 0.2
  done ) > "$tmp/rss" &
sampler=$!

cpu_ticks() { # the server's user + system time, in clock ticks
    awk '{ print $14 + $15 }' "/proc/$pid/stat"
}
hz=$(getconf CLK_TCK)
list_q='where=status%20%3D%20Lead&sort=-updated_at&limit=50'

# label, path, seconds: one wrk run; its RESULT line, plus the server's
# CPU microseconds per request, into $tmp/label.
run_wrk() {
    local label=$1 path=$2 secs=$3
    local c0 c1
    c0=$(cpu_ticks)
    KITH_TOKEN="$token" KITH_PATH="$path" KITH_N="$N" \
        wrk -t "$THREADS" -c "$CONNS" -d "${secs}s" --latency \
        -s bench/http.lua "http://127.0.0.1:$port" > "$tmp/$label.wrk"
    c1=$(cpu_ticks)
    read -r _ reqs _ < <(grep '^RESULT' "$tmp/$label.wrk")
    awk -v a="$c0" -v b="$c1" -v hz="$hz" -v n="$reqs" \
        '/^RESULT/ { print $0, (b - a) / hz * 1e6 / (n ? n : 1) }' \
        "$tmp/$label.wrk" > "$tmp/$label"
}

mem=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
echo "machine: $(nproc) CPUs, $mem RAM, $(uname -sr)," \
    "load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "date:    $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "wrk:     $THREADS threads, $CONNS connections, ${SECONDS_EACH} s per run" \
    "after a 3 s warm-up; $N people"
echo
run_wrk warm_get '/api/objects/people/entries/{id}' 3
run_wrk get '/api/objects/people/entries/{id}' "$SECONDS_EACH"
run_wrk warm_list "/api/objects/people/entries?$list_q&count=false" 3
run_wrk list "/api/objects/people/entries?$list_q&count=false" "$SECONDS_EACH"
run_wrk list_total "/api/objects/people/entries?$list_q" "$SECONDS_EACH"
rss_now=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")
hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status")
kill "$sampler" 2> /dev/null || true
sampler=""
kill "$pid" && wait "$pid" 2> /dev/null || true
pid=""
rss_max=$(sort -n "$tmp/rss" | tail -n 1)

# The same two operations in the process (one thread, no HTTP).
"$BENCH_QUERY_BIN" --db "$ws/kith.db" > "$tmp/query.out"
qjson=$(tail -n 1 "$tmp/query.out")
jnum() { echo "$qjson" | sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p"; }
get_ms=$(jnum get_mean_ms)
list_ms=$(jnum list_json_mean_ms)
get_cpu_in=$(jnum get_cpu_us)
list_cpu_in=$(jnum list_json_cpu_us)

printf '%-34s %9s %8s %8s %8s %8s %7s %11s\n' "over HTTP" "req/s" "p50 ms" \
    "p90 ms" "p99 ms" "max ms" "errors" "server CPU"
for l in get list list_total; do
    case $l in
    get) name="GET one entry (random id)" ;;
    list) name="list of 50, count=false" ;;
    list_total) name="list of 50, with the total" ;;
    esac
    # RESULT requests seconds req/s p50 p90 p99 max non2xx sockerr cpu_us
    awk -v name="$name" '{
        printf "%-34s %9.0f %8.2f %8.2f %8.2f %8.1f %7d %8.0f us\n",
            name, $4, $5, $6, $7, $8, $9 + $10, $11 }' "$tmp/$l"
done
echo
awk -v hwm="$hwm" -v max="$rss_max" -v now="$rss_now" 'BEGIN {
    printf "server RSS: peak (VmHWM) %.1f MB, highest sample %.1f MB, " \
        "at the end %.1f MB\n", hwm / 1024, max / 1024, now / 1024 }'
echo
echo "in the process (bench-query, one thread, no HTTP):"
grep -E 'crm_list_json|crm_list, with total|crm_get_json' "$tmp/query.out"
echo
# The HTTP overhead: the server's CPU time per request against the CPU
# time of the same operation in the process (both hardly depend on what
# else the machine runs, unlike wall-clock times).
read -r _ _ _ get_rps _ _ get_p99 _ _ _ get_cpu < "$tmp/get"
read -r _ _ _ list_rps _ _ list_p99 _ _ _ list_cpu < "$tmp/list"
read -r _ _ _ lt_rps _ < "$tmp/list_total"
awk -v gc="$get_cpu" -v gi="$get_cpu_in" -v lc="$list_cpu" \
    -v li="$list_cpu_in" 'BEGIN {
    printf "HTTP / in the process, CPU per request: GET %.1fx (%.0f / %.0f us),"\
        " list %.1fx (%.0f / %.0f us)\n", gc / gi, gc, gi, lc / li, lc, li }'
awk -v g="$get_rps" -v l="$list_rps" -v p="$list_p99" -v r="$hwm" \
    -v gp="$get_p99" 'BEGIN {
    ok = "met"; no = "NOT met"
    printf("targets: GET >= 15k req/s: %s (%.0f); list >= 2k req/s: %s" \
        " (%.0f); list p99 < 20 ms: %s (%.2f ms); RSS < 64 MB: %s" \
        " (%.1f MB)\n", (g >= 15000 ? ok : no), g, (l >= 2000 ? ok : no), l,
        (p < 20 ? ok : no), p, (r < 65536 ? ok : no), r / 1024) }'
printf '{"bench":"http","n":%s,"conns":%s,"threads":%s,"seconds":%s,' \
    "$N" "$CONNS" "$THREADS" "$SECONDS_EACH"
printf '"get_rps":%s,"get_p99_ms":%s,"get_cpu_us":%s,' \
    "$get_rps" "$get_p99" "$get_cpu"
printf '"list_rps":%s,"list_p99_ms":%s,"list_cpu_us":%s,' \
    "$list_rps" "$list_p99" "$list_cpu"
printf '"list_total_rps":%s,"rss_peak_kb":%s,' "$lt_rps" "$hwm"
printf '"inproc_get_mean_ms":%s,"inproc_list_mean_ms":%s,' "$get_ms" "$list_ms"
printf '"inproc_get_cpu_us":%s,"inproc_list_cpu_us":%s}\n' "$get_cpu_in" \
    "$list_cpu_in"
