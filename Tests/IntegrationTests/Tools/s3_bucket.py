"""A bucket of an S3-compatible store, for tests that stage in it (boto3, which moto_server brings).

usage: s3_bucket.py ENDPOINT KEY SECRET create BUCKET
       s3_bucket.py ENDPOINT KEY SECRET list BUCKET PREFIX      one line per object: key, size, x-amz-meta-sha256
       s3_bucket.py ENDPOINT KEY SECRET uploads BUCKET PREFIX   one line per multipart upload still open
       s3_bucket.py ENDPOINT KEY SECRET damage BUCKET KEY       rewrites the object with byte 100 changed
       s3_bucket.py ENDPOINT KEY SECRET download BUCKET PREFIX DIR   every object under PREFIX into DIR
"""
import os
import sys

import boto3
from botocore.config import Config


def main():
    endpoint, key, secret, command, bucket = sys.argv[1:6]
    s3 = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=key, aws_secret_access_key=secret, region_name="us-east-1",
                      config=Config(s3={"addressing_style": "path"}, signature_version="s3v4"))
    if command == "create":
        s3.create_bucket(Bucket=bucket)
    elif command == "list":
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=sys.argv[6]):
            for item in page.get("Contents", []):
                meta = s3.head_object(Bucket=bucket, Key=item["Key"]).get("Metadata", {})
                print(item["Key"], item["Size"], meta.get("sha256", "-"))
    elif command == "uploads":
        for upload in s3.list_multipart_uploads(Bucket=bucket, Prefix=sys.argv[6]).get("Uploads", []):
            print(upload["Key"], upload["UploadId"])
    elif command == "damage":
        body = bytearray(s3.get_object(Bucket=bucket, Key=sys.argv[6])["Body"].read())
        body[100] ^= 0xFF
        s3.put_object(Bucket=bucket, Key=sys.argv[6], Body=bytes(body))
    elif command == "download":
        prefix, target = sys.argv[6], sys.argv[7]
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                path = os.path.join(target, item["Key"][len(prefix):])
                os.makedirs(os.path.dirname(path), exist_ok=True)
                s3.download_file(bucket, item["Key"], path)
    else:
        sys.exit("unknown command " + command)


if __name__ == "__main__":
    main()
