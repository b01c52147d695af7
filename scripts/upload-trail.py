#!/usr/bin/env python3
"""Uploads a generated trail directory to an S3-compatible server, keeping digest signatures as
S3 user metadata (x-amz-meta-signature) the way CloudTrail stores them.

usage: upload-trail.py ENDPOINT ROOT [BUCKET]
ROOT is the bucket copy written by trailproof-gen; BUCKET defaults to ROOT's folder name.
Each <key>.metadata.json sidecar becomes the metadata of <key>; sidecars are not uploaded.
"""
import json
import os
import sys

import boto3
from botocore.config import Config


def main():
    endpoint, root = sys.argv[1], sys.argv[2].rstrip("/")
    bucket = sys.argv[3] if len(sys.argv) > 3 else os.path.basename(root)
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name=os.environ.get("AWS_DEFAULT_REGION", "us-east-1"),
                      config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 10}))
    try:
        s3.create_bucket(Bucket=bucket)
    except s3.exceptions.BucketAlreadyOwnedByYou:
        pass
    count = 0
    for folder, _, files in os.walk(root):
        for name in files:
            path = os.path.join(folder, name)
            key = os.path.relpath(path, root)
            if key.endswith(".metadata.json"):
                continue
            extra = {}
            sidecar = path + ".metadata.json"
            if os.path.exists(sidecar):
                with open(sidecar) as handle:
                    metadata = json.load(handle).get("Metadata", {})
                extra["Metadata"] = {k: v for k, v in metadata.items()}
            with open(path, "rb") as handle:
                s3.put_object(Bucket=bucket, Key=key, Body=handle.read(), **extra)
            count += 1
    print(f"uploaded {count} objects to s3://{bucket}")


if __name__ == "__main__":
    main()
