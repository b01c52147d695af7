#!/usr/bin/env bash
# Organization scale: 1,000,000 small log files (1-25 events, about 1-30 KB uncompressed each) in
# 100 bucket locations (25 accounts x 4 regions), generated once and reused (the generator takes
# a while). Prints, in one run, for `trailproof verify` with text and with JSON output: wall
# time, log files/s and peak RSS; the same log files through bench/baseline.c, as one process
# (x cores: the limit as if every core did as much as one alone) and as one process per core at
# once, each over every Nth file (the machine's limit as measured: cores that share caches,
# memory and the kernel's locks may do less together); the whole job's floor in C (listing every
# object, then every digest as well as every log file through the same loop on every core); and
# 4 shards run as 4 processes at once, then merged: their total wall time, the merge's time and
# RSS, and whether the merged report equals the single run's.
#
# With BENCH_SHAPE=busy, the same 1,000,000 log files lie in ONE location instead: one account and
# region, 2,500 hours of 400 one-event files (a large account's management events over a quarter),
# so that one location is cut by date folder (a group of folders at a time) against its 2,500
# digests verified whole.
#
# Usage: bench/million.sh                  # 100 locations
#        BENCH_SHAPE=busy bench/million.sh # one busy location
# Environment (all optional):
#   BENCH_SHAPE=many|busy      the trail's shape (many)
#   BENCH_MILLION_DIR=DIR      where the trail is generated and kept ($REPO/.build-bench/million,
#                              or $REPO/.build-bench/million-busy for the busy shape)
#   BENCH_ACCOUNTS=25 BENCH_REGIONS=4 BENCH_HOURS=167 BENCH_FILES_PER_HOUR=40-80 BENCH_EVENTS_PER_FILE=1-25
#                              (busy: 1 account, 1 region, 2500 hours, 400-400 files, 1-1 events)
#   BENCH_SKIP_BUILD=1         reuse the release binaries in $REPO/.build-bench
# Exit status: 0 when every run completed and verified every log file; non-zero otherwise.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCRATCH="$REPO/.build-bench"
case "${BENCH_SHAPE:-many}" in
    many) DIR="${BENCH_MILLION_DIR:-$SCRATCH/million}"
          ACCOUNTS="${BENCH_ACCOUNTS:-25}" REGIONS="${BENCH_REGIONS:-4}" HOURS="${BENCH_HOURS:-167}"
          FILES_PER_HOUR="${BENCH_FILES_PER_HOUR:-40-80}" EVENTS_PER_FILE="${BENCH_EVENTS_PER_FILE:-1-25}" ;;
    busy) DIR="${BENCH_MILLION_DIR:-$SCRATCH/million-busy}"
          ACCOUNTS="${BENCH_ACCOUNTS:-1}" REGIONS="${BENCH_REGIONS:-1}" HOURS="${BENCH_HOURS:-2500}"
          FILES_PER_HOUR="${BENCH_FILES_PER_HOUR:-400-400}" EVENTS_PER_FILE="${BENCH_EVENTS_PER_FILE:-1-1}" ;;
    *) echo "BENCH_SHAPE: many or busy" >&2; exit 2 ;;
esac
log() { printf '[bench] %s\n' "$*" >&2; }
[ -x /opt/swift/usr/bin/swift ] && export PATH="/opt/swift/usr/bin:$PATH"
[[ -x /usr/bin/time ]] || { echo "/usr/bin/time is required (apt-get install time)" >&2; exit 2; }

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
    log "building release binaries in $SCRATCH"
    (cd "$REPO" && swift build -c release --scratch-path "$SCRATCH" --product trailproof >&2)
    (cd "$REPO" && swift build -c release --scratch-path "$SCRATCH" --product trailproof-gen >&2)
fi
BIN="$(cd "$REPO" && swift build -c release --scratch-path "$SCRATCH" --show-bin-path)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/trailproof-million.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
cc -O2 "$REPO/bench/baseline.c" -o "$WORK/baseline" -lz -lcrypto

# --- the trail, generated once -------------------------------------------------------------------
accounts=$(python3 -c "print(','.join(str(111122223333 + 1000001 * i) for i in range($ACCOUNTS)))")
regions=$(python3 -c "print(','.join(['us-east-1','eu-west-2','ap-south-1','sa-east-1','us-west-2','eu-central-1'][:$REGIONS]))")
GEN_ARGS=(--hours "$HOURS" --files-per-hour "$FILES_PER_HOUR" --events-per-file "$EVENTS_PER_FILE" --seed 11
          --accounts "$accounts" --regions "$regions" --sidecars all)
if [[ "$(cat "$DIR/generated-with" 2>/dev/null)" != "${GEN_ARGS[*]}" ]]; then
    rm -rf "$DIR" && mkdir -p "$DIR"
    log "generating $ACCOUNTS accounts x $REGIONS regions x $HOURS hours of $FILES_PER_HOUR log files (once; kept in $DIR)"
    start=$(date +%s)
    "$BIN/trailproof-gen" --out "$DIR/trail" "${GEN_ARGS[@]}" >/dev/null
    echo "${GEN_ARGS[*]}" >"$DIR/generated-with"
    log "generated in $(( $(date +%s) - start )) s"
fi
ROOT="$DIR/trail/trailproof-example-bucket" KEYS="$DIR/trail/public-keys.json"
find "$ROOT" -type f -name '*.json.gz' -path '*/CloudTrail/*' | LC_ALL=C sort >"$WORK/logs.txt"
FILES=$(wc -l <"$WORK/logs.txt")
log "$FILES log files; warming the page cache"
find "$ROOT" -type f -print0 | xargs -0 cat >/dev/null

now() { date +%s.%N; }
# run NAME COMMAND...: wall seconds and peak RSS (MB) of one process, its stdout kept.
run() {
    local name=$1; shift
    local t0 t1
    t0=$(now)
    /usr/bin/time -f "%M" -o "$WORK/$name.rss" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" || true
    t1=$(now)
    python3 -c "print(f'{$t1 - $t0:.2f}')" >"$WORK/$name.wall"
}
"$BIN/trailproof" verify "$ROOT" --public-keys "$KEYS" >/dev/null 2>&1 || true
run text "$BIN/trailproof" verify "$ROOT" --public-keys "$KEYS"
run json "$BIN/trailproof" verify "$ROOT" --public-keys "$KEYS" --format json
run baseline "$WORK/baseline" <"$WORK/logs.txt"
CORES="$(nproc)"
# on_every_core LIST NAME: one baseline process per core at once, each over every CORES-th file
# of LIST (interleaved, so each gets its share of large and small files); each one's output in
# NAME<k>.out, the wall time of all in NAME.wall.
on_every_core() {
    local list=$1 name=$2 k t0 t1
    for ((k = 0; k < CORES; k++)); do awk -v n="$CORES" -v k="$k" 'NR % n == k' "$list" >"$WORK/$name.list$k"; done
    t0=$(now)
    for ((k = 0; k < CORES; k++)); do "$WORK/baseline" <"$WORK/$name.list$k" >"$WORK/$name$k.out" 2>&1 & done
    wait
    t1=$(now)
    python3 -c "print(f'{$t1 - $t0:.2f}')" >"$WORK/$name.wall"
}
# The limit measured: the baseline over the log files on every core at once.
on_every_core "$WORK/logs.txt" allcores
# The whole job's floor: what any verifier must do at the least, in C: list every object (as
# `find`, one thread, as a listing is), then gunzip and hash every digest as well as every log
# file, one process per core. The limit above leaves out the listing and the digests, which in
# the busy shape are 2,500 x 148 KB: 44 % as many bytes to inflate as its log files.
find "$ROOT" -type f -name '*.json.gz' -path '*/CloudTrail-Digest/*' | LC_ALL=C sort >"$WORK/digests.txt"
cat "$WORK/logs.txt" "$WORK/digests.txt" >"$WORK/every.txt"
t0=$(now)
find "$ROOT" -type f >"$WORK/listed.txt"
t1=$(now)
python3 -c "print(f'{$t1 - $t0:.2f}')" >"$WORK/floorlist.wall"
on_every_core "$WORK/every.txt" floor
t0=$(now)
for k in 0 1 2 3; do
    run "shard$k" "$BIN/trailproof" verify "$ROOT" --public-keys "$KEYS" --shard "$k/4" --run-id bench --format json &
done
wait
t1=$(now)
python3 -c "print(f'{$t1 - $t0:.2f}')" >"$WORK/shards.wall"
run merge "$BIN/trailproof" merge "$WORK"/shard{0,1,2,3}.out --format json

export WORK FILES CORES GEN="${BENCH_SHAPE:-many}: ${GEN_ARGS[*]}"
python3 - <<'PY'
import json, os, sys
work, files, cores = os.environ["WORK"], int(os.environ["FILES"]), int(os.environ["CORES"])
def read(name, ext): return open(f"{work}/{name}.{ext}").read().strip()
def wall(name): return float(read(name, "wall"))
def rss(name): return int(read(name, "rss").splitlines()[-1]) / 1024
single = json.load(open(f"{work}/json.out"))
totals = single["totals"]
if totals["exitStatus"] != 0 or totals["logFilesValid"] != files or totals["logFiles"] != files:
    sys.exit(f"the run did not verify every log file: {totals}")
if "Result: VERIFIED" not in read("text", "out"):
    sys.exit("the text run did not verify: " + read("text", "out")[-400:])
base = dict(line.split(" ", 1) for line in read("baseline", "out").splitlines())
if int(base["files"]) != files or int(base["bytes"]) != totals["logFileBytesHashed"]:
    sys.exit(f"baseline saw {base['files']} files / {base['bytes']} bytes, trailproof {files} / {totals['logFileBytesHashed']}")
mb = totals["logFileBytesHashed"] / 1e6
limit = mb / float(base["seconds"]) * cores
shares = [dict(line.split(" ", 1) for line in read(f"allcores{k}", "out").splitlines()) for k in range(cores)]
if sum(int(s["files"]) for s in shares) != files or sum(int(s["bytes"]) for s in shares) != totals["logFileBytesHashed"]:
    sys.exit("the baseline's processes together did not see every log file: " + str(shares))
measured = mb / wall("allcores")
floor_shares = [dict(line.split(" ", 1) for line in read(f"floor{k}", "out").splitlines()) for k in range(cores)]
if sum(int(s["files"]) for s in floor_shares) != files + totals["digests"]:
    sys.exit("the floor's processes together did not see every log file and digest: " + str(floor_shares))
floor = wall("floorlist") + wall("floor")
merged = json.load(open(f"{work}/merge.out"))
for report in (single, merged):  # the shards' run id (the single run has none) and clock are no finding
    report["scope"].pop("referenceTime", None)
    report["scope"].pop("runID", None)
same = "identical" if merged == single else "DIFFERENT"
rows = [
    ("trail", f"{files:,} log files, {mb:,.0f} MB uncompressed, {totals['digests']:,} digests, {totals['chains']} chains"),
    ("generator", os.environ["GEN"]),
    ("", ""),
    ("verify, text", f"{wall('text'):.1f} s, {files / wall('text'):,.0f} files/s, {mb / wall('text'):,.0f} MB/s, peak RSS {rss('text'):.0f} MB"),
    ("verify, --format json", f"{wall('json'):.1f} s, {files / wall('json'):,.0f} files/s, peak RSS {rss('json'):.0f} MB, report {os.path.getsize(work + '/json.out') / 1e6:.1f} MB"),
    ("baseline.c, one process", f"{float(base['seconds']):.1f} s, {files / float(base['seconds']):,.0f} files/s"),
    ("limit = baseline x cores", f"{limit:,.0f} MB/s; text run at {mb / wall('text') / limit:.2f} of it, JSON at {mb / wall('json') / limit:.2f}"),
    (f"baseline.c, {cores} processes at once", f"{wall('allcores'):.1f} s: measured limit {measured:,.0f} MB/s ({measured / limit:.2f} of baseline x cores); "
     f"text run at {mb / wall('text') / measured:.2f} of it, JSON at {mb / wall('json') / measured:.2f}"),
    ("whole-job floor in C", f"{floor:.1f} s: listing with find {wall('floorlist'):.1f} s, then every digest and log file "
     f"({sum(int(s['bytes']) for s in floor_shares) / 1e6:,.0f} MB) on {cores} processes {wall('floor'):.1f} s; "
     f"text run at {floor / wall('text'):.2f} of it, JSON at {floor / wall('json'):.2f}"),
    ("", ""),
    ("4 shards as 4 processes at once", f"{float(read('shards', 'wall')):.1f} s wall (each: " + ", ".join(f"{wall(f'shard{k}'):.1f} s / {rss(f'shard{k}'):.0f} MB" for k in range(4)) + ")"),
    ("merge", f"{wall('merge'):.2f} s, peak RSS {rss('merge'):.0f} MB"),
    ("4 shards + merge", f"{float(read('shards', 'wall')) + wall('merge'):.1f} s"),
    ("merged report vs single run's", same),
]
width = max(len(k) for k, _ in rows)
for key, value in rows: print(f"{key:<{width}}  {value}" if key else "")
if same != "identical": sys.exit(1)
PY
