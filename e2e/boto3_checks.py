#!/usr/bin/env python3
"""Checks in the style of ceph's s3-tests (boto3): status codes and error codes AWS S3 answers. Usage: boto3_checks.py ENDPOINT"""
import sys

import boto3
import botocore
from botocore.config import Config

s3 = boto3.client("s3", endpoint_url=sys.argv[1],
                  config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))
failures = 0


def check(name, cond, detail=""):
    global failures
    if cond:
        print("  ok   boto3", name)
    else:
        failures += 1
        print("  FAIL boto3", name, detail)


def error(name, fn, status, code):
    try:
        fn()
        check(name, False, "succeeded, expected %s %s" % (status, code))
    except botocore.exceptions.ClientError as e:
        got = (e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"].get("Code"))
        check(name, got == (status, code), "got %s" % (got,))


B = "e2e-boto3"
s3.create_bucket(Bucket=B)
error("missing bucket: NoSuchBucket 404", lambda: s3.list_objects(Bucket="e2e-missing-bucket"), 404, "NoSuchBucket")
error("missing key: NoSuchKey 404", lambda: s3.get_object(Bucket=B, Key="missing"), 404, "NoSuchKey")
error("bucket name with uppercase: InvalidBucketName", lambda: s3.create_bucket(Bucket="Bad_Name"), 400, "InvalidBucketName")
error("bucket name like an IP: InvalidBucketName", lambda: s3.create_bucket(Bucket="192.168.5.4"), 400, "InvalidBucketName")
error("delete non-empty bucket: BucketNotEmpty",
      lambda: (s3.put_object(Bucket=B, Key="keep", Body=b"x"), s3.delete_bucket(Bucket=B)), 409, "BucketNotEmpty")

r = s3.list_objects(Bucket=B, MaxKeys=0)
check("max-keys=0 lists nothing, not truncated", "Contents" not in r and r["IsTruncated"] is False)
for k in ["foo/bar/xyzzy", "foo/bar/baz", "foo/baz/xyzzy", "quux/thud", "asdf"]:
    s3.put_object(Bucket=B, Key=k, Body=b"")
r = s3.list_objects(Bucket=B, Delimiter="/")
check("delimiter: common prefixes", [p["Prefix"] for p in r.get("CommonPrefixes", [])] == ["foo/", "quux/"], r.get("CommonPrefixes"))
r = s3.list_objects(Bucket=B, Delimiter="a")
check("delimiter 'a' rolls up at the first 'a'", [p["Prefix"] for p in r.get("CommonPrefixes", [])] == ["a", "foo/ba"],
      r.get("CommonPrefixes"))
r = s3.list_objects_v2(Bucket=B, Prefix="foo/", Delimiter="/")
check("prefix + delimiter", [p["Prefix"] for p in r.get("CommonPrefixes", [])] == ["foo/bar/", "foo/baz/"])
r = s3.list_objects_v2(Bucket=B, Delimiter="not-there")
check("delimiter never matching lists every key", r["KeyCount"] == 6 and "CommonPrefixes" not in r)

s3.put_object(Bucket=B, Key="empty", Body=b"")
check("empty object has size 0", s3.head_object(Bucket=B, Key="empty")["ContentLength"] == 0)
error("range on an empty object: InvalidRange 416",
      lambda: s3.get_object(Bucket=B, Key="empty", Range="bytes=0-0"), 416, "InvalidRange")
s3.put_object(Bucket=B, Key="ten", Body=b"0123456789")
check("suffix range", s3.get_object(Bucket=B, Key="ten", Range="bytes=-3")["Body"].read() == b"789")
check("range past the end is clipped", s3.get_object(Bucket=B, Key="ten", Range="bytes=8-100")["Body"].read() == b"89")
error("range starting past the end: InvalidRange", lambda: s3.get_object(Bucket=B, Key="ten", Range="bytes=10-20"), 416, "InvalidRange")

s3.put_object(Bucket=B, Key="meta", Body=b"m", Metadata={"color": "blue", "mixedCase": "x"})
md = s3.head_object(Bucket=B, Key="meta")["Metadata"]
check("user metadata is returned lower-cased", md == {"color": "blue", "mixedcase": "x"}, md)
# Non-ASCII metadata travels RFC 2047-encoded (boto3 refuses raw non-ASCII), and comes back as sent.
s3.put_object(Bucket=B, Key="meta-utf8", Body=b"m", Metadata={"name": "=?UTF-8?B?w6TDtsO8?="})
check("RFC 2047 metadata kept verbatim", s3.head_object(Bucket=B, Key="meta-utf8")["Metadata"]["name"] == "=?UTF-8?B?w6TDtsO8?=")

etag = s3.head_object(Bucket=B, Key="ten")["ETag"]
error("If-Match mismatch: 412", lambda: s3.get_object(Bucket=B, Key="ten", IfMatch='"nope"'), 412, "PreconditionFailed")
# A 304 has no body, so boto3 reports the status as the code.
error("If-None-Match match: 304", lambda: s3.get_object(Bucket=B, Key="ten", IfNoneMatch=etag), 304, "304")
error("PUT If-None-Match * on existing key: 412",
      lambda: s3.put_object(Bucket=B, Key="ten", Body=b"x", IfNoneMatch="*"), 412, "PreconditionFailed")
error("PUT If-Match on a missing key: NoSuchKey",
      lambda: s3.put_object(Bucket=B, Key="absent", Body=b"x", IfMatch=etag), 404, "NoSuchKey")

up = s3.create_multipart_upload(Bucket=B, Key="mpu")["UploadId"]
p1 = s3.upload_part(Bucket=B, Key="mpu", UploadId=up, PartNumber=1, Body=b"a" * 5242880)["ETag"]
p2 = s3.upload_part(Bucket=B, Key="mpu", UploadId=up, PartNumber=2, Body=b"small")["ETag"]
p3 = s3.upload_part(Bucket=B, Key="mpu", UploadId=up, PartNumber=3, Body=b"end")["ETag"]
r = s3.list_parts(Bucket=B, Key="mpu", UploadId=up, MaxParts=2)
check("ListParts paging", r["IsTruncated"] and r["NextPartNumberMarker"] == 2 and len(r["Parts"]) == 2)
error("complete with a wrong ETag: InvalidPart", lambda: s3.complete_multipart_upload(
    Bucket=B, Key="mpu", UploadId=up, MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": '"%s"' % ("0" * 32)}]}), 400, "InvalidPart")
error("complete out of order: InvalidPartOrder", lambda: s3.complete_multipart_upload(
    Bucket=B, Key="mpu", UploadId=up, MultipartUpload={"Parts": [{"PartNumber": 2, "ETag": p2}, {"PartNumber": 1, "ETag": p1}]}),
    400, "InvalidPartOrder")
error("complete with a small middle part: EntityTooSmall", lambda: s3.complete_multipart_upload(
    Bucket=B, Key="mpu", UploadId=up, MultipartUpload={"Parts": [{"PartNumber": 2, "ETag": p2}, {"PartNumber": 3, "ETag": p3}]}),
    400, "EntityTooSmall")
s3.complete_multipart_upload(Bucket=B, Key="mpu", UploadId=up,
                             MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": p1}, {"PartNumber": 3, "ETag": p3}]})
check("GET partNumber=2 returns the second part", s3.get_object(Bucket=B, Key="mpu", PartNumber=2)["Body"].read() == b"end")
up2 = s3.create_multipart_upload(Bucket=B, Key="aborted")["UploadId"]
s3.abort_multipart_upload(Bucket=B, Key="aborted", UploadId=up2)
error("abort twice: NoSuchUpload", lambda: s3.abort_multipart_upload(Bucket=B, Key="aborted", UploadId=up2), 404, "NoSuchUpload")

r = s3.delete_objects(Bucket=B, Delete={"Objects": [{"Key": "ten"}, {"Key": "never-existed"}], "Quiet": True})
check("DeleteObjects quiet mode reports nothing", "Deleted" not in r and "Errors" not in r, r)

# FULL_OBJECT CRC32 of a multipart object: combined from the part CRCs, no "-N" suffix; boto3 validates it on GET.
up3 = s3.create_multipart_upload(Bucket=B, Key="full", ChecksumAlgorithm="CRC32", ChecksumType="FULL_OBJECT")["UploadId"]
f1 = s3.upload_part(Bucket=B, Key="full", UploadId=up3, PartNumber=1, Body=b"f" * 5242880, ChecksumAlgorithm="CRC32")
f2 = s3.upload_part(Bucket=B, Key="full", UploadId=up3, PartNumber=2, Body=b"tail", ChecksumAlgorithm="CRC32")
r = s3.complete_multipart_upload(Bucket=B, Key="full", UploadId=up3, MultipartUpload={"Parts": [
    {"PartNumber": 1, "ETag": f1["ETag"], "ChecksumCRC32": f1["ChecksumCRC32"]},
    {"PartNumber": 2, "ETag": f2["ETag"], "ChecksumCRC32": f2["ChecksumCRC32"]}]})
check("FULL_OBJECT multipart CRC32", r.get("ChecksumType") == "FULL_OBJECT" and "-" not in r.get("ChecksumCRC32", "-"), r)
g = s3.get_object(Bucket=B, Key="full", ChecksumMode="ENABLED")
check("FULL_OBJECT CRC32 validated by boto3 on GET", len(g["Body"].read()) == 5242884 and g.get("ChecksumType") == "FULL_OBJECT")

# Conditional deletes.
error("DELETE If-Match mismatch: 412", lambda: s3.delete_object(Bucket=B, Key="meta", IfMatch='"nope"'), 412, "PreconditionFailed")
s3.delete_object(Bucket=B, Key="meta", IfMatch=s3.head_object(Bucket=B, Key="meta")["ETag"])
error("DELETE If-Match deleted the object", lambda: s3.head_object(Bucket=B, Key="meta"), 404, "404")

# DeleteBucket with only an in-progress multipart upload: the upload goes with the bucket.
U = "e2e-boto3-uploads"
s3.create_bucket(Bucket=U)
u = s3.create_multipart_upload(Bucket=U, Key="pending")["UploadId"]
s3.upload_part(Bucket=U, Key="pending", UploadId=u, PartNumber=1, Body=b"p")
s3.delete_bucket(Bucket=U)
check("DeleteBucket with only an upload in progress", not any(x["Name"] == U for x in s3.list_buckets()["Buckets"]))

V = "e2e-boto3-versions"
s3.create_bucket(Bucket=V)
check("versioning of a never-versioned bucket has no Status", "Status" not in s3.get_bucket_versioning(Bucket=V))
s3.put_bucket_versioning(Bucket=V, VersioningConfiguration={"Status": "Enabled"})
for i in range(3):
    s3.put_object(Bucket=V, Key="k", Body=b"%d" % i)
s3.delete_object(Bucket=V, Key="k")
r = s3.list_object_versions(Bucket=V)
check("ListObjectVersions: 3 versions and a latest delete marker",
      len(r["Versions"]) == 3 and len(r["DeleteMarkers"]) == 1 and r["DeleteMarkers"][0]["IsLatest"])
r = s3.list_object_versions(Bucket=V, MaxKeys=2)
r2 = s3.list_object_versions(Bucket=V, KeyMarker=r["NextKeyMarker"], VersionIdMarker=r["NextVersionIdMarker"])
check("ListObjectVersions pages join up", len(r.get("Versions", [])) + len(r.get("DeleteMarkers", []))
      + len(r2.get("Versions", [])) + len(r2.get("DeleteMarkers", [])) == 4)

for b in (B, V):
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=b):
        objs = [{"Key": v["Key"], "VersionId": v["VersionId"]} for v in page.get("Versions", []) + page.get("DeleteMarkers", [])]
        if objs:
            s3.delete_objects(Bucket=b, Delete={"Objects": objs, "Quiet": True})
    s3.delete_bucket(Bucket=b)
check("buckets removed", not any(x["Name"] in (B, V) for x in s3.list_buckets()["Buckets"]))
sys.exit(1 if failures else 0)
