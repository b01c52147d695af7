#!/usr/bin/env python3
"""hostile-s3.py: an S3 endpoint that tries to hold a client forever, for the tests.

usage: hostile-s3.py MODE [--root DIR --bucket NAME] [--rate BYTES_PER_S] [--keys-per-page N]
                     [--port N] [--max-lifetime SECONDS]

Listens on 127.0.0.1 only (a free port unless --port; printed as stdout's first line). Stops by
itself after --max-lifetime seconds (default 120) or when its parent process exits; every loop
is bounded by that lifetime. Requests are not authenticated.

MODE is one of:
  fresh-tokens  every ListObjectsV2 page is truncated, with a fresh continuation token and
                --keys-per-page fresh keys (ascending, never ending)
  same-page     every ListObjectsV2 page is truncated, with a fresh continuation token and the
                very same keys
  no-token      ListObjectsV2 says IsTruncated=true and gives no NextContinuationToken
  garbled       ListObjectsV2's first page is whole and truncated (--keys-per-page keys); the
                second is a 200 whose body is that page cut in the middle and followed by bytes
                that are not UTF-8
  wrong-root    as garbled, but the second page is a whole document whose root is not
                ListBucketResult (ListAllMyBucketsResult, saying IsTruncated=false)
  no-is-truncated
                as garbled, but the second page is a ListBucketResult without IsTruncated
  trickle       every answer's headers at once, then its body at --rate bytes/s (default 3)
  endless-body  every answer is a chunked body that never ends, sent at --rate bytes/s
  gzip-bomb     serves the trail under --root as bucket --bucket (ListObjectsV2, GetObject,
                HeadObject; <key>.metadata.json sidecars are user metadata), except that every
                log file (a .json.gz key under CloudTrail/) is an endless chunked gzip stream of
                zeros, sent as fast as the client reads
  silent        accepts connections, reads requests, never answers
"""
import argparse
import asyncio
import bisect
import hashlib
import json
import os
import time
import urllib.parse
import zlib
from xml.sax.saxutils import escape

MODES = ("fresh-tokens", "same-page", "no-token", "garbled", "wrong-root", "no-is-truncated", "trickle", "endless-body", "gzip-bomb",
         "silent")
# Modes whose first listing page is whole and truncated and whose second is not a whole page.
BAD_SECOND_PAGE = ("garbled", "wrong-root", "no-is-truncated")


class Server:
    def __init__(self, args):
        self.mode = args.mode
        self.rate = args.rate
        self.keys_per_page = args.keys_per_page
        self.bucket = args.bucket
        self.deadline = time.monotonic() + args.max_lifetime
        self.tokens = 0
        self.objects = {}
        if args.root:
            for folder, _, files in os.walk(args.root):
                for file in files:
                    if file.endswith(".metadata.json"):
                        continue
                    path = os.path.join(folder, file)
                    with open(path, "rb") as handle:
                        body = handle.read()
                    metadata = {}
                    if os.path.exists(path + ".metadata.json"):
                        with open(path + ".metadata.json") as handle:
                            saved = json.load(handle)
                        metadata = saved.get("Metadata", saved)
                    self.objects[os.path.relpath(path, args.root)] = (body, metadata)
        self.keys = sorted(self.objects)

    def alive(self):
        return time.monotonic() < self.deadline

    # --- answers -----------------------------------------------------------------------------

    def listing(self, query):
        prefix = query.get("prefix", "")
        after = query.get("continuation-token") or query.get("start-after") or ""
        truncated, token = False, None
        if self.mode in BAD_SECOND_PAGE:
            return self.bad_second_page(query)
        if self.mode in ("fresh-tokens", "same-page", "no-token"):
            self.tokens += 1
            page = self.tokens if self.mode == "fresh-tokens" else 1
            keys = [f"{prefix}hostile/{page:09d}/{index:04d}" for index in range(self.keys_per_page)]
            truncated = True
            token = None if self.mode == "no-token" else f"token-{self.tokens}-{os.urandom(4).hex()}"
        else:
            if after.startswith("from:"):
                after = after[len("from:"):]
            start = max(bisect.bisect_right(self.keys, after) if after else 0, bisect.bisect_left(self.keys, prefix))
            keys = []
            index = start
            while index < len(self.keys) and len(keys) < 1000 and self.keys[index].startswith(prefix):
                keys.append(self.keys[index])
                index += 1
            truncated = index < len(self.keys) and self.keys[index].startswith(prefix)
            token = "from:" + keys[-1] if truncated else None
        out = ['<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
               f"<Name>{escape(self.bucket)}</Name><Prefix>{urllib.parse.quote(prefix)}</Prefix><MaxKeys>1000</MaxKeys>",
               f"<IsTruncated>{'true' if truncated else 'false'}</IsTruncated><EncodingType>url</EncodingType>",
               f"<KeyCount>{len(keys)}</KeyCount>"]
        if token:
            out.append(f"<NextContinuationToken>{escape(token)}</NextContinuationToken>")
        for key in keys:
            size = len(self.objects[key][0]) if key in self.objects else 1
            out.append(f"<Contents><Key>{urllib.parse.quote(key, safe='/')}</Key><LastModified>2026-01-20T00:00:00.000Z</LastModified>"
                       f'<ETag>"0"</ETag><Size>{size}</Size><StorageClass>STANDARD</StorageClass></Contents>')
        out.append("</ListBucketResult>")
        return "".join(out).encode()

    def bad_second_page(self, query):
        prefix = query.get("prefix", "")
        second = bool(query.get("continuation-token"))
        keys = [f"{prefix}hostile/{2 if second else 1:09d}/{index:04d}" for index in range(self.keys_per_page)]
        contents = "".join(f"<Contents><Key>{urllib.parse.quote(key, safe='/')}</Key><Size>1</Size></Contents>" for key in keys)
        head = '<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
        if not second:
            return (head + "<IsTruncated>true</IsTruncated><EncodingType>url</EncodingType>"
                    f"<NextContinuationToken>page-2</NextContinuationToken>{contents}</ListBucketResult>").encode()
        if self.mode == "garbled":
            whole = (head + f"<IsTruncated>false</IsTruncated><EncodingType>url</EncodingType>{contents}</ListBucketResult>").encode()
            return whole[:len(whole) // 2] + b"\xff\xfe\x00garbage"
        if self.mode == "wrong-root":
            return (b'<?xml version="1.0" encoding="UTF-8"?>\n<ListAllMyBucketsResult><IsTruncated>false</IsTruncated>'
                    b"<Buckets></Buckets></ListAllMyBucketsResult>")
        return (head + f"<EncodingType>url</EncodingType>{contents}</ListBucketResult>").encode()

    def answer(self, method, target):
        """(status, headers, body or None for an endless gzip body)."""
        split = urllib.parse.urlsplit(target)
        query = dict(urllib.parse.parse_qsl(split.query, keep_blank_values=True))
        path = urllib.parse.unquote(split.path)
        _, _, key = path.lstrip("/").partition("/")
        if not key:
            if method == "HEAD":
                return 200, [("x-amz-bucket-region", "us-east-1")], b""
            return 200, [("Content-Type", "application/xml")], self.listing(query)
        if self.mode == "gzip-bomb" and "/CloudTrail/" in "/" + key and key.endswith(".json.gz"):
            return 200, [("Content-Type", "application/octet-stream")], None
        found = self.objects.get(key)
        if found is None:
            body = f"<Error><Code>NoSuchKey</Code><Resource>{escape(path)}</Resource></Error>".encode()
            return 404, [("Content-Type", "application/xml")], body
        body, metadata = found
        headers = [("Content-Type", "application/octet-stream"), ("ETag", '"%s"' % hashlib.md5(body).hexdigest())]
        return 200, headers + [(f"x-amz-meta-{k}", v) for k, v in metadata.items()], body

    # --- sending -----------------------------------------------------------------------------

    async def send(self, writer, method, status, headers, body):
        reason = {200: "OK", 404: "Not Found"}.get(status, "Error")
        head_only = method == "HEAD"
        lines = [f"HTTP/1.1 {status} {reason}", "Server: hostile-s3", "x-amz-request-id: 0"] + [f"{k}: {v}" for k, v in headers]
        endless = body is None or self.mode == "endless-body"
        if endless and not head_only:
            lines.append("Transfer-Encoding: chunked")
        else:
            lines.append(f"Content-Length: {len(body)}")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        await writer.drain()
        if head_only:
            return
        if body is None:
            await self.send_gzip_bomb(writer)
        elif self.mode == "endless-body":
            await self.send_endless(writer)
        elif self.mode == "trickle":
            await self.send_slowly(writer, body)
        else:
            writer.write(body)
            await writer.drain()

    async def send_slowly(self, writer, body):
        step = max(1, int(self.rate))
        for offset in range(0, len(body), step):
            if not self.alive():
                return
            writer.write(body[offset:offset + step])
            await writer.drain()
            await asyncio.sleep(step / self.rate)

    async def send_endless(self, writer):
        filler = b'<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult>' + b" " * 65536
        step = max(1, int(self.rate / 10))
        sent = 0
        while self.alive():
            piece = filler[sent % len(filler):][:step] or b" " * step
            writer.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            await writer.drain()
            sent += len(piece)
            await asyncio.sleep(len(piece) / self.rate)

    async def send_gzip_bomb(self, writer):
        compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + 15)
        zeros = bytes(1 << 20)
        while self.alive():
            piece = compressor.compress(zeros) + compressor.flush(zlib.Z_SYNC_FLUSH)
            writer.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            await writer.drain()

    async def serve(self, reader, writer):
        try:
            while self.alive():
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=max(0.1, self.deadline - time.monotonic()))
                lines = head.decode("latin-1").split("\r\n")
                method, target, _ = lines[0].split(" ", 2)
                length = 0
                for line in lines[1:]:
                    if line.lower().startswith("content-length:"):
                        length = int(line.split(":", 1)[1])
                if length:
                    await reader.readexactly(length)
                if self.mode == "silent":
                    continue  # read the next request, if any; answer none
                status, headers, body = self.answer(method.upper(), target)
                await self.send(writer, method.upper(), status, headers, body)
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, asyncio.TimeoutError, ConnectionError, ValueError):
            pass
        finally:
            writer.close()


async def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("mode", choices=MODES)
    parser.add_argument("--root", help="a trail as trailproof-gen writes it (gzip-bomb mode)")
    parser.add_argument("--bucket", default="hostile", help="the bucket name served")
    parser.add_argument("--rate", type=float, default=3, help="bytes per second (trickle, endless-body)")
    parser.add_argument("--keys-per-page", type=int, default=1000, help="keys in each listing page (fresh-tokens, same-page)")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--max-lifetime", type=float, default=120, help="exit after this many seconds")
    args = parser.parse_args()
    if args.rate <= 0:
        raise SystemExit("hostile-s3: --rate must be positive")
    server = Server(args)
    listener = await asyncio.start_server(server.serve, "127.0.0.1", args.port, limit=1 << 20)
    print(listener.sockets[0].getsockname()[1], flush=True)
    parent = os.getppid()
    while server.alive() and os.getppid() == parent:
        await asyncio.sleep(0.2)
    # No graceful close: held connections would keep it open. Nothing here needs flushing.
    os._exit(0)


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
