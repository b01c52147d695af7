#!/usr/bin/env python3
"""Stand-ins for the credential endpoints AWS platforms provide, for trailproof's tests.

usage: fake-credentials.py [--port 0] [--lifetime SECONDS] [--quiet]

Binds 127.0.0.1:PORT (loopback only; port 0 picks a free port), prints the port as the first line
of standard output, and stops by itself after --lifetime seconds (default 3600). Serves:

EC2 instance metadata, IMDSv2 only (a base path before /latest selects a MODE):
  PUT  [/MODE]/latest/api/token                          needs X-aws-ec2-metadata-token-ttl-seconds
  GET  [/MODE]/latest/meta-data/iam/security-credentials/       role name (needs the token)
  GET  [/MODE]/latest/meta-data/iam/security-credentials/ROLE   credentials (needs the token)
  A GET without a valid token (IMDSv1) is refused with 401.
Container credentials endpoint (ECS, AWS Batch):
  GET  /container/MODE         requires Authorization: Bearer container-token when MODE is "auth"
IAM Identity Center portal:
  GET  /federation/credentials?role_name=R&account_id=A   x-amz-sso_bearer_token selects MODE:
       "sso-token-ok" -> ok, "sso-token-short" -> short, "sso-token-malformed" -> malformed, else 401
Modes: "" or "ok" answers fixed keys valid for an hour (ASIAIMDSOK, ASIACONTAINEROK, ASIASSO<ACCOUNT>);
"short" answers keys valid for 60 s, numbered per call (…0001, …0002) so a refresh shows;
"malformed" answers JSON without the keys. Secrets are fixed test strings.
POST /sts-echo/ answers an STS error whose message echoes the request body.
GET /_trailproof/health answers 200 "ok"; GET /_trailproof/count?path=P the calls made to P.
"""
import argparse
import datetime
import http.server
import json
import sys
import threading
import urllib.parse

counts = {}
lock = threading.Lock()
IMDS_TOKEN = "imds-session-token"


def bump(key):
    with lock:
        counts[key] = counts.get(key, 0) + 1
        return counts[key]


def iso(seconds):
    when = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=seconds)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    quiet = False

    def log_message(self, fmt, *args):
        if not self.quiet:
            sys.stderr.write("fake-credentials: " + (fmt % args) + "\n")

    def answer(self, status, body, content_type="application/json"):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length > 65536:
            return None
        return self.rfile.read(length)

    def imds_parts(self, path):
        index = path.find("/latest/")
        if index < 0:
            return None, None
        return path[:index].strip("/"), path[index:]

    def creds(self, prefix, mode, key):
        if mode == "malformed":
            return 200, '{"Code": "Success", "Unexpected": true}'
        if mode == "short":
            number = bump(key)
            return 200, json.dumps({"Code": "Success", "AccessKeyId": f"{prefix}SHORT{number:04d}", "SecretAccessKey": "short-secret",
                                    "Token": "short-session-token", "Expiration": iso(60)})
        return 200, json.dumps({"Code": "Success", "AccessKeyId": f"{prefix}OK", "SecretAccessKey": "ok-secret",
                                "Token": "ok-session-token", "Expiration": iso(3600), "Type": "AWS-HMAC"})

    def do_PUT(self):
        path = urllib.parse.urlsplit(self.path).path
        self.read_body()
        mode, rest = self.imds_parts(path)
        if rest == "/latest/api/token" and self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"):
            bump(path)
            return self.answer(200, IMDS_TOKEN, "text/plain")
        return self.answer(400, "", "text/plain")

    def do_POST(self):
        # /sts-echo/: an STS error whose message echoes the request (a hostile or broken endpoint).
        body = self.read_body() or b""
        if urllib.parse.urlsplit(self.path).path.rstrip("/") == "/sts-echo":
            message = body.decode("utf-8", "replace").replace("&", " ").replace("<", " ")
            return self.answer(400, f"<ErrorResponse><Error><Code>InvalidIdentityToken</Code><Message>got {message}</Message></Error></ErrorResponse>",
                               "text/xml")
        return self.answer(404, "", "text/plain")

    def do_GET(self):
        split = urllib.parse.urlsplit(self.path)
        path = split.path
        query = urllib.parse.parse_qs(split.query)
        if path == "/_trailproof/health":
            return self.answer(200, "ok", "text/plain")
        if path == "/_trailproof/count":
            with lock:
                return self.answer(200, str(counts.get(query.get("path", [""])[0], 0)), "text/plain")
        mode, rest = self.imds_parts(path)
        if rest is not None:
            if self.headers.get("X-aws-ec2-metadata-token") != IMDS_TOKEN:
                return self.answer(401, "", "text/plain")
            if rest == "/latest/meta-data/iam/security-credentials/":
                return self.answer(200, "trailproof-role", "text/plain")
            if rest == "/latest/meta-data/iam/security-credentials/trailproof-role":
                bump(path)
                return self.answer(*self.creds("ASIAIMDS", mode or "ok", path))
            return self.answer(404, "", "text/plain")
        if path.startswith("/container/"):
            mode = path[len("/container/"):]
            if mode == "auth" and self.headers.get("Authorization") != "Bearer container-token":
                return self.answer(401, '{"message": "bad token"}')
            bump(path)
            return self.answer(*self.creds("ASIACONTAINER", "ok" if mode == "auth" else mode, path))
        if path == "/federation/credentials":
            token = self.headers.get("x-amz-sso_bearer_token")
            account = query.get("account_id", [""])[0]
            role = query.get("role_name", [""])[0]
            bump(path)
            expires_ms = lambda seconds: int((datetime.datetime.now(datetime.timezone.utc).timestamp() + seconds) * 1000)
            if token == "sso-token-ok":
                return self.answer(200, json.dumps({"roleCredentials": {"accessKeyId": f"ASIASSO{account}", "secretAccessKey": "sso-secret",
                                                                        "sessionToken": "sso-session", "expiration": expires_ms(3600)}}))
            if token == "sso-token-short":
                number = bump(path + "#short")
                return self.answer(200, json.dumps({"roleCredentials": {"accessKeyId": f"ASIASSOSHORT{number:04d}", "secretAccessKey": "s",
                                                                        "sessionToken": "t", "expiration": expires_ms(60)}}))
            if token == "sso-token-malformed":
                return self.answer(200, '{"roleCredentials": {"role": "' + role + '"}}')
            return self.answer(401, json.dumps({"message": "Session token not found or invalid"}))
        return self.answer(404, "", "text/plain")


def main():
    parser = argparse.ArgumentParser(description="credential endpoint stand-ins for trailproof's tests")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--lifetime", type=float, default=3600)
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args()
    Handler.quiet = args.quiet
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    timer = threading.Timer(args.lifetime, server.shutdown)
    timer.daemon = True
    timer.start()
    server.serve_forever()


if __name__ == "__main__":
    main()
