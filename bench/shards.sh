#!/usr/bin/env bash
# Sharded verification on this machine: one generated trail of several locations (accounts x
# regions) of small log files, verified by a single run, then by N shards run as N processes at
# once (as N machines would, here sharing the cores), then merged. Prints the single run's time,
# the shards' total wall time and each one's, the merge's time and peak RSS, and checks that the
# merged JSON report equals the single run's.
# Environment: BENCH_SHARDS (4), BENCH_HOURS (48), BENCH_ACCOUNTS (2), BENCH_REGIONS (4).
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHARDS="${BENCH_SHARDS:-4}" HOURS="${BENCH_HOURS:-48}"
ACCOUNTS="${BENCH_ACCOUNTS:-2}" REGIONS="${BENCH_REGIONS:-4}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/trailproof-shards-bench.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
[ -x /opt/swift/usr/bin/swift ] && export PATH="/opt/swift/usr/bin:$PATH"
(cd "$REPO" && swift build -c release --product trailproof >&2 && swift build -c release --product trailproof-gen >&2)
BIN="$REPO/.build/release"
accounts=$(python3 -c "print(','.join(str(111122223333 + 111111111 * i) for i in range($ACCOUNTS)))")
regions=$(python3 -c "print(','.join(['us-east-1','eu-west-2','ap-south-1','sa-east-1','us-west-2','eu-central-1'][:$REGIONS]))")
echo "[bench] generating $HOURS hours x $ACCOUNTS accounts x $REGIONS regions of small log files" >&2
"$BIN/trailproof-gen" --out "$WORK/trail" --hours "$HOURS" --files-per-hour 20-40 --events-per-file 5-40 --seed 7 \
    --accounts "$accounts" --regions "$regions" >/dev/null
ROOT="$WORK/trail/trailproof-example-bucket" KEYS="$WORK/trail/public-keys.json"
files=$(find "$ROOT" -path '*/CloudTrail/*' -name '*.json.gz' | wc -l)
"$BIN/trailproof" verify "$ROOT" --public-keys "$KEYS" >/dev/null 2>&1 || true   # warm the page cache

now() { python3 -c 'import time; print(time.time())'; }
t0=$(now)
"$BIN/trailproof" verify "$ROOT" --public-keys "$KEYS" --format json >"$WORK/single.json" 2>/dev/null || true
t1=$(now)
for k in $(seq 0 $((SHARDS - 1))); do
    ( s=$(now); "$BIN/trailproof" verify "$ROOT" --public-keys "$KEYS" --shard "$k/$SHARDS" --run-id bench --report "json=$WORK/shard-$k.json" \
        >/dev/null 2>&1 || true; echo "$k $(python3 -c "print(f'{$(now) - $s:.2f}')")" >"$WORK/time-$k" ) &
done
wait
t2=$(now)
/usr/bin/time -f "%e %M" -o "$WORK/merge-time" "$BIN/trailproof" merge "$WORK"/shard-*.json --format json >"$WORK/merged.json" 2>/dev/null || true
same=$(cmp -s "$WORK/single.json" "$WORK/merged.json" && echo "identical" || echo "DIFFERENT")
read -r merge_s merge_kb <"$WORK/merge-time"
printf '%-34s %s log files in %s locations\n' "trail" "$files" "$((ACCOUNTS * REGIONS))"
printf '%-34s %.2f s\n' "single run" "$(python3 -c "print($t1 - $t0)")"
printf '%-34s %.2f s wall (each: %s)\n' "$SHARDS shards as $SHARDS processes at once" "$(python3 -c "print($t2 - $t1)")" \
    "$(cat "$WORK"/time-* | sort -n | awk '{printf "%s%s s", (NR>1?", ":""), $2}')"
printf '%-34s %s s, peak RSS %.0f MB\n' "merge" "$merge_s" "$(python3 -c "print($merge_kb / 1024)")"
printf '%-34s %s\n' "merged report vs single run's" "$same"
