#!/usr/bin/env python3
"""static-s3.py: a minimal, fast, read-only S3 endpoint over a bucket copy on disk, for bench/s3.sh.

usage: static-s3.py ROOT BUCKET [--port N] [--repeat-token]

Serves the files under ROOT (as trailproof-gen writes them) as the objects of BUCKET on
127.0.0.1 (a free port unless --port; printed as stdout's first line), with HTTP/1.1 keep-alive.
Each <key>.metadata.json sidecar becomes <key>'s user metadata (x-amz-meta-*), as CloudTrail
stores digest signatures, and is not an object itself. Everything is read into memory at start.

It answers only what `trailproof verify s3://…` and `aws cloudtrail validate-logs` ask:
ListObjectsV2 and ListObjects (prefix, start-after/marker, continuation-token, max-keys,
encoding-type=url), GetBucketLocation, HeadBucket, GetObject, HeadObject. Requests are not
authenticated. It exists to tell a server-bound measurement (moto: a few ms of Python per
request) from a client-bound one; bench/s3.sh uses moto unless BENCH_S3_SERVER=static.
With --repeat-token it plays a hostile server whose ListObjectsV2 pages never end (the same
continuation token every time), for the tests.
"""
import argparse
import asyncio
import email.utils
import hashlib
import json
import os
import sys
import urllib.parse
from xml.sax.saxutils import escape

LAST_MODIFIED = email.utils.formatdate(usegmt=True)
ISO_MODIFIED = "2026-01-20T00:00:00.000Z"


class Bucket:
    def __init__(self, root, name, repeat_token=False):
        self.name = name
        self.repeat_token = repeat_token
        self.objects = {}
        for folder, _, files in os.walk(root):
            for file in files:
                if file.endswith(".metadata.json"):
                    continue
                path = os.path.join(folder, file)
                key = os.path.relpath(path, root)
                with open(path, "rb") as handle:
                    body = handle.read()
                metadata = {}
                if os.path.exists(path + ".metadata.json"):
                    with open(path + ".metadata.json") as handle:
                        saved = json.load(handle)
                    metadata = saved.get("Metadata", saved)
                self.objects[key] = (body, '"%s"' % hashlib.md5(body).hexdigest(), metadata)
        self.keys = sorted(self.objects)

    def list(self, query, version):
        import bisect
        prefix = query.get("prefix", "")
        max_keys = min(int(query.get("max-keys", 1000)), 1000)
        url = query.get("encoding-type") == "url"
        if version == 2:
            after = query.get("continuation-token") or query.get("start-after") or ""
        else:
            after = query.get("marker", "")
        start = bisect.bisect_right(self.keys, after) if after else 0
        start = max(start, bisect.bisect_left(self.keys, prefix))
        page = []
        index = start
        while index < len(self.keys) and len(page) < max_keys:
            key = self.keys[index]
            if not key.startswith(prefix):
                break
            page.append(key)
            index += 1
        truncated = index < len(self.keys) and self.keys[index].startswith(prefix)
        if self.repeat_token and version == 2:
            truncated, page = True, page or self.keys[:1]
        show = (lambda k: urllib.parse.quote(k, safe="/")) if url else escape
        out = ['<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
               f"<Name>{escape(self.name)}</Name><Prefix>{show(prefix)}</Prefix><MaxKeys>{max_keys}</MaxKeys>",
               f"<IsTruncated>{'true' if truncated else 'false'}</IsTruncated>"]
        if url:
            out.append("<EncodingType>url</EncodingType>")
        if version == 2:
            out.append(f"<KeyCount>{len(page)}</KeyCount>")
            if truncated:
                token = "again" if self.repeat_token else page[-1]
                out.append(f"<NextContinuationToken>{escape(token)}</NextContinuationToken>")
        else:
            out.append(f"<Marker>{show(after)}</Marker>")
            if truncated:
                out.append(f"<NextMarker>{show(page[-1])}</NextMarker>")
        for key in page:
            body, etag, _ = self.objects[key]
            out.append(f"<Contents><Key>{show(key)}</Key><LastModified>{ISO_MODIFIED}</LastModified>"
                       f"<ETag>{escape(etag)}</ETag><Size>{len(body)}</Size><StorageClass>STANDARD</StorageClass></Contents>")
        out.append("</ListBucketResult>")
        return "".join(out).encode()


def response(status, reason, headers, body, head_only=False):
    lines = [f"HTTP/1.1 {status} {reason}", f"Content-Length: {len(body)}", "Server: static-s3",
             "x-amz-request-id: 0000000000000000"] + [f"{k}: {v}" for k, v in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (b"" if head_only else body)


def error(status, reason, code, resource, head_only=False):
    body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{code}</Message>'
            f"<Resource>{escape(resource)}</Resource><RequestId>0</RequestId></Error>").encode()
    return response(status, reason, [("Content-Type", "application/xml")], body, head_only)


def handle(bucket, method, target):
    split = urllib.parse.urlsplit(target)
    query = dict(urllib.parse.parse_qsl(split.query, keep_blank_values=True))
    path = urllib.parse.unquote(split.path)
    head_only = method == "HEAD"
    name, _, key = path.lstrip("/").partition("/")
    if method not in ("GET", "HEAD"):
        return error(405, "Method Not Allowed", "MethodNotAllowed", path)
    if name != bucket.name:
        return error(404, "Not Found", "NoSuchBucket", path, head_only)
    if not key:
        if "location" in query:
            body = b'<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>'
            return response(200, "OK", [("Content-Type", "application/xml")], body, head_only)
        if head_only:
            return response(200, "OK", [("x-amz-bucket-region", "us-east-1")], b"", True)
        version = 2 if query.get("list-type") == "2" else 1
        return response(200, "OK", [("Content-Type", "application/xml")], bucket.list(query, version))
    found = bucket.objects.get(key)
    if found is None:
        return error(404, "Not Found", "NoSuchKey", path, head_only)
    body, etag, metadata = found
    headers = [("Content-Type", "application/octet-stream"), ("ETag", etag), ("Last-Modified", LAST_MODIFIED),
               ("Accept-Ranges", "bytes")] + [(f"x-amz-meta-{k}", v) for k, v in metadata.items()]
    return response(200, "OK", headers, body, head_only)


async def serve(bucket, reader, writer):
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            length = 0
            for line in lines[1:]:
                if line.lower().startswith("content-length:"):
                    length = int(line.split(":", 1)[1])
            if length:
                await reader.readexactly(length)
            writer.write(handle(bucket, method.upper(), target))
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, ValueError):
        pass
    finally:
        writer.close()


async def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root")
    parser.add_argument("bucket")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--repeat-token", action="store_true", help="hostile: every listing page hands back the same token")
    args = parser.parse_args()
    bucket = Bucket(args.root, args.bucket, repeat_token=args.repeat_token)
    server = await asyncio.start_server(lambda r, w: serve(bucket, r, w), "127.0.0.1", args.port, limit=1 << 20)
    print(server.sockets[0].getsockname()[1], flush=True)
    parent = os.getppid()
    while os.getppid() == parent:
        await asyncio.sleep(0.5)
    os._exit(0)


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
