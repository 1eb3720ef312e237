#!/usr/bin/env python3
"""Writes a synthetic CloudTrail corpus for benchmarking `rampart detect`.

Records follow the shape AWS documents for S3 data events (userIdentity, eventTime, eventSource, eventName,
sourceIPAddress, userAgent, requestParameters, additionalEventData, requestID, eventID, resources...), in gzip
{"Records":[...]} files of --per-file records, laid out as CloudTrail writes them to a bucket
(AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<stamp>_<id>.json.gz).

Traffic: 40 IAM users with long-lived keys and 10 role sessions putting, getting, listing, heading, copying and
deleting objects in 20 buckets, one record per ~20 ms of simulated time. Planted attack: one long-lived key re-encrypts
--attack objects in place with SSE-C (CopyObject onto itself), from a new IP, in the last tenth of the corpus.

Usage: bench/cloudtrail-corpus.py OUT_DIR [--records 1000000] [--per-file 10000] [--attack 500] [--seed 7]
"""
import argparse, datetime, gzip, json, os, random, uuid

ACCOUNT = "111122223333"
REGION = "us-east-1"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--per-file", type=int, default=10_000)
    ap.add_argument("--attack", type=int, default=500)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    t0 = datetime.datetime(2025, 1, 13, 0, 0, 0, tzinfo=datetime.timezone.utc)
    users = [("user-%02d" % i, "AKIA%016d" % i, "10.0.%d.%d" % (i // 200, i % 200 + 1)) for i in range(40)]
    roles = [("app-%d" % i, "ASIA%016d" % i, "10.1.0.%d" % (i + 1)) for i in range(10)]
    buckets = ["data-%02d" % i for i in range(20)]
    attacker = ("etl", "AKIAETLEXAMPLE000001", "203.0.113.66")
    attack_start = a.records - a.records // 10
    attack_every = max(1, (a.records // 10) // max(1, a.attack))
    planted = 0
    written = 0
    file_no = 0
    while written < a.records:
        n = min(a.per_file, a.records - written)
        recs = []
        for i in range(n):
            idx = written + i
            t = t0 + datetime.timedelta(milliseconds=20 * idx)
            if planted < a.attack and idx >= attack_start and (idx - attack_start) % attack_every == 0:
                recs.append(record(rnd, t, attacker, None, "CopyObject", "data-00", "obj-%06d" % planted, in_place=True, sse_c=True))
                planted += 1
                continue
            who = rnd.choice(users) if rnd.random() < 0.8 else rnd.choice(roles)
            role = who if who[1].startswith("ASIA") else None
            op = rnd.choices(["GetObject", "PutObject", "HeadObject", "ListObjects", "DeleteObject", "CopyObject"],
                             [45, 25, 12, 8, 5, 5])[0]
            recs.append(record(rnd, t, who, role, op, rnd.choice(buckets), "obj-%06d" % rnd.randrange(100_000),
                               in_place=False, sse_c=False))
        last = t0 + datetime.timedelta(milliseconds=20 * (written + n - 1))
        day = last.strftime("%Y/%m/%d")
        d = os.path.join(a.out, "AWSLogs", ACCOUNT, "CloudTrail", REGION, day)
        os.makedirs(d, exist_ok=True)
        name = "%s_CloudTrail_%s_%s_%08d.json.gz" % (ACCOUNT, REGION, last.strftime("%Y%m%dT%H%MZ"), file_no)
        with gzip.open(os.path.join(d, name), "wt", compresslevel=6) as f:
            json.dump({"Records": recs}, f, separators=(",", ":"))
        written += n
        file_no += 1
    print("wrote %d records in %d files to %s; planted %d in-place SSE-C re-encryptions by %s"
          % (written, file_no, a.out, planted, attacker[1]))


def record(rnd, t, who, role, op, bucket, key, in_place, sse_c):
    name, key_id, ip = who
    if role:
        ident = {"type": "AssumedRole", "principalId": "AROAEXAMPLE:" + name,
                 "arn": "arn:aws:sts::%s:assumed-role/app/%s" % (ACCOUNT, name), "accountId": ACCOUNT,
                 "accessKeyId": key_id,
                 "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": "AROAEXAMPLE",
                                                      "arn": "arn:aws:iam::%s:role/app" % ACCOUNT, "accountId": ACCOUNT,
                                                      "userName": "app"},
                                    "attributes": {"creationDate": "2025-01-13T00:00:00Z", "mfaAuthenticated": "false"}}}
    else:
        ident = {"type": "IAMUser", "principalId": "AIDA" + name.upper().replace("-", ""),
                 "arn": "arn:aws:iam::%s:user/%s" % (ACCOUNT, name), "accountId": ACCOUNT, "accessKeyId": key_id,
                 "userName": name}
    params = {"bucketName": bucket, "Host": "%s.s3.%s.amazonaws.com" % (bucket, REGION)}
    if op != "ListObjects":
        params["key"] = key
    else:
        params["list-type"] = "2"
        params["prefix"] = ""
    extra = {"SignatureVersion": "SigV4", "CipherSuite": "TLS_AES_128_GCM_SHA256", "bytesTransferredIn": 0,
             "AuthenticationMethod": "AuthHeader", "x-amz-id-2": "EXAMPLE", "bytesTransferredOut": 0}
    if op == "CopyObject":
        params["x-amz-copy-source"] = "%s/%s" % (bucket, key if in_place else "src-%06d" % rnd.randrange(100_000))
    if sse_c:
        params["x-amz-server-side-encryption-customer-algorithm"] = "AES256"
        params["x-amz-server-side-encryption-customer-key-MD5"] = "2+mN1ZyQ3Wn6b0eXcGJXLA=="
        extra["SSEApplied"] = "SSE_C"
    elif op in ("PutObject", "CopyObject"):
        extra["SSEApplied"] = "Default_SSE_S3"
    resources = []
    if "key" in params:
        resources.append({"type": "AWS::S3::Object", "ARN": "arn:aws:s3:::%s/%s" % (bucket, key)})
    resources.append({"accountId": ACCOUNT, "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::" + bucket})
    rec = {"eventVersion": "1.11", "userIdentity": ident, "eventTime": t.strftime("%Y-%m-%dT%H:%M:%SZ"),
           "eventSource": "s3.amazonaws.com", "eventName": op, "awsRegion": REGION, "sourceIPAddress": ip,
           "userAgent": "[aws-cli/2.18.5 md/Botocore#1.35.5]" if not in_place else "[aws-sdk-go/1.44.0]",
           "requestParameters": params, "responseElements": None, "additionalEventData": extra,
           "requestID": "%016X" % rnd.getrandbits(64), "eventID": str(uuid.UUID(int=rnd.getrandbits(128))),
           "readOnly": op in ("GetObject", "HeadObject", "ListObjects"), "resources": resources,
           "eventType": "AwsApiCall", "managementEvent": False, "recipientAccountId": ACCOUNT, "eventCategory": "Data",
           "tlsDetails": {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256",
                          "clientProvidedHostHeader": params["Host"]}}
    if rnd.random() < 0.02 and not in_place:
        rec["errorCode"] = "AccessDenied"
        rec["errorMessage"] = "Access Denied"
    return rec


if __name__ == "__main__":
    main()
