#!/usr/bin/env bash
# `rampart guard` against moto in server mode, an AWS stand-in for what Rampart does not serve: CloudTrail trails and
# event selectors, public ACLs, AWS's own credential report (old and unused keys), S3 Control's account-level Block
# Public Access, Organizations RCPs and where they are attached, S3 Inventory configurations and their reports.
# Not part of `mvn verify` (it needs the python `moto` package); run by hand:
#   e2e/guard_moto.sh        (a free port is picked; PORT=19871 to choose one, KEEP=1 to keep the logs)
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
PORT=${PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
EP=http://127.0.0.1:$PORT
work=$(mktemp -d /tmp/rampart-guard-moto.XXXXXX)
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_SESSION_TOKEN
python3 -c 'import moto, boto3' 2>/dev/null || { echo "skipped: python moto/boto3 not installed (pip install 'moto[server]')"; exit 0; }

cleanup() {
  if [ -n "${moto_pid:-}" ]; then kill "$moto_pid" 2>/dev/null || true; wait "$moto_pid" 2>/dev/null || true; fi
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

python3 -m moto.server -H 127.0.0.1 -p "$PORT" >"$work/moto.log" 2>&1 &
moto_pid=$!
for _ in $(seq 1 100); do curl -s -o /dev/null "$EP/moto-api/" && break; sleep 0.1; done

jar="$root/target/rampart.jar"
[ -f "$jar" ] || (cd "$root" && JAVA_HOME=$("$root/bin/find-jdk") flock /tmp/rampart-mvn.lock mvn -q -B -o -DskipTests \
  -Dmaven.test.skip=true package)
JAVA_HOME=$("$root/bin/find-jdk")

export JAVA_HOME JAR="$jar" ROOT="$root"
python3 - "$EP" "$work" <<'PY'
import json, subprocess, sys, os
import boto3

ep, work = sys.argv[1], sys.argv[2]
s3 = boto3.client("s3", endpoint_url=ep)
iam = boto3.client("iam", endpoint_url=ep)
ct = boto3.client("cloudtrail", endpoint_url=ep)
failures = 0

def check(name, cond, detail=""):
    global failures
    print(("  ok   " if cond else "  FAIL ") + name + ("" if cond else " " + detail))
    failures += 0 if cond else 1

def guard(*args):
    java = os.path.join(os.environ["JAVA_HOME"], "bin", "java")
    p = subprocess.run([java, "-jar", os.environ["JAR"], "guard", "--endpoint", ep, "--format", "json", *args],
                       capture_output=True, text=True)
    try:
        return p.returncode, json.loads(p.stdout), p.stderr
    except ValueError:
        print(p.stdout, p.stderr)
        raise

def status(report, cid, resource=None):
    for c in report["checks"]:
        if c["id"] == cid and (resource is None or c["resource"] == resource):
            return c["status"], c["evidence"]
    return None, None

# Buckets: one public by ACL, one private and versioned.
s3.create_bucket(Bucket="moto-public")
s3.put_bucket_acl(Bucket="moto-public", ACL="public-read")
s3.create_bucket(Bucket="moto-private")
s3.put_bucket_versioning(Bucket="moto-private", VersioningConfiguration={"Status": "Enabled"})
# An IAM user with a key, and a trail without data events.
iam.create_user(UserName="moto-user")
iam.create_access_key(UserName="moto-user")
s3.create_bucket(Bucket="moto-trail-logs")
ct.create_trail(Name="main", S3BucketName="moto-trail-logs")
ct.start_logging(Name="main")

code, r, err = guard("--bucket", "moto-public", "--bucket", "moto-private")
check("guard exits 0 without --fail-on", code == 0, err)
st, ev = status(r, "S3.ACL.PUBLIC", "arn:aws:s3:::moto-public")
check("public-read ACL fails S3.ACL.PUBLIC", st == "FAIL", "%s %s" % (st, ev))
st, ev = status(r, "S3.ACL.PUBLIC", "arn:aws:s3:::moto-private")
check("private ACL passes S3.ACL.PUBLIC", st == "PASS", "%s %s" % (st, ev))
st, ev = status(r, "S3.VERSIONING", "arn:aws:s3:::moto-private")
check("versioned bucket passes S3.VERSIONING", st == "PASS", "%s %s" % (st, ev))
st, ev = status(r, "CLOUDTRAIL.S3_DATA_EVENTS")
check("a trail with management events only fails CLOUDTRAIL.S3_DATA_EVENTS", st == "FAIL", "%s %s" % (st, ev))
st, ev = status(r, "IAM.USER.MFA", "arn:aws:iam::123456789012:user/moto-user")
check("credential report from AWS's CSV: user without MFA fails IAM.USER.MFA", st == "FAIL", "%s %s" % (st, ev))
st, ev = status(r, "IAM.ACCESS_KEY.AGE", "arn:aws:iam::123456789012:user/moto-user")
check("a new key passes IAM.ACCESS_KEY.AGE", st == "PASS", "%s %s" % (st, ev))

ct.put_event_selectors(TrailName="main", EventSelectors=[{"ReadWriteType": "All", "IncludeManagementEvents": True,
    "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]}])
code, r, err = guard("--bucket", "moto-private")
st, ev = status(r, "CLOUDTRAIL.S3_DATA_EVENTS")
check("a logging trail with S3 data events passes", st == "PASS", "%s %s" % (st, ev))
ct.stop_logging(Name="main")
code, r, err = guard("--bucket", "moto-private", "--fail-on", "HIGH")
st, ev = status(r, "CLOUDTRAIL.S3_DATA_EVENTS")
check("the same trail stopped fails", st == "FAIL", "%s %s" % (st, ev))
check("--fail-on HIGH exits 1 on it", code == 1, "exit %d" % code)

# ---- old keys: the credential report dated 100 days later (moto cannot backdate a key) ----
import datetime, gzip, hashlib, io
later = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=100)).strftime("%Y-%m-%dT%H:%M:%SZ")
code, r, err = guard("--bucket", "moto-private", "--as-of", later)
st, ev = status(r, "IAM.ACCESS_KEY.AGE", "arn:aws:iam::123456789012:user/moto-user")
check("the same key 100 days later fails IAM.ACCESS_KEY.AGE", st == "FAIL", "%s %s" % (st, ev))
st, ev = status(r, "IAM.ACCESS_KEY.UNUSED", "arn:aws:iam::123456789012:user/moto-user")
check("never used for 100 days fails IAM.ACCESS_KEY.UNUSED", st == "FAIL", "%s %s" % (st, ev))

# ---- not a Rampart: no RAMPART.* checks, and SSE-C writers cannot be named ----
check("moto is not mistaken for a Rampart", not any(c["id"].startswith("RAMPART.") for c in r["checks"]),
      str([c["id"] for c in r["checks"] if c["id"].startswith("RAMPART.")]))

# ---- account-level Block Public Access (S3 Control) ----
# boto3's s3control client puts the account id in the host name (123456789012.127.0.0.1): sign the PUT by hand.
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
import urllib.request
acct = "123456789012"
class S3Control:
    def put_public_access_block(self, AccountId, PublicAccessBlockConfiguration):
        body = ('<PublicAccessBlockConfiguration xmlns="http://awss3control.amazonaws.com/doc/2018-08-20/">'
                + "".join("<%s>%s</%s>" % (k, str(v).lower(), k) for k, v in PublicAccessBlockConfiguration.items())
                + "</PublicAccessBlockConfiguration>").encode()
        req = AWSRequest(method="PUT", url=ep + "/v20180820/configuration/publicAccessBlock", data=body,
                         headers={"x-amz-account-id": AccountId, "Content-Type": "application/xml"})
        SigV4Auth(boto3.Session().get_credentials(), "s3", "us-east-1").add_auth(req)
        urllib.request.urlopen(urllib.request.Request(req.url, data=body, method="PUT", headers=dict(req.headers))).read()
s3c = S3Control()
st, ev = status(r, "S3.ACCOUNT.PUBLIC_ACCESS_BLOCK")
check("no account-level Block Public Access fails", st == "FAIL", "%s %s" % (st, ev))
s3c.put_public_access_block(AccountId=acct, PublicAccessBlockConfiguration={"BlockPublicAcls": True,
    "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": False})
code, r, err = guard("--bucket", "moto-private")
st, ev = status(r, "S3.ACCOUNT.PUBLIC_ACCESS_BLOCK")
check("account-level Block Public Access partly on fails", st == "FAIL" and "RestrictPublicBuckets=false" in (ev or ""),
      "%s %s" % (st, ev))
s3c.put_public_access_block(AccountId=acct, PublicAccessBlockConfiguration={"BlockPublicAcls": True,
    "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
code, r, err = guard("--bucket", "moto-private")
st, ev = status(r, "S3.ACCOUNT.PUBLIC_ACCESS_BLOCK")
check("account-level Block Public Access fully on passes", st == "PASS", "%s %s" % (st, ev))

# ---- Organizations: an RCP denying SSE-C, evaluated, and counted only once attached to the root ----
org = boto3.client("organizations", endpoint_url=ep)
st, ev = status(r, "ORG.SSEC.RCP")
check("no organization fails ORG.SSEC.RCP", st == "FAIL", "%s %s" % (st, ev))
org.create_organization(FeatureSet="ALL")
root_id = org.list_roots()["Roots"][0]["Id"]
try:
    org.enable_policy_type(RootId=root_id, PolicyType="RESOURCE_CONTROL_POLICY")
except Exception as e:  # older moto: RCPs need no enabling
    print("  (enable_policy_type: %s)" % e)
weak = org.create_policy(Name="LooksLikeIt", Description="mentions SSE-C but allows", Type="RESOURCE_CONTROL_POLICY",
    Content=json.dumps({"Version": "2012-10-17", "Statement": [{"Sid": "DenySSEC", "Effect": "Allow", "Principal": "*",
        "Action": "s3:PutObject", "Resource": "*", "Condition": {"Null": {"s3:x-amz-server-side-encryption-customer-algorithm": "false"}}}]}))
org.attach_policy(PolicyId=weak["Policy"]["PolicySummary"]["Id"], TargetId=root_id)
code, r, err = guard("--bucket", "moto-private")
st, ev = status(r, "ORG.SSEC.RCP")
check("an attached RCP that names SSE-C but does not deny it fails (evaluated, not string-matched)",
      st == "FAIL" and "none denies SSE-C uploads" in (ev or ""), "%s %s" % (st, ev))
rcp_doc = open(os.path.join(os.environ["ROOT"], "policies", "block-ssec.rcp.json")).read()
pol = org.create_policy(Name="BlockSSEC", Description="no SSE-C", Type="RESOURCE_CONTROL_POLICY", Content=rcp_doc)
pid = pol["Policy"]["PolicySummary"]["Id"]
code, r, err = guard("--bucket", "moto-private")
st, ev = status(r, "ORG.SSEC.RCP")
check("a denying RCP attached nowhere fails", st == "FAIL" and "attached nowhere" in (ev or ""), "%s %s" % (st, ev))
org.attach_policy(PolicyId=pid, TargetId=root_id)
code, r, err = guard("--bucket", "moto-private")
st, ev = status(r, "ORG.SSEC.RCP")
check("the RCP attached to the root passes", st == "PASS" and "BlockSSEC" in (ev or ""), "%s %s" % (st, ev))
# ---- S3 Inventory: the bucket's configuration, its newest manifest and CSV.gz read instead of a HEAD per version ----
s3.create_bucket(Bucket="moto-inv-dest")
s3.put_bucket_inventory_configuration(Bucket="moto-private", Id="all", InventoryConfiguration={
    "Id": "all", "IsEnabled": True, "IncludedObjectVersions": "All",
    "Destination": {"S3BucketDestination": {"Bucket": "arn:aws:s3:::moto-inv-dest", "Format": "CSV", "Prefix": "inv"}},
    "Schedule": {"Frequency": "Daily"}, "OptionalFields": ["Size", "LastModifiedDate", "EncryptionStatus"]})
s3.put_object(Bucket="moto-private", Key="plain.txt", Body=b"plain")
rows = ('"moto-private","plain.txt","v1","true","false","5","2026-12-01T00:00:00.000Z","SSE-S3"\n'
        '"moto-private","locked.bin","v2","true","false","8","2026-12-02T00:00:00.000Z","SSE-C"\n')
data = gzip.compress(rows.encode())
s3.put_object(Bucket="moto-inv-dest", Key="inv/moto-private/all/data/1.csv.gz", Body=data)
def manifest(day):
    return json.dumps({"sourceBucket": "moto-private", "destinationBucket": "arn:aws:s3:::moto-inv-dest",
        "version": "2016-11-30", "creationTimestamp": "1764720000000", "fileFormat": "CSV",
        "fileSchema": "Bucket, Key, VersionId, IsLatest, IsDeleteMarker, Size, LastModifiedDate, EncryptionStatus",
        "files": [{"key": "inv/moto-private/all/data/1.csv.gz", "size": len(data), "MD5checksum": hashlib.md5(data).hexdigest()}]})
s3.put_object(Bucket="moto-inv-dest", Key="inv/moto-private/all/2026-12-01T01-00Z/manifest.json", Body=b"{}")
s3.put_object(Bucket="moto-inv-dest", Key="inv/moto-private/all/2026-12-02T01-00Z/manifest.json", Body=manifest(2).encode())
code, r, err = guard("--bucket", "moto-private", "--inventory")
st, ev = status(r, "S3.SSEC.OBJECTS", "arn:aws:s3:::moto-private")
check("the newest S3 Inventory report is read: its SSE-C version fails S3.SSEC.OBJECTS", st == "FAIL"
      and "S3 Inventory report s3://moto-inv-dest/inv/moto-private/all/2026-12-02T01-00Z/manifest.json" in (ev or "")
      and "locked.bin (version v2" in (ev or "") and "the endpoint has no audit trail guard can read" in (ev or ""),
      "%s %s" % (st, ev))
# moto's DeleteBucketInventoryConfiguration answers BucketNotEmpty: disable the configuration instead.
s3.put_bucket_inventory_configuration(Bucket="moto-private", Id="all", InventoryConfiguration={
    "Id": "all", "IsEnabled": False, "IncludedObjectVersions": "All",
    "Destination": {"S3BucketDestination": {"Bucket": "arn:aws:s3:::moto-inv-dest", "Format": "CSV", "Prefix": "inv"}},
    "Schedule": {"Frequency": "Daily"}})
code, r, err = guard("--bucket", "moto-private", "--inventory")
st, ev = status(r, "S3.SSEC.OBJECTS", "arn:aws:s3:::moto-private")
check("with the inventory configuration disabled every version is HEAD-ed", st == "PASS" and "HeadObject of every version" in (ev or ""),
      "%s %s" % (st, ev))

print("guard on moto: %d failure(s)" % failures)
sys.exit(1 if failures else 0)
PY
