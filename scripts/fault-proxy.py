#!/usr/bin/env python3
"""fault-proxy.py: a fault-injecting, delaying HTTP/1.1 proxy on loopback, for tests and benchmarks.

usage: fault-proxy.py UPSTREAM [--port N] [--port-file FILE] [--rule JSON ...] [--delay-ms MS]
                      [--tcp] [--parent-pid PID] [--max-lifetime SECONDS]

UPSTREAM is http://127.0.0.1:PORT (loopback only). The proxy listens on 127.0.0.1 (a free port
unless --port is given), prints the port on stdout's first line (and writes it to --port-file),
and forwards requests over keep-alive connections (one upstream connection per client
connection). It stops on POST /__proxy__/shutdown, on SIGTERM/SIGINT, when its parent process
exits (or --parent-pid's), or after --max-lifetime seconds (default 2 h).

Rules (--rule JSON, repeatable, or the control API) say what to do with matching requests; the
first rule that matches and has attempts left applies, else the request passes through:

  {"path": "REGEX", "method": "GET", "action": "error", "status": 503, "code": "SlowDown",
   "times": 2, "per_path": false}

  path      regular expression searched in the request's percent-decoded path (default: any)
  method    GET, HEAD, PUT, ... (default: any)
  action    error  answer `status` (default 500) with an S3 XML <Error> body with `code`
                   (default InternalError for 500, SlowDown for 503, else ServiceUnavailable)
            drop   forward, then send the response headers and half of its body, and close
                   (for HEAD, which has no body: the headers, then close)
            stall  send nothing (at="headers", default) or the headers and half of the body
                   (at="body"), then wait `seconds` (default 60) or until the client hangs up,
                   and close
            close  close the connection without answering
            delay  forward after `delay_ms` milliseconds
  times     how many matching requests get the fault (default: all of them, i.e. permanent)
  per_path  count `times` separately for each distinct path (e.g. "every log file fails twice")

--delay-ms MS adds MS milliseconds of latency in each direction (so 2 x MS of round trip). In
HTTP mode it delays each request before forwarding and each response before sending it; with
--tcp the proxy does not parse HTTP at all and delays every chunk of bytes in each direction
(and the connection set-up by one round trip), preserving order and throughput: a stand-in for
`tc qdisc ... netem delay` on kernels without netem. Rules need HTTP mode.

Control API (HTTP mode, on the proxy's own port; paths start with /__proxy__/, which no S3
bucket name can):
  GET    /__proxy__/log       every request seen: [{"seq","conn","method","path","query",
                              "action","status","t" (s since start),"ms" (duration)}], oldest first
  DELETE /__proxy__/log       clears it
  GET    /__proxy__/rules     the rules with their remaining counts
  PUT    /__proxy__/rules     replaces the rules (body: a rule or a list of rules)
  POST   /__proxy__/rules     adds rules
  DELETE /__proxy__/rules     removes every rule
  POST   /__proxy__/shutdown  stops the proxy
"""
import argparse
import asyncio
import ipaddress
import itertools
import json
import os
import re
import signal
import socket
import sys
import time
import urllib.parse

CONTROL_PREFIX = "/__proxy__/"
MAX_HEAD = 1 << 20
MAX_LOG = 1_000_000
DEFAULT_CODES = {500: "InternalError", 503: "SlowDown"}


class ProtocolError(Exception):
    pass


class Rule:
    FIELDS = {"path", "method", "action", "status", "code", "times", "per_path", "seconds", "at", "delay_ms", "message"}

    def __init__(self, spec):
        if not isinstance(spec, dict):
            raise ValueError("a rule is a JSON object")
        unknown = set(spec) - Rule.FIELDS
        if unknown:
            raise ValueError(f"unknown rule fields: {sorted(unknown)}")
        self.spec = dict(spec)
        self.path = spec.get("path") or ""
        self.pattern = re.compile(self.path)
        self.method = (spec.get("method") or "").upper() or None
        self.action = spec.get("action", "error")
        if self.action not in ("error", "drop", "stall", "close", "delay"):
            raise ValueError(f"unknown action {self.action!r}")
        self.status = int(spec.get("status", 500))
        self.code = spec.get("code") or DEFAULT_CODES.get(self.status, "ServiceUnavailable")
        self.message = spec.get("message") or "injected by fault-proxy"
        self.times = spec.get("times")
        if self.times is not None:
            self.times = int(self.times)
        self.per_path = bool(spec.get("per_path", False))
        self.seconds = float(spec.get("seconds", 60))
        self.at = spec.get("at", "headers")
        if self.at not in ("headers", "body"):
            raise ValueError("at is headers or body")
        self.delay_ms = float(spec.get("delay_ms", 0))
        self.used = {}  # path (or "" when not per_path) -> times applied

    def take(self, method, path):
        """True (and counts one use) when this rule applies to the request."""
        if self.method and method != self.method:
            return False
        if not self.pattern.search(path):
            return False
        slot = path if self.per_path else ""
        used = self.used.get(slot, 0)
        if self.times is not None and used >= self.times:
            return False
        self.used[slot] = used + 1
        return True

    def describe(self):
        out = dict(self.spec)
        out["applied"] = sum(self.used.values())
        if self.per_path:
            out["applied_per_path"] = dict(self.used)
        return out


class State:
    def __init__(self, upstream_host, upstream_port, delay, rules):
        self.upstream = (upstream_host, upstream_port)
        self.delay = delay
        self.rules = rules
        self.log = []
        self.seq = itertools.count(1)
        self.conns = itertools.count(1)
        self.stop = asyncio.Event()
        self.started = time.monotonic()

    def match(self, method, path):
        for rule in self.rules:
            if rule.take(method, path):
                return rule
        return None

    def record(self, **entry):
        entry["seq"] = next(self.seq)
        if len(self.log) >= MAX_LOG:
            del self.log[: MAX_LOG // 10]
        self.log.append(entry)
        return entry


# --- HTTP/1.1 message reading ---------------------------------------------------------------

async def read_head(reader):
    """The bytes of a message head up to and including the blank line; None at a clean EOF."""
    try:
        return await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as error:
        if not error.partial.strip():
            return None
        raise ProtocolError("connection closed inside a message head")
    except asyncio.LimitOverrunError:
        raise ProtocolError("message head too large")


def parse_head(head):
    lines = head[:-4].decode("latin-1").split("\r\n")
    first = lines[0]
    headers = []
    for line in lines[1:]:
        if not line:
            continue
        name, sep, value = line.partition(":")
        if not sep:
            raise ProtocolError(f"bad header line {line!r}")
        headers.append((name.strip(), value.strip()))
    return first, headers


def header(headers, name):
    name = name.lower()
    for key, value in reversed(headers):
        if key.lower() == name:
            return value
    return None


def without(headers, *names):
    names = {name.lower() for name in names}
    return [(k, v) for k, v in headers if k.lower() not in names]


def serialize(first, headers):
    return (first + "\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers) + "\r\n").encode("latin-1")


async def read_body(reader, headers, until_eof=False):
    """The (de-chunked) body framed by `headers`."""
    encoding = (header(headers, "transfer-encoding") or "").lower()
    if "chunked" in encoding:
        body = bytearray()
        while True:
            size_line = await reader.readuntil(b"\r\n")
            size = int(size_line.split(b";")[0].strip() or b"0", 16)
            if size == 0:
                # Trailers, up to the blank line.
                while (await reader.readuntil(b"\r\n")) != b"\r\n":
                    pass
                return bytes(body)
            body += await reader.readexactly(size)
            await reader.readexactly(2)
    length = header(headers, "content-length")
    if length is not None:
        return await reader.readexactly(int(length))
    if until_eof:
        return await reader.read()
    return b""


class Request:
    def __init__(self, method, target, version, headers, body):
        self.method, self.target, self.version, self.headers, self.body = method, target, version, headers, body
        split = urllib.parse.urlsplit(target)
        self.raw_path = split.path or "/"
        self.path = urllib.parse.unquote(self.raw_path)
        self.query = split.query

    @property
    def keep_alive(self):
        connection = (header(self.headers, "connection") or "").lower()
        if self.version == "HTTP/1.0":
            return "keep-alive" in connection
        return "close" not in connection

    def encode(self):
        headers = without(self.headers, "expect", "transfer-encoding", "content-length", "proxy-connection")
        if self.body or self.method in ("PUT", "POST", "PATCH"):
            headers.append(("Content-Length", str(len(self.body))))
        return serialize(f"{self.method} {self.target} HTTP/1.1", headers) + self.body


async def read_request(reader, writer):
    head = await read_head(reader)
    if head is None:
        return None
    first, headers = parse_head(head)
    parts = first.split(" ")
    if len(parts) != 3:
        raise ProtocolError(f"bad request line {first!r}")
    method, target, version = parts
    if (header(headers, "expect") or "").lower() == "100-continue":
        writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        await writer.drain()
    body = await read_body(reader, headers)
    return Request(method.upper(), target, version, headers, body)


class Response:
    def __init__(self, status, reason, headers, body, has_body, closes):
        self.status, self.reason, self.headers, self.body, self.has_body, self.closes = status, reason, headers, body, has_body, closes

    def head_bytes(self):
        headers = without(self.headers, "connection", "keep-alive", "transfer-encoding", "proxy-connection")
        if self.has_body:
            headers = without(headers, "content-length") + [("Content-Length", str(len(self.body)))]
        return serialize(f"HTTP/1.1 {self.status} {self.reason}", headers)


async def read_response(reader, method):
    while True:
        head = await read_head(reader)
        if head is None:
            raise ConnectionResetError("upstream closed the connection")
        first, headers = parse_head(head)
        parts = first.split(" ", 2)
        version, status = parts[0], int(parts[1])
        reason = parts[2] if len(parts) > 2 else ""
        if 100 <= status < 200:
            continue  # 100 Continue and friends: we already answered the client ourselves
        connection = (header(headers, "connection") or "").lower()
        closes = "close" in connection or (version == "HTTP/1.0" and "keep-alive" not in connection)
        has_body = method != "HEAD" and status not in (204, 304)
        body = b""
        if has_body:
            framed = header(headers, "content-length") is not None or "chunked" in (header(headers, "transfer-encoding") or "").lower()
            body = await read_body(reader, headers, until_eof=not framed)
            if not framed:
                closes = True
        return Response(status, reason, headers, body, has_body, closes)


def error_response(request, status, code, message, closes=False):
    request_id = os.urandom(8).hex().upper()
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{code}</Code><Message>{message}</Message>"
        f"<Resource>{request.raw_path}</Resource><RequestId>{request_id}</RequestId></Error>"
    ).encode()
    reasons = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout",
               429: "Too Many Requests", 404: "Not Found", 403: "Forbidden", 400: "Bad Request"}
    headers = [("Content-Type", "application/xml"), ("x-amz-request-id", request_id), ("Server", "fault-proxy")]
    if request.method == "HEAD":
        headers.append(("Content-Length", str(len(body))))
    response = Response(status, reasons.get(status, "Error"), headers, body, request.method != "HEAD", closes)
    return response


def json_response(status, value):
    body = json.dumps(value, indent=1).encode()
    return Response(status, "OK" if status == 200 else "Error", [("Content-Type", "application/json")], body, True, False)


# --- HTTP mode --------------------------------------------------------------------------------

class Upstream:
    """One keep-alive connection to the upstream server, reopened when it closes."""

    def __init__(self, state):
        self.state = state
        self.reader = self.writer = None

    async def exchange(self, request):
        for attempt in (1, 2):
            fresh = self.writer is None
            if fresh:
                self.reader, self.writer = await asyncio.open_connection(*self.state.upstream, limit=MAX_HEAD)
            try:
                self.writer.write(request.encode())
                await self.writer.drain()
                response = await read_response(self.reader, request.method)
            except (ConnectionError, asyncio.IncompleteReadError, ProtocolError):
                self.close()
                if fresh or attempt == 2:
                    raise
                continue  # a stale keep-alive connection: once more on a new one
            if response.closes:
                self.close()
            return response

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def control(state, request):
    path = request.path[len(CONTROL_PREFIX):].strip("/")
    method = request.method
    try:
        if path == "log" and method == "GET":
            return json_response(200, state.log)
        if path == "log" and method == "DELETE":
            state.log.clear()
            return json_response(200, {"cleared": True})
        if path == "rules" and method == "GET":
            return json_response(200, [rule.describe() for rule in state.rules])
        if path == "rules" and method in ("PUT", "POST"):
            spec = json.loads(request.body or b"[]")
            rules = [Rule(item) for item in (spec if isinstance(spec, list) else [spec])]
            state.rules = rules if method == "PUT" else state.rules + rules
            return json_response(200, [rule.describe() for rule in state.rules])
        if path == "rules" and method == "DELETE":
            state.rules = []
            return json_response(200, [])
        if path == "shutdown" and method == "POST":
            state.stop.set()
            return json_response(200, {"stopping": True})
    except (ValueError, re.error) as error:
        return json_response(400, {"error": str(error)})
    return json_response(404, {"error": f"no control endpoint {method} {request.path}"})


async def hold(reader, seconds):
    """Waits `seconds`, or less if the client hangs up first."""
    deadline = time.monotonic() + seconds
    try:
        while (left := deadline - time.monotonic()) > 0:
            data = await asyncio.wait_for(reader.read(65536), timeout=left)
            if not data:
                return
    except (asyncio.TimeoutError, ConnectionError):
        return


async def serve_http(state, reader, writer):
    conn = next(state.conns)
    upstream = Upstream(state)
    try:
        if state.delay:
            await asyncio.sleep(2 * state.delay)  # the TCP handshake's round trip
        while True:
            try:
                request = await read_request(reader, writer)
            except (ProtocolError, asyncio.IncompleteReadError, ConnectionError, ValueError):
                return
            if request is None:
                return
            if request.path.startswith(CONTROL_PREFIX):
                response = await control(state, request)
                writer.write(response.head_bytes() + response.body)
                await writer.drain()
                continue
            rule = state.match(request.method, request.path)
            action = rule.action if rule else "pass"
            started = time.monotonic()
            entry = state.record(conn=conn, method=request.method, path=request.path, query=request.query,
                                 action=action, status=None, t=round(started - state.started, 4))
            if state.delay:
                await asyncio.sleep(state.delay)
            if action == "error":
                response = error_response(request, rule.status, rule.code, rule.message)
                entry["status"] = response.status
                if state.delay:
                    await asyncio.sleep(state.delay)
                writer.write(response.head_bytes() + response.body)
                await writer.drain()
                if not request.keep_alive:
                    return
                continue
            if action == "close":
                return
            if action == "stall" and rule.at == "headers":
                await hold(reader, rule.seconds)
                return
            if action == "delay":
                await asyncio.sleep(rule.delay_ms / 1000)
            try:
                response = await upstream.exchange(request)
            except (ConnectionError, OSError, asyncio.IncompleteReadError, ProtocolError) as error:
                entry["status"] = 502
                entry["error"] = str(error)
                response = error_response(request, 502, "BadGateway", f"upstream: {error}", closes=True)
            entry["status"] = response.status
            if state.delay:
                await asyncio.sleep(state.delay)
            if action in ("drop", "stall"):
                # The head, then half of the body: a transfer that never completes.
                writer.write(response.head_bytes() + response.body[: len(response.body) // 2])
                await writer.drain()
                entry["sent_bytes"] = len(response.body) // 2
                if action == "stall":
                    await hold(reader, rule.seconds)
                return
            writer.write(response.head_bytes() + response.body)
            await writer.drain()
            entry["ms"] = round((time.monotonic() - started) * 1000, 2)
            # An upstream that closes after each response (moto does) is reopened: the client's
            # connection stays alive, the body being framed by Content-Length here.
            if not request.keep_alive or (response.closes and response.status == 502):
                return
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        upstream.close()
        writer.close()


# --- TCP (delay-only) mode --------------------------------------------------------------------

async def delayed_pipe(reader, writer, delay):
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()

    async def pump_in():
        try:
            while True:
                data = await reader.read(256 * 1024)
                queue.put_nowait((loop.time() + delay, data))
                if not data:
                    return
        except ConnectionError:
            queue.put_nowait((loop.time(), b""))

    async def pump_out():
        try:
            while True:
                due, data = await queue.get()
                wait = due - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                if not data:
                    if writer.can_write_eof():
                        writer.write_eof()
                    return
                writer.write(data)
                await writer.drain()
        except ConnectionError:
            return

    await asyncio.gather(pump_in(), pump_out())


async def serve_tcp(state, reader, writer):
    try:
        if state.delay:
            await asyncio.sleep(2 * state.delay)  # the TCP handshake's round trip
        up_reader, up_writer = await asyncio.open_connection(*state.upstream)
    except OSError:
        writer.close()
        return
    try:
        await asyncio.gather(delayed_pipe(reader, up_writer, state.delay), delayed_pipe(up_reader, writer, state.delay))
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        up_writer.close()
        writer.close()


# --- main ---------------------------------------------------------------------------------------

def loopback_upstream(url):
    split = urllib.parse.urlsplit(url)
    if split.scheme != "http" or not split.hostname or not split.port:
        raise SystemExit(f"fault-proxy: upstream must be http://HOST:PORT, not {url!r}")
    try:
        addresses = socket.getaddrinfo(split.hostname, split.port, proto=socket.IPPROTO_TCP)
    except OSError as error:
        raise SystemExit(f"fault-proxy: cannot resolve upstream {url}: {error}")
    for info in addresses:
        if not ipaddress.ip_address(info[4][0]).is_loopback:
            raise SystemExit(f"fault-proxy: upstream {url} is not on loopback; refusing")
    return split.hostname, split.port


async def watch_parent(state, parent_pid, own_parent, deadline):
    """Stops the proxy when `parent_pid` exits (or, for our own parent, when we are reparented)."""
    while not state.stop.is_set():
        if parent_pid is not None:
            try:
                os.kill(parent_pid, 0)
            except ProcessLookupError:
                state.stop.set()
            except PermissionError:
                pass
            if own_parent and os.getppid() != parent_pid:
                state.stop.set()
        if time.monotonic() > deadline:
            state.stop.set()
        try:
            await asyncio.wait_for(state.stop.wait(), timeout=0.5)
        except asyncio.TimeoutError:
            pass


async def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("upstream", help="http://127.0.0.1:PORT")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default: a free one)")
    parser.add_argument("--port-file", help="also write the port to this file (atomically)")
    parser.add_argument("--rule", action="append", default=[], help="a rule as JSON (repeatable)")
    parser.add_argument("--delay-ms", type=float, default=0, help="latency added in each direction")
    parser.add_argument("--tcp", action="store_true", help="pure TCP pipe (delay only, no HTTP parsing, no rules)")
    parser.add_argument("--parent-pid", type=int,
                        help="exit when this process exits (default: the parent; 0: never)")
    parser.add_argument("--max-lifetime", type=float, default=7200, help="exit after this many seconds")
    args = parser.parse_args()

    host, port = loopback_upstream(args.upstream)
    try:
        rules = [Rule(json.loads(text)) for text in args.rule]
    except (ValueError, re.error) as error:
        raise SystemExit(f"fault-proxy: bad --rule: {error}")
    if rules and args.tcp:
        raise SystemExit("fault-proxy: rules need HTTP mode (drop --tcp)")
    state = State(host, port, args.delay_ms / 1000, rules)

    handler = serve_tcp if args.tcp else serve_http
    server = await asyncio.start_server(lambda r, w: handler(state, r, w), "127.0.0.1", args.port,
                                        limit=MAX_HEAD, reuse_address=True)
    bound = server.sockets[0].getsockname()[1]
    if args.port_file:
        temporary = f"{args.port_file}.{os.getpid()}.tmp"
        with open(temporary, "w") as handle:
            handle.write(f"{bound}\n")
        os.replace(temporary, args.port_file)
    print(bound, flush=True)

    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, state.stop.set)
    own_parent = args.parent_pid is None
    parent = os.getppid() if own_parent else (args.parent_pid or None)
    watcher = asyncio.create_task(watch_parent(state, parent, own_parent, time.monotonic() + args.max_lifetime))
    await state.stop.wait()
    # No graceful close: kept-alive and stalled connections would hold it open (Server.wait_closed
    # waits for every connection since Python 3.11.7/3.12.1). Nothing here needs flushing.
    server.close()
    watcher.cancel()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
