#!/usr/bin/env python3
"""A small stand-in for the CloudTrail API (and Organizations' DescribeOrganization), for tests.

usage: fake-cloudtrail.py [--host 127.0.0.1] [--port 0] [--quiet]

Binds HOST:PORT (port 0 picks a free port) and prints the port it listens on as the first line
of standard output. Speaks the JSON 1.1 protocol (POST /, X-Amz-Target) of:

  com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.ListPublicKeys
      registered keys of the caller's region whose validity overlaps [StartTime, EndTime]
  com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.DescribeTrails
      registered trails (what `aws cloudtrail validate-logs` reads without --s3-bucket)
  com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.GetTrail
  AWSOrganizationsV20161128.DescribeOrganization
      the registered organization (validate-logs asks for it for organization trails)

Every request must carry a SigV4 Authorization header; its signature is checked against the
namespace's secret (default "test"): a wrong signature gets 403 InvalidSignatureException, as
from AWS. The region is that of the credential scope (Credential=AKID/DATE/REGION/SERVICE/
aws4_request). State is kept per namespace, and the namespace is the access key id, so tests
running in parallel with different access key ids do not see each other's keys.

Test-only admin endpoints (no signature), NAMESPACE defaults to "test":
  PUT    /_trailproof/keys?region=R&namespace=N   body: list-public-keys JSON; replaces R's keys
  POST   /_trailproof/trails?namespace=N          body: a trail object or a list (DescribeTrails shape)
  PUT    /_trailproof/organization?namespace=N    body: {"Id": "o-…", ...}
  PUT    /_trailproof/settings?namespace=N        body: {"pageSize": N, "secret": "…", "repeatToken": true}
  GET    /_trailproof/requests?namespace=N        the signed API calls received: [{operation, region, body}]
  POST   /_trailproof/reset[?namespace=N]         forgets one namespace (or everything)
  GET    /_trailproof/health                      200 "ok"
"""
import argparse
import datetime
import hashlib
import hmac
import json
import re
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CLOUDTRAIL_PREFIX = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101."
ORGANIZATIONS_PREFIX = "AWSOrganizationsV20161128."
AUTHORIZATION = re.compile(
    r"AWS4-HMAC-SHA256\s+Credential=(?P<akid>[^/,\s]+)/(?P<date>\d{8})/(?P<region>[^/,\s]+)/(?P<service>[^/,\s]+)/aws4_request,\s*"
    r"SignedHeaders=(?P<headers>[^,\s]+),\s*Signature=(?P<signature>[0-9a-f]+)")


class State:
    """Everything registered, per namespace (access key id)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.spaces = {}

    def space(self, name):
        with self.lock:
            return self.spaces.setdefault(name, {
                "keys": {}, "trails": [], "organization": None, "pageSize": None, "secret": "test", "requests": []})

    def reset(self, name=None):
        with self.lock:
            if name is None:
                self.spaces.clear()
            else:
                self.spaces.pop(name, None)


STATE = State()


def epoch(value):
    """Seconds since the epoch from a number or an ISO 8601 string."""
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip()
    try:
        return float(text)
    except ValueError:
        pass
    text = text.replace("Z", "+00:00")
    moment = datetime.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment.timestamp()


class APIError(Exception):
    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def canonical_headers(handler, names):
    lines = []
    for name in names:
        values = handler.headers.get_all(name) or []
        value = ",".join(" ".join(v.strip().split()) for v in values)
        lines.append(f"{name}:{value}\n")
    return "".join(lines)


def canonical_query(query):
    pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
    encoded = sorted((urllib.parse.quote(k, safe="-_.~"), urllib.parse.quote(v, safe="-_.~")) for k, v in pairs)
    return "&".join(f"{k}={v}" for k, v in encoded)


def check_signature(handler, path, query, body, match, secret):
    """Recomputes the SigV4 signature of the request (a wrong one is an error, as from AWS)."""
    names = match.group("headers").split(";")
    payload_hash = handler.headers.get("x-amz-content-sha256") or hashlib.sha256(body).hexdigest()
    canonical = "\n".join([
        handler.command,
        urllib.parse.quote(urllib.parse.unquote(path), safe="/-_.~") or "/",
        canonical_query(query),
        canonical_headers(handler, names),
        match.group("headers"),
        payload_hash,
    ])
    amz_date = handler.headers.get("x-amz-date") or ""
    scope = f"{match.group('date')}/{match.group('region')}/{match.group('service')}/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + secret).encode()
    for part in (match.group("date"), match.group("region"), match.group("service"), "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, match.group("signature")):
        raise APIError(403, "InvalidSignatureException",
                       "The request signature we calculated does not match the signature you provided. "
                       f"The canonical request was:\n{canonical}")


def list_public_keys(space, region, request):
    start = epoch(request.get("StartTime"))
    end = epoch(request.get("EndTime"))
    if start is not None and end is not None and end < start:
        raise APIError(400, "InvalidTimeRangeException", "Occurs if the timestamp values are invalid: EndTime is before StartTime")
    keys = []
    for key in space["keys"].get(region, []):
        valid_from, valid_to = epoch(key.get("ValidityStartTime")), epoch(key.get("ValidityEndTime"))
        if end is not None and valid_from is not None and valid_from > end:
            continue
        if start is not None and valid_to is not None and valid_to < start:
            continue
        keys.append({"Value": key["Value"], "Fingerprint": key["Fingerprint"],
                     "ValidityStartTime": valid_from, "ValidityEndTime": valid_to})
    keys.sort(key=lambda k: (k["ValidityStartTime"] or 0, k["Fingerprint"]))
    if space.get("repeatToken"):
        # A hostile or broken service: every page hands back the same token.
        return {"PublicKeyList": keys[:1], "NextToken": "again"}
    size = space["pageSize"]
    offset = int(request.get("NextToken") or 0) if size else 0
    if size:
        page = keys[offset:offset + size]
        response = {"PublicKeyList": page}
        if offset + size < len(keys):
            response["NextToken"] = str(offset + size)
        return response
    return {"PublicKeyList": keys}


def describe_trails(space, region, request):
    # As the API reference says: a name matches only trails of the region called (a multi-region
    # trail is seen everywhere unless includeShadowTrails is false); an ARN matches wherever the
    # trail lives. An unknown name or ARN is no error, just absent from trailList.
    names = request.get("trailNameList") or []
    shadows = request.get("includeShadowTrails", True)
    trails = []
    for trail in space["trails"]:
        here = trail.get("HomeRegion") == region or (shadows and trail.get("IsMultiRegionTrail"))
        if names:
            if trail.get("TrailARN") in names or (trail.get("Name") in names and here):
                trails.append(trail)
        elif here:
            trails.append(trail)
    return {"trailList": trails}


def get_trail(space, region, request):
    name = request.get("Name")
    for trail in space["trails"]:
        if name in (trail.get("Name"), trail.get("TrailARN")):
            return {"Trail": trail}
    raise APIError(400, "TrailNotFoundException", f"Unknown trail: {name} for the user")


def describe_organization(space, region, request):
    organization = space["organization"]
    if organization is None:
        raise APIError(400, "AWSOrganizationsNotInUseException", "Your account is not a member of an organization.")
    return {"Organization": organization}


OPERATIONS = {
    CLOUDTRAIL_PREFIX + "ListPublicKeys": list_public_keys,
    CLOUDTRAIL_PREFIX + "DescribeTrails": describe_trails,
    CLOUDTRAIL_PREFIX + "GetTrail": get_trail,
    ORGANIZATIONS_PREFIX + "DescribeOrganization": describe_organization,
}


class Handler(BaseHTTPRequestHandler):
    server_version = "fake-cloudtrail/1"
    protocol_version = "HTTP/1.1"
    quiet = False

    def log_message(self, format, *args):
        if not self.quiet:
            sys.stderr.write("fake-cloudtrail: %s\n" % (format % args))

    def send_json(self, status, payload, content_type="application/x-amz-json-1.1"):
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-amzn-RequestId", "00000000-0000-4000-8000-000000000000")
        self.end_headers()
        self.wfile.write(body)

    def send_error_json(self, error):
        self.send_json(error.status, {"__type": error.code, "message": error.message})

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def do_GET(self):
        self.dispatch_admin("GET", b"")

    def do_PUT(self):
        self.dispatch_admin("PUT", self.read_body())

    def do_POST(self):
        body = self.read_body()
        if self.path.startswith("/_trailproof/"):
            self.dispatch_admin("POST", body)
        else:
            self.dispatch_api(body)

    def dispatch_api(self, body):
        try:
            path, _, query = self.path.partition("?")
            match = AUTHORIZATION.match(self.headers.get("Authorization") or "")
            if not match:
                raise APIError(400, "MissingAuthenticationTokenException", "Request is missing Authentication Token")
            space = STATE.space(match.group("akid"))
            check_signature(self, path, query, body, match, space["secret"])
            target = self.headers.get("X-Amz-Target") or ""
            operation = OPERATIONS.get(target)
            if operation is None:
                raise APIError(400, "UnknownOperationException", f"Unknown operation {target or '(no X-Amz-Target)'}")
            try:
                request = json.loads(body or b"{}")
            except ValueError:
                raise APIError(400, "SerializationException", "Request body is not JSON")
            with STATE.lock:
                space["requests"].append({"operation": target.rsplit(".", 1)[-1], "region": match.group("region"), "body": request})
            self.send_json(200, operation(space, match.group("region"), request))
        except APIError as error:
            self.send_error_json(error)

    def dispatch_admin(self, method, body):
        path, _, query = self.path.partition("?")
        params = dict(urllib.parse.parse_qsl(query))
        name = params.get("namespace", "test")
        try:
            payload = json.loads(body) if body else None
        except ValueError:
            return self.send_json(400, {"message": "body is not JSON"}, "application/json")
        route = (method, path)
        if route == ("GET", "/_trailproof/health"):
            return self.send_json(200, "ok", "application/json")
        if route == ("POST", "/_trailproof/reset"):
            STATE.reset(params.get("namespace"))
            return self.send_json(200, {"reset": params.get("namespace", "all")}, "application/json")
        space = STATE.space(name)
        if route == ("PUT", "/_trailproof/keys"):
            region = params.get("region")
            if not region:
                return self.send_json(400, {"message": "region= is required"}, "application/json")
            keys = (payload or {}).get("PublicKeyList", payload if isinstance(payload, list) else [])
            if not all(isinstance(k, dict) and "Value" in k and "Fingerprint" in k for k in keys):
                return self.send_json(400, {"message": "each key needs Value and Fingerprint"}, "application/json")
            with STATE.lock:
                space["keys"][region] = keys
            return self.send_json(200, {"region": region, "keys": len(keys)}, "application/json")
        if route == ("POST", "/_trailproof/trails"):
            trails = payload if isinstance(payload, list) else [payload]
            with STATE.lock:
                space["trails"] += [t for t in trails if isinstance(t, dict)]
            return self.send_json(200, {"trails": len(space["trails"])}, "application/json")
        if route == ("PUT", "/_trailproof/organization"):
            with STATE.lock:
                space["organization"] = payload
            return self.send_json(200, payload, "application/json")
        if route == ("PUT", "/_trailproof/settings"):
            with STATE.lock:
                if "pageSize" in (payload or {}):
                    space["pageSize"] = payload["pageSize"]
                if "secret" in (payload or {}):
                    space["secret"] = payload["secret"]
                if "repeatToken" in (payload or {}):
                    space["repeatToken"] = bool(payload["repeatToken"])
            return self.send_json(200, {"pageSize": space["pageSize"]}, "application/json")
        if route == ("GET", "/_trailproof/requests"):
            with STATE.lock:
                requests = list(space["requests"])
            return self.send_json(200, requests, "application/json")
        return self.send_json(404, {"message": f"no route {method} {path}"}, "application/json")


def main():
    parser = argparse.ArgumentParser(description="CloudTrail API stand-in for trailproof's tests")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--quiet", action="store_true", help="do not log requests to stderr")
    args = parser.parse_args()
    Handler.quiet = args.quiet
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
