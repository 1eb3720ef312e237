#!/usr/bin/env bash
# `rampart guard` against moto in server mode, an AWS stand-in for what Rampart does not serve: CloudTrail trails and
# event selectors, public ACLs, AWS's own credential report. Not part of `mvn verify` (it needs the python `moto`
# package); run by hand:   e2e/guard_moto.sh        (PORT=19871 for another port, KEEP=1 to keep the logs)
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
PORT=${PORT:-19871}
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
[ -f "$jar" ] || (cd "$root" && mvn -q -B -o -DskipTests -Dmaven.test.skip=true package)
JAVA_HOME=$("$root/bin/find-jdk")

export JAVA_HOME JAR="$jar"
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

print("guard on moto: %d failure(s)" % failures)
sys.exit(1 if failures else 0)
PY
