#!/usr/bin/env python3
"""http-intake.py: a stand-in HTTP log intake for the records sink tests (Splunk HEC raw, a SIEM's
HTTP input, Vector or Fluent Bit): accepts POSTed bodies on 127.0.0.1 (a free port, printed as
stdout's first line) and appends each to OUT, one JSON line per request {"headers", "body"}.

usage: http-intake.py OUT [--fail-first N] [--always-fail]
  --fail-first N  answer the first N requests 503 (then accept): retries must deliver once
  --always-fail   answer every request 500: the run must end with exit 2
It exits when its parent does.
"""
import argparse, json, os, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

parser = argparse.ArgumentParser()
parser.add_argument("out")
parser.add_argument("--fail-first", type=int, default=0)
parser.add_argument("--always-fail", action="store_true")
args = parser.parse_args()
lock = threading.Lock()
seen = {"requests": 0}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *arguments):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with lock:
            seen["requests"] += 1
            failing = args.always_fail or seen["requests"] <= args.fail_first
            if not failing:
                with open(args.out, "a") as out:
                    out.write(json.dumps({"headers": dict(self.headers), "body": body.decode("utf-8")}) + "\n")
        status = 500 if args.always_fail else (503 if failing else 200)
        reply = b'{"text":"Success","code":0}' if status == 200 else b'{"text":"unavailable"}'
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
parent = os.getppid()
threading.Thread(target=server.serve_forever, daemon=True).start()
while os.getppid() == parent:
    time.sleep(0.3)
