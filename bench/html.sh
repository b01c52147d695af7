#!/usr/bin/env bash
# The forensic HTML report at organization scale: a generated trail of 14 chains x 715 hourly
# digests (10,010 digests) with 1,000 modified log files, verified with --report html; prints the
# report's size and how long headless Chromium takes to render it (DOM and screenshot), median
# of BENCH_RUNS (default 3). Targets: under 5 MB, under 3 s.
#
# Usage: bench/html.sh        (needs chromium: apt-get install chromium)
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS="${BENCH_RUNS:-3}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/trailproof-html-bench.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
[ -x /opt/swift/usr/bin/swift ] && export PATH="/opt/swift/usr/bin:$PATH"
command -v chromium >/dev/null || { echo "bench/html.sh: chromium is required" >&2; exit 2; }

(cd "$REPO" && swift build -c release --product trailproof >&2 && swift build -c release --product trailproof-gen >&2)
BIN="$REPO/.build/release"
modify=()
for index in $(seq 0 999); do modify+=(--modify-log "$index"); done
"$BIN/trailproof-gen" --out "$WORK" --hours 715 --accounts 111122223333,444455556666 \
    --regions us-east-1,us-east-2,us-west-2,eu-west-1,eu-west-2,eu-central-1,ap-southeast-2 \
    --files-per-hour 2-2 --events-per-file 2-3 "${modify[@]}" >/dev/null
set +e
"$BIN/trailproof" verify "$WORK/trailproof-example-bucket" --public-keys "$WORK/public-keys.json" \
    --report html="$WORK/report.html" --report json="$WORK/report.json" >/dev/null 2>&1
status=$?
set -e
[ "$status" -le 1 ] || { echo "bench/html.sh: verify failed with $status" >&2; exit 1; }
digests=$(python3 -c "import json;r=json.load(open('$WORK/report.json'));print(len(r['digests']))")
findings=$(python3 -c "import json;r=json.load(open('$WORK/report.json'));print(r['totals']['findings'])")
bytes=$(stat -c %s "$WORK/report.html")

time_of() {
    local start end
    start=$(date +%s.%N)
    chromium --headless --no-sandbox --disable-gpu "$@" "file://$WORK/report.html" >/dev/null 2>&1
    end=$(date +%s.%N)
    echo "$end - $start" | bc -l
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
dom=$(for _ in $(seq "$RUNS"); do time_of --dump-dom; done | median)
shot=$(for _ in $(seq "$RUNS"); do time_of --screenshot="$WORK/shot.png" --window-size=1200,1600; done | median)

printf '%-40s %s\n' "digests / findings" "$digests / $findings"
printf '%-40s %.2f MB (target < 5 MB: %s)\n' "HTML report size" "$(echo "$bytes / 1000000" | bc -l)" "$([ "$bytes" -lt 5000000 ] && echo PASS || echo BELOW)"
printf '%-40s %.2f s\n' "chromium --dump-dom (median of $RUNS)" "$dom"
printf '%-40s %.2f s (target < 3 s: %s)\n' "chromium --screenshot (median of $RUNS)" "$shot" "$(echo "$shot < 3" | bc -l | sed 's/1/PASS/;s/0/BELOW/')"
