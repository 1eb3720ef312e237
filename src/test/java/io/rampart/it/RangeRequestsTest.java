package io.rampart.it;

import static io.rampart.it.S3Errors.assertS3Error;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

class RangeRequestsTest {
    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.withDefaults();

    static RampartServer server;
    static S3Client s3;
    static final String BUCKET = "ranges";
    static final byte[] SMALL = new byte[100];
    static final byte[] LARGE = new byte[3 * 1024 * 1024 + 17];

    @BeforeAll
    static void start() throws Exception {
        server = RAMPART.server();
        s3 = RAMPART.s3();
        for (int i = 0; i < SMALL.length; i++) SMALL[i] = (byte) i;
        new Random(7).nextBytes(LARGE);
        s3.createBucket(b -> b.bucket(BUCKET));
        s3.putObject(b -> b.bucket(BUCKET).key("small"), RequestBody.fromBytes(SMALL));
        s3.putObject(b -> b.bucket(BUCKET).key("large"), RequestBody.fromBytes(LARGE));
    }

    static byte[] expected(String key) {
        return key.equals("small") ? SMALL : LARGE;
    }

    @ParameterizedTest(name = "{0} {1} → bytes {2}-{3}")
    @CsvSource({
        "small, bytes=0-9,      0,  9",
        "small, bytes=10-,      10, 99",
        "small, bytes=-5,       95, 99",
        "small, bytes=90-200,   90, 99", // end beyond the object is clamped
        "small, bytes=99-99,    99, 99",
        "small, bytes=-500,     0,  99", // suffix longer than the object is the whole object
        "large, bytes=0-9,      0,  9",
        "large, bytes=1048570-2097160, 1048570, 2097160",
        "large, bytes=-5,       3145740, 3145744",
        "large, bytes=3000000-, 3000000, 3145744",
    })
    void rangeGetReturns206WithContentRangeAndExactlyThoseBytes(String key, String range, long first, long last) {
        var got = s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(key).range(range));
        byte[] all = expected(key);
        assertThat(got.response().sdkHttpResponse().statusCode()).isEqualTo(206);
        assertThat(got.response().contentRange()).isEqualTo("bytes " + first + "-" + last + "/" + all.length);
        assertThat(got.response().contentLength()).isEqualTo(last - first + 1);
        assertThat(got.asByteArray()).isEqualTo(Arrays.copyOfRange(all, (int) first, (int) last + 1));
    }

    @Test
    void headWithRangeReportsThePartialLengthAndContentRange() {
        var h = s3.headObject(b -> b.bucket(BUCKET).key("small").range("bytes=0-9"));
        assertThat(h.sdkHttpResponse().statusCode()).isEqualTo(206);
        assertThat(h.contentLength()).isEqualTo(10);
        assertThat(h.contentRange()).isEqualTo("bytes 0-9/100");
    }

    @Test
    void rangeStartingAtTheObjectSizeIsInvalidRange() {
        var e = assertS3Error(
                () -> s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("small").range("bytes=100-")),
                416,
                "InvalidRange",
                "The requested range is not satisfiable");
        assertThat(e.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("Content-Range"))
                .contains("bytes */100");
    }

    @Test
    void rangeStartingBeyondTheObjectSizeIsInvalidRange() {
        assertS3Error(
                () -> s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("large").range("bytes=999999999-999999999")),
                416,
                "InvalidRange",
                "The requested range is not satisfiable");
    }

    @Test
    void anyRangeOfAnEmptyObjectIsInvalidRange() {
        s3.putObject(b -> b.bucket(BUCKET).key("empty"), RequestBody.empty());
        assertS3Error(
                () -> s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("empty").range("bytes=0-9")),
                416,
                "InvalidRange",
                "The requested range is not satisfiable");
    }

    // S3 ignores a Range header it cannot parse (and an inverted range) and returns the whole object with 200.
    @Test
    void unparseableOrInvertedRangeReturnsTheWholeObject() {
        for (String range : new String[] {"bytes=9-3", "items=0-9", "bytes=abc"}) {
            var got = s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("small").range(range));
            assertThat(got.response().sdkHttpResponse().statusCode()).as(range).isEqualTo(200);
            assertThat(got.asByteArray()).as(range).isEqualTo(SMALL);
        }
    }

    // A simple (non-multipart) upload is one part: part 1 is the whole object, served as a 206 range.
    @Test
    void getPartNumberOneOfASimpleObjectReturnsTheWholeObjectAs206() {
        var got = s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("small").partNumber(1));
        assertThat(got.response().sdkHttpResponse().statusCode()).isEqualTo(206);
        assertThat(got.response().contentRange()).isEqualTo("bytes 0-99/100");
        assertThat(got.response().contentLength()).isEqualTo(100);
        assertThat(got.asByteArray()).isEqualTo(SMALL);
    }

    @Test
    void headPartNumberOneOfASimpleObjectIs206WithTheWholeLength() {
        var h = s3.headObject(b -> b.bucket(BUCKET).key("large").partNumber(1));
        assertThat(h.sdkHttpResponse().statusCode()).isEqualTo(206);
        assertThat(h.contentLength()).isEqualTo(LARGE.length);
        assertThat(h.contentRange()).isEqualTo("bytes 0-" + (LARGE.length - 1) + "/" + LARGE.length);
    }

    @Test
    void getPartNumberTwoOfASimpleObjectIsInvalidPartNumber() {
        assertS3Error(
                () -> s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("small").partNumber(2)),
                416,
                "InvalidPartNumber",
                "The requested partnumber is not satisfiable");
    }
}
