package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketCannedACL;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectAclResponse;
import software.amazon.awssdk.services.s3.model.Grant;
import software.amazon.awssdk.services.s3.model.Grantee;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;
import software.amazon.awssdk.services.s3.model.ObjectOwnership;
import software.amazon.awssdk.services.s3.model.Permission;
import software.amazon.awssdk.services.s3.model.Type;

/**
 * ACLs under S3 Object Ownership, through the AWS SDK: BucketOwnerEnforced by default (ACLs refused), ownership controls,
 * canned ACLs, grant headers and AccessControlPolicy bodies on buckets and objects, ACL grants in access decisions
 * (anonymous and authenticated users, an explicit Deny still wins), and Block Public Access's ACL switches.
 */
class AclTest {
    private static final String ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers";
    private static final String AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
    private static final AtomicInteger COUNTER = new AtomicInteger();

    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.withDefaults();

    private static RampartServer server;
    private static S3Client s3;
    private static S3Client anonymous;
    private static IamClient iam;

    @BeforeAll
    static void start() {
        server = RAMPART.server();
        s3 = RAMPART.s3();
        iam = RAMPART.iam();
        anonymous = S3Client.builder()
                .endpointOverride(server.endpoint())
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(AnonymousCredentialsProvider.create())
                .build();
    }

    private static String unique(String prefix) {
        return prefix + "-" + COUNTER.incrementAndGet();
    }

    /** A bucket with ACLs enabled (ObjectWriter), as CreateBucket with x-amz-object-ownership makes it. */
    private static String aclBucket() {
        String bucket = unique("acl");
        s3.createBucket(b -> b.bucket(bucket).objectOwnership(ObjectOwnership.OBJECT_WRITER));
        return bucket;
    }

    private static String ownerId() {
        return s3.getBucketAcl(b -> b.bucket(aclBucketOnce())).owner().id();
    }

    private static String sharedBucket;

    private static synchronized String aclBucketOnce() {
        if (sharedBucket == null) sharedBucket = aclBucket();
        return sharedBucket;
    }

    private static boolean hasGroupGrant(List<Grant> grants, String uri, Permission p) {
        return grants.stream()
                .anyMatch(g -> g.grantee().type() == Type.GROUP
                        && uri.equals(g.grantee().uri())
                        && g.permission() == p);
    }

    @Test
    void newBucketsAreBucketOwnerEnforcedAndRefuseAclsOtherThanTheOwnersFullControl() {
        String bucket = unique("enforced");
        s3.createBucket(b -> b.bucket(bucket));
        assertThat(s3.getBucketOwnershipControls(b -> b.bucket(bucket))
                        .ownershipControls()
                        .rules()
                        .get(0)
                        .objectOwnership())
                .isEqualTo(ObjectOwnership.BUCKET_OWNER_ENFORCED);
        S3Errors.assertS3Error(
                () -> s3.putObject(
                        b -> b.bucket(bucket).key("k").acl(ObjectCannedACL.PUBLIC_READ), RequestBody.fromString("x")),
                400,
                "AccessControlListNotSupported");
        S3Errors.assertS3Error(
                () -> s3.putBucketAcl(b -> b.bucket(bucket).acl(BucketCannedACL.PUBLIC_READ)),
                400,
                "AccessControlListNotSupported");
        S3Errors.assertS3Error(
                () -> s3.putObject(
                        b -> b.bucket(bucket).key("k").grantRead("uri=\"" + ALL_USERS + "\""),
                        RequestBody.fromString("x")),
                400,
                "AccessControlListNotSupported");
        s3.putObject(
                b -> b.bucket(bucket).key("k").acl(ObjectCannedACL.BUCKET_OWNER_FULL_CONTROL),
                RequestBody.fromString("x"));
        GetObjectAclResponse acl = s3.getObjectAcl(b -> b.bucket(bucket).key("k"));
        assertThat(acl.grants()).hasSize(1);
        assertThat(acl.grants().get(0).permission()).isEqualTo(Permission.FULL_CONTROL);
        assertThat(acl.grants().get(0).grantee().id())
                .isEqualTo(acl.owner().id())
                .hasSize(64);
        assertThat(acl.owner().displayName()).isNotEmpty();
        String other = unique("enforced-create");
        S3Errors.assertS3Error(
                () -> s3.createBucket(b -> b.bucket(other).acl(BucketCannedACL.PUBLIC_READ)),
                400,
                "InvalidBucketAclWithObjectOwnership");
    }

    @Test
    void ownershipControlsArePutReadAndDeleted() {
        String bucket = unique("controls");
        s3.createBucket(b -> b.bucket(bucket));
        s3.putBucketOwnershipControls(b -> b.bucket(bucket)
                .ownershipControls(c -> c.rules(r -> r.objectOwnership(ObjectOwnership.BUCKET_OWNER_PREFERRED))));
        assertThat(s3.getBucketOwnershipControls(b -> b.bucket(bucket))
                        .ownershipControls()
                        .rules()
                        .get(0)
                        .objectOwnership())
                .isEqualTo(ObjectOwnership.BUCKET_OWNER_PREFERRED);
        s3.deleteBucketOwnershipControls(b -> b.bucket(bucket));
        S3Errors.assertS3Error(
                () -> s3.getBucketOwnershipControls(b -> b.bucket(bucket)), 404, "OwnershipControlsNotFoundError");
        // Without controls ACLs are enabled: a public-read object is accepted.
        s3.putObject(b -> b.bucket(bucket).key("k").acl(ObjectCannedACL.PUBLIC_READ), RequestBody.fromString("x"));
        RawS3.Reply bad = RAMPART.raw()
                .signed(
                        "PUT",
                        "/" + bucket + "?ownershipControls",
                        Map.of(),
                        "<OwnershipControls><Rule><ObjectOwnership>Nobody</ObjectOwnership></Rule></OwnershipControls>"
                                .getBytes(StandardCharsets.UTF_8));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(new String(bad.body(), StandardCharsets.UTF_8)).contains("<Code>MalformedXML</Code>");
        String invalid = unique("bad-ownership");
        S3Errors.assertS3Error(
                () -> s3.createBucket(b -> b.bucket(invalid).objectOwnership("Everyone")), 400, "InvalidArgument");
    }

    @Test
    void cannedAclOnCreateBucketIsReportedAndGrantsAnonymousListing() {
        String bucket = unique("public-bucket");
        s3.createBucket(b ->
                b.bucket(bucket).objectOwnership(ObjectOwnership.OBJECT_WRITER).acl(BucketCannedACL.PUBLIC_READ));
        s3.putObject(b -> b.bucket(bucket).key("listed"), RequestBody.fromString("x"));
        var acl = s3.getBucketAcl(b -> b.bucket(bucket));
        assertThat(hasGroupGrant(acl.grants(), ALL_USERS, Permission.READ)).isTrue();
        assertThat(anonymous.listObjectsV2(b -> b.bucket(bucket)).contents())
                .extracting(o -> o.key())
                .containsExactly("listed");
        // READ on the bucket lists it; it does not read its objects (their ACLs are private).
        S3Errors.assertS3Error(
                () -> anonymous.getObjectAsBytes(b -> b.bucket(bucket).key("listed")), 403, "AccessDenied");
        S3Errors.assertS3Error(
                () -> anonymous.putObject(b -> b.bucket(bucket).key("anon"), RequestBody.fromString("x")),
                403,
                "AccessDenied");
        s3.putBucketAcl(b -> b.bucket(bucket).acl(BucketCannedACL.PUBLIC_READ_WRITE));
        anonymous.putObject(b -> b.bucket(bucket).key("anon"), RequestBody.fromString("dropped"));
        assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key("anon")).asUtf8String())
                .isEqualTo("dropped");
    }

    @Test
    void publicReadObjectIsReadAnonymouslyUntilAnExplicitDeny() {
        String bucket = aclBucket();
        s3.putObject(
                b -> b.bucket(bucket).key("public.txt").acl(ObjectCannedACL.PUBLIC_READ), RequestBody.fromString("hi"));
        s3.putObject(b -> b.bucket(bucket).key("private.txt"), RequestBody.fromString("secret"));
        assertThat(anonymous
                        .getObjectAsBytes(b -> b.bucket(bucket).key("public.txt"))
                        .asUtf8String())
                .isEqualTo("hi");
        S3Errors.assertS3Error(
                () -> anonymous.getObjectAsBytes(b -> b.bucket(bucket).key("private.txt")), 403, "AccessDenied");
        GetObjectAclResponse acl = s3.getObjectAcl(b -> b.bucket(bucket).key("public.txt"));
        assertThat(acl.owner().id()).isEqualTo(ownerId());
        assertThat(hasGroupGrant(acl.grants(), ALL_USERS, Permission.READ)).isTrue();

        s3.putBucketPolicy(b -> b.bucket(bucket).policy("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:GetObject",
                 "Resource":"arn:aws:s3:::%s/public.txt"}]}""".formatted(bucket)));
        S3Errors.assertS3Error(
                () -> anonymous.getObjectAsBytes(b -> b.bucket(bucket).key("public.txt")), 403, "AccessDenied");
    }

    @Test
    void authenticatedReadLetsAUserWithoutPoliciesReadButNotAnonymous() {
        String bucket = aclBucket();
        s3.putObject(
                b -> b.bucket(bucket).key("members.txt").acl(ObjectCannedACL.AUTHENTICATED_READ),
                RequestBody.fromString("for members"));
        s3.putObject(b -> b.bucket(bucket).key("owner.txt"), RequestBody.fromString("owner only"));
        String user = unique("reader");
        iam.createUser(b -> b.userName(user));
        AccessKey k = iam.createAccessKey(b -> b.userName(user)).accessKey();
        S3Client reader = server.s3(AwsBasicCredentials.create(k.accessKeyId(), k.secretAccessKey()));
        assertThat(reader.getObjectAsBytes(b -> b.bucket(bucket).key("members.txt"))
                        .asUtf8String())
                .isEqualTo("for members");
        S3Errors.assertS3Error(
                () -> reader.getObjectAsBytes(b -> b.bucket(bucket).key("owner.txt")), 403, "AccessDenied");
        S3Errors.assertS3Error(
                () -> anonymous.getObjectAsBytes(b -> b.bucket(bucket).key("members.txt")), 403, "AccessDenied");
        assertThat(hasGroupGrant(
                        s3.getObjectAcl(b -> b.bucket(bucket).key("members.txt"))
                                .grants(),
                        AUTHENTICATED_USERS,
                        Permission.READ))
                .isTrue();
    }

    @Test
    void putObjectAclTakesAPolicyBodyOrGrantHeadersAndRefusesBadGrantees() {
        String bucket = aclBucket();
        s3.putObject(b -> b.bucket(bucket).key("doc"), RequestBody.fromString("doc"));
        String owner = ownerId();
        s3.putObjectAcl(b -> b.bucket(bucket)
                .key("doc")
                .accessControlPolicy(p -> p.owner(o -> o.id(owner))
                        .grants(
                                Grant.builder()
                                        .grantee(Grantee.builder()
                                                .type(Type.CANONICAL_USER)
                                                .id(owner)
                                                .build())
                                        .permission(Permission.FULL_CONTROL)
                                        .build(),
                                Grant.builder()
                                        .grantee(Grantee.builder()
                                                .type(Type.GROUP)
                                                .uri(ALL_USERS)
                                                .build())
                                        .permission(Permission.READ)
                                        .build())));
        assertThat(hasGroupGrant(
                        s3.getObjectAcl(b -> b.bucket(bucket).key("doc")).grants(), ALL_USERS, Permission.READ))
                .isTrue();
        assertThat(anonymous.getObjectAsBytes(b -> b.bucket(bucket).key("doc")).asUtf8String())
                .isEqualTo("doc");

        // Grant headers replace the ACL: by canonical id and by the account's email (stored as its canonical user).
        s3.putObjectAcl(b -> b.bucket(bucket)
                .key("doc")
                .grantFullControl("id=\"" + owner + "\"")
                .grantReadACP("emailAddress=\"admin@rampart.local\""));
        GetObjectAclResponse acl = s3.getObjectAcl(b -> b.bucket(bucket).key("doc"));
        assertThat(acl.grants()).extracting(g -> g.grantee().type()).containsOnly(Type.CANONICAL_USER);
        assertThat(acl.grants())
                .extracting(Grant::permission)
                .containsExactly(Permission.FULL_CONTROL, Permission.READ_ACP);
        S3Errors.assertS3Error(
                () -> anonymous.getObjectAsBytes(b -> b.bucket(bucket).key("doc")), 403, "AccessDenied");

        S3Errors.assertS3Error(
                () -> s3.putObjectAcl(b -> b.bucket(bucket).key("doc").grantRead("id=\"" + "0".repeat(64) + "\"")),
                400,
                "InvalidArgument");
        S3Errors.assertS3Error(
                () -> s3.putObjectAcl(b -> b.bucket(bucket).key("doc").grantRead("uri=\"http://example.com/x\"")),
                400,
                "InvalidArgument");
        S3Errors.assertS3Error(
                () -> s3.putObjectAcl(
                        b -> b.bucket(bucket).key("doc").grantRead("emailAddress=\"nobody@example.com\"")),
                400,
                "UnresolvableGrantByEmailAddress");
        S3Errors.assertS3Error(
                () -> s3.putObjectAcl(b -> b.bucket(bucket)
                        .key("doc")
                        .acl(ObjectCannedACL.PUBLIC_READ)
                        .grantRead("uri=\"" + ALL_USERS + "\"")),
                400,
                "InvalidRequest");
        RawS3.Reply malformed = RAMPART.raw()
                .signed(
                        "PUT",
                        "/" + bucket + "/doc?acl",
                        Map.of(),
                        ("<AccessControlPolicy><Owner><ID>" + owner
                                        + "</ID></Owner><AccessControlList><Grant><Grantee><ID>" + owner
                                        + "</ID></Grantee><Permission>EVERYTHING</Permission></Grant></AccessControlList></AccessControlPolicy>")
                                .getBytes(StandardCharsets.UTF_8));
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(new String(malformed.body(), StandardCharsets.UTF_8)).contains("<Code>MalformedACLError</Code>");
        RawS3.Reply notXml = RAMPART.raw()
                .signed(
                        "PUT",
                        "/" + bucket + "/doc?acl",
                        Map.of(),
                        "<AccessControlPolicy>".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(notXml.body(), StandardCharsets.UTF_8)).contains("<Code>MalformedACLError</Code>");
        S3Errors.assertS3Error(
                () -> s3.putObjectAcl(b -> b.bucket(bucket).key("missing").acl(ObjectCannedACL.PRIVATE)),
                404,
                "NoSuchKey");
    }

    @Test
    void blockPublicAclsRefusesPublicAclsAndIgnorePublicAclsDisregardsThem() {
        String bucket = aclBucket();
        s3.putObject(b -> b.bucket(bucket).key("was-public"), RequestBody.fromString("open"));
        s3.putObjectAcl(b -> b.bucket(bucket).key("was-public").acl(ObjectCannedACL.PUBLIC_READ));
        assertThat(anonymous
                        .getObjectAsBytes(b -> b.bucket(bucket).key("was-public"))
                        .asUtf8String())
                .isEqualTo("open");

        s3.putPublicAccessBlock(b -> b.bucket(bucket).publicAccessBlockConfiguration(c -> c.blockPublicAcls(true)));
        S3Errors.assertS3Error(
                () -> s3.putObject(
                        b -> b.bucket(bucket).key("new").acl(ObjectCannedACL.PUBLIC_READ), RequestBody.fromString("x")),
                403,
                "AccessDenied");
        S3Errors.assertS3Error(
                () -> s3.putBucketAcl(b -> b.bucket(bucket).acl(BucketCannedACL.AUTHENTICATED_READ)),
                403,
                "AccessDenied");
        s3.putObject(b -> b.bucket(bucket).key("new").acl(ObjectCannedACL.PRIVATE), RequestBody.fromString("x"));
        // BlockPublicAcls refuses new public ACLs; an existing one still counts until IgnorePublicAcls.
        assertThat(anonymous
                        .getObjectAsBytes(b -> b.bucket(bucket).key("was-public"))
                        .asUtf8String())
                .isEqualTo("open");
        s3.putPublicAccessBlock(b -> b.bucket(bucket).publicAccessBlockConfiguration(c -> c.ignorePublicAcls(true)));
        S3Errors.assertS3Error(
                () -> anonymous.getObjectAsBytes(b -> b.bucket(bucket).key("was-public")), 403, "AccessDenied");
    }

    @Test
    void enforcingBucketOwnershipNeedsAPrivateBucketAclAndThenIgnoresObjectAcls() {
        String bucket = aclBucket();
        s3.putBucketAcl(b -> b.bucket(bucket).acl(BucketCannedACL.PUBLIC_READ));
        s3.putObject(b -> b.bucket(bucket).key("o").acl(ObjectCannedACL.PUBLIC_READ), RequestBody.fromString("x"));
        S3Errors.assertS3Error(
                () -> s3.putBucketOwnershipControls(b -> b.bucket(bucket)
                        .ownershipControls(
                                c -> c.rules(r -> r.objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)))),
                400,
                "InvalidBucketAclWithObjectOwnership");
        s3.putBucketAcl(b -> b.bucket(bucket).acl(BucketCannedACL.PRIVATE));
        s3.putBucketOwnershipControls(b -> b.bucket(bucket)
                .ownershipControls(c -> c.rules(r -> r.objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED))));
        S3Errors.assertS3Error(
                () -> anonymous.getObjectAsBytes(b -> b.bucket(bucket).key("o")), 403, "AccessDenied");
        assertThat(s3.getObjectAcl(b -> b.bucket(bucket).key("o")).grants())
                .extracting(Grant::permission)
                .containsExactly(Permission.FULL_CONTROL);
    }

    @Test
    void copyAndMultipartUploadsCarryTheirAcls() {
        String bucket = aclBucket();
        s3.putObject(b -> b.bucket(bucket).key("src"), RequestBody.fromString("source"));
        s3.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("src")
                .destinationBucket(bucket)
                .destinationKey("copy")
                .acl(ObjectCannedACL.PUBLIC_READ));
        assertThat(anonymous.getObjectAsBytes(b -> b.bucket(bucket).key("copy")).asUtf8String())
                .isEqualTo("source");
        s3.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("copy")
                .destinationBucket(bucket)
                .destinationKey("copy2"));
        S3Errors.assertS3Error(
                () -> anonymous.getObjectAsBytes(b -> b.bucket(bucket).key("copy2")), 403, "AccessDenied");

        String uploadId = s3.createMultipartUpload(
                        b -> b.bucket(bucket).key("mpu").acl(ObjectCannedACL.PUBLIC_READ))
                .uploadId();
        String etag = s3.uploadPart(
                        b -> b.bucket(bucket).key("mpu").uploadId(uploadId).partNumber(1),
                        RequestBody.fromString("parts"))
                .eTag();
        s3.completeMultipartUpload(b -> b.bucket(bucket)
                .key("mpu")
                .uploadId(uploadId)
                .multipartUpload(m ->
                        m.parts(CompletedPart.builder().partNumber(1).eTag(etag).build())));
        assertThat(anonymous.getObjectAsBytes(b -> b.bucket(bucket).key("mpu")).asUtf8String())
                .isEqualTo("parts");
    }
}
