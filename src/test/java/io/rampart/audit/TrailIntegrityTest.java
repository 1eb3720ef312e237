package io.rampart.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rampart.crypto.MasterKey;
import io.rampart.iam.Principal;
import io.rampart.it.Await;
import io.rampart.storage.Database;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trail's tamper cases replayed as an attacker with file access would play them: the newest digests and logs
 * removed, the whole trail directory wiped, a record edited and the chain re-signed with a key dropped into
 * {@code trail/keys/}, a digest removed from the middle. Each is reported by validation, and the server's start-up
 * notices what it can. Digest hours run on a clock the test moves.
 */
class TrailIntegrityTest {
    private static final MasterKey MASTER = MasterKey.of(new byte[32]);
    private static final Principal ADMIN = new Principal(
            "IAMUser",
            "111122223333",
            "arn:aws:iam::111122223333:user/admin",
            "AIDAADMIN",
            "admin",
            "AKIAADMIN",
            Optional.empty());
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    @TempDir
    Path trailDir;

    @TempDir
    Path dbDir;

    private Database db;
    private final MovableClock clock = new MovableClock(T0);
    private TrailLayout layout;

    /** A clock the test moves: the writer stamps digests with it. */
    static final class MovableClock extends Clock {
        private volatile Instant now;

        MovableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @BeforeEach
    void open() throws Exception {
        db = new Database(dbDir.resolve("rampart.db"), 2);
        layout = new TrailLayout(trailDir);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private TrailWriter writer() throws Exception {
        return TrailWriter.open(
                trailDir,
                TrailWriter.Options.defaults("111122223333", "us-east-1").withFsync(false),
                MASTER,
                db,
                clock);
    }

    private RequestFacts put(String key) {
        return RequestFacts.builder()
                .time(clock.instant())
                .requestId("REQ-" + key)
                .hostId("host")
                .service("s3")
                .eventName("PutObject")
                .region("us-east-1")
                .principal(ADMIN)
                .accessKeyId("AKIAADMIN")
                .sourceIp("127.0.0.1")
                .userAgent("test")
                .bucket("bucket")
                .key(key)
                .requestParameters(Map.of("bucketName", "bucket", "key", key))
                .status(200)
                .bytesIn(1)
                .authMethod("AuthHeader")
                .build();
    }

    /** Four hours of activity, one digest an hour (the third hour with no record at all), then a clean stop. */
    private void fourHours() throws Exception {
        try (TrailWriter w = writer()) {
            for (int h = 0; h < 4; h++) {
                clock.advance(Duration.ofMinutes(20));
                if (h != 2) w.recordDurably(put("h" + h));
                clock.advance(Duration.ofMinutes(40));
                w.digestNow();
            }
            clock.advance(Duration.ofMinutes(5));
        }
    }

    private TrailAnchor.Recorded recorded() throws Exception {
        return TrailAnchor.read(dbDir.resolve("rampart.db"));
    }

    private TrailValidator.Report validate(Instant from, Instant to) throws Exception {
        return new TrailValidator(layout, TrailValidator.Trust.recorded(recorded()))
                .validate(from, to, clock.instant());
    }

    private TrailValidator.Report validatePinned(List<PublicKey> keys, TrailAnchor.Recorded rec, Instant to)
            throws Exception {
        return new TrailValidator(layout, TrailValidator.Trust.pinned(keys, rec)).validate(null, to, clock.instant());
    }

    private static List<TrailValidator.Result> problems(TrailValidator.Report r) {
        return r.results().stream().filter(x -> x.status().problem()).toList();
    }

    private List<String> digestsByTime() throws Exception {
        return layout.digestFiles().stream().sorted().toList();
    }

    private PublicKey currentKey() throws Exception {
        return recorded().keys().stream()
                .filter(k -> k.status() == TrailAnchor.KeyStatus.CURRENT)
                .findFirst()
                .orElseThrow()
                .publicKey();
    }

    @Test
    void anUntouchedTrailValidatesWithTheRecordedOrThePinnedKeyAndNotWithAnotherKey() throws Exception {
        fourHours();
        // One digest per hour, the empty hour included, and the one at the clean stop.
        assertThat(layout.digestFiles()).hasSize(5);
        TrailValidator.Report report = validate(T0, clock.instant());
        assertThat(problems(report)).as(report.toString()).isEmpty();
        assertThat(report.count("digest", TrailValidator.Status.VALID)).isEqualTo(5);
        // Before its first digest the trail did not exist: no hour is missing there.
        assertThat(problems(validate(T0.minus(Duration.ofHours(5)), clock.instant())))
                .isEmpty();
        assertThat(report.count("log", TrailValidator.Status.VALID)).isEqualTo(3);

        TrailValidator.Report pinned = validatePinned(List.of(currentKey()), recorded(), null);
        assertThat(problems(pinned)).as(pinned.toString()).isEmpty();

        PublicKey other = TrailKeys.generate().publicKey();
        TrailValidator.Report wrong = validatePinned(List.of(other), recorded(), null);
        assertThat(wrong.count("digest", TrailValidator.Status.INVALID)).isEqualTo(5);
        assertThat(problems(wrong)).allSatisfy(p -> assertThat(p.detail()).contains("not trusted"));
    }

    @Test
    void removingTheNewestDigestsAndLogIsReportedAsTruncation() throws Exception {
        fourHours();
        List<String> digests = digestsByTime();
        List<String> logs = layout.logFiles().stream().sorted().toList();
        // The attacker removes the last hour: its digest, the one written at the stop, and the hour's log file.
        for (String d : digests.subList(3, 5)) {
            Files.delete(layout.resolve(d));
            Files.delete(layout.resolve(d + TrailLayout.SIGNATURE_SUFFIX));
        }
        Files.delete(layout.resolve(logs.get(2)));
        clock.advance(Duration.ofHours(2));

        // With the database: the newest digest it recorded is gone.
        TrailValidator.Report report = validate(T0, null);
        assertThat(problems(report)).as(report.toString()).anySatisfy(p -> {
            assertThat(p.file()).isEqualTo(digests.get(4));
            assertThat(p.status()).isEqualTo(TrailValidator.Status.MISSING);
            assertThat(p.detail()).startsWith("truncated");
        });
        // Without it, with only the pinned key: the hours after the newest digest, up to the requested end, have none.
        TrailValidator.Report byTime = validatePinned(
                List.of(currentKey()), new TrailAnchor.Recorded(List.of(), Optional.empty()), clock.instant());
        assertThat(problems(byTime))
                .as(byTime.toString())
                .filteredOn(p -> p.kind().equals("hour"))
                .extracting(p -> p.file())
                .contains(
                        T0.plus(Duration.ofHours(3)) + " .. " + T0.plus(Duration.ofHours(4)),
                        T0.plus(Duration.ofHours(4)) + " .. " + T0.plus(Duration.ofHours(5)));
    }

    @Test
    void wipingTheTrailDirectoryIsReportedAndTheNextStartBeginsANewChainRecordingTheBreak() throws Exception {
        fourHours();
        String newest = digestsByTime().get(4);
        deleteTree(trailDir.resolve("AWSLogs"));
        Files.delete(layout.state());

        TrailValidator.Report report = validate(T0, clock.instant());
        assertThat(problems(report))
                .as(report.toString())
                .anySatisfy(p -> assertThat(p.detail()).startsWith("truncated"))
                .anySatisfy(p -> assertThat(p.kind()).isEqualTo("hour"));
        assertThat(problems(report).stream()
                        .filter(p -> p.kind().equals("hour"))
                        .count())
                .isGreaterThanOrEqualTo(4);

        clock.advance(Duration.ofMinutes(10));
        try (TrailWriter w = writer()) {
            assertThat(w.integrityBreak())
                    .hasValueSatisfying(
                            p -> assertThat(p).contains("state.json is missing").contains(newest));
            w.recordDurably(put("after"));
        }
        JsonNode first = CloudTrailRecord.JSON.readTree(
                TrailLayout.gunzip(layout.resolve(digestsByTime().get(0))));
        assertThat(first.get("previousDigestSignature").isNull()).isTrue();
        assertThat(first.path("chainBreak").path("lastRecordedDigestS3Object").asText())
                .isEqualTo(newest);
        TrailValidator.Report after = validate(null, null);
        assertThat(problems(after))
                .as(after.toString())
                .anySatisfy(p -> assertThat(p.status()).isEqualTo(TrailValidator.Status.BREAK));
        // The next start finds the new chain intact: no new break.
        try (TrailWriter w = writer()) {
            assertThat(w.integrityBreak()).isEmpty();
        }
    }

    @Test
    void startUpNoticesTheNewestDigestGoneOrAnOlderStateRestored() throws Exception {
        fourHours();
        try (TrailWriter w = writer()) {
            assertThat(w.integrityBreak()).isEmpty();
        }
        String newest = digestsByTime().get(digestsByTime().size() - 1);
        Files.delete(layout.resolve(newest));
        try (TrailWriter w = writer()) {
            assertThat(w.integrityBreak())
                    .hasValueSatisfying(p -> assertThat(p).contains("missing").contains(newest));
        }

        // An older state.json put back: the trail went backwards.
        byte[] oldState = Files.readAllBytes(layout.state());
        try (TrailWriter w = writer()) {
            clock.advance(Duration.ofHours(1));
            w.digestNow();
        }
        Files.write(layout.state(), oldState);
        try (TrailWriter w = writer()) {
            assertThat(w.integrityBreak()).hasValueSatisfying(p -> assertThat(p).contains("went backwards"));
        }

        // A digest planted in state.json for the server to finish and record as its own.
        ObjectNode state =
                (ObjectNode) CloudTrailRecord.JSON.readTree(layout.state().toFile());
        ObjectNode planted = state.putObject("pendingDigest");
        planted.put("s3Object", "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/03/01/forged.json.gz");
        planted.put(
                "content",
                "{\"digestEndTime\":\"2026-03-01T23:00:00Z\",\"digestS3Object\":"
                        + "\"AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/03/01/forged.json.gz\",\"logFiles\":[]}");
        planted.put("signature", "00".repeat(256));
        Files.write(layout.state(), CloudTrailRecord.JSON.writeValueAsBytes(state));
        try (TrailWriter w = writer()) {
            assertThat(w.integrityBreak()).hasValueSatisfying(p -> assertThat(p).contains("did not sign"));
        }
        assertThat(layout.resolve(planted.path("s3Object").asText())).doesNotExist();

        Files.writeString(layout.state(), "{ not json");
        try (TrailWriter w = writer()) {
            assertThat(w.integrityBreak()).hasValueSatisfying(p -> assertThat(p).contains("state.json is unreadable"));
        }
    }

    @Test
    void anEditedRecordReSignedWithAKeyDroppedIntoTrailKeysIsNotTrusted() throws Exception {
        fourHours();
        String log = layout.logFiles().stream().sorted().findFirst().orElseThrow();
        byte[] content = TrailLayout.gunzip(layout.resolve(log));
        byte[] edited = new String(content, StandardCharsets.UTF_8)
                .replace("\"h0\"", "\"hx\"")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(edited).isNotEqualTo(content);
        Files.write(layout.resolve(log), TrailLayout.gzip(edited));
        // The attacker's own key pair, its public key dropped where the old validator looked, the chain re-signed.
        TrailKeys attacker = TrailKeys.generate();
        Files.createDirectories(layout.keys());
        Files.write(
                layout.keys().resolve(attacker.fingerprint() + ".pub"),
                attacker.publicKey().getEncoded());
        Map<String, String> newHash = new HashMap<>(Map.of(log, TrailLayout.sha256Hex(edited)));
        String prevHash = null;
        String prevSig = null;
        for (String d : digestsByTime()) {
            ObjectNode json = (ObjectNode) CloudTrailRecord.JSON.readTree(TrailLayout.gunzip(layout.resolve(d)));
            for (JsonNode l : json.path("logFiles")) {
                String h = newHash.get(l.path("s3Object").asText());
                if (h != null) ((ObjectNode) l).put("hashValue", h);
            }
            json.put("digestPublicKeyFingerprint", attacker.fingerprint());
            if (prevSig != null) {
                json.put("previousDigestHashValue", prevHash);
                json.put("previousDigestSignature", prevSig);
            }
            byte[] bytes = CloudTrailRecord.JSON.writeValueAsBytes(json);
            String hash = TrailLayout.sha256Hex(bytes);
            String sig = attacker.sign(DigestSigning.signingString(
                    json.path("digestEndTime").asText(),
                    json.path("digestS3Bucket").asText(),
                    d,
                    hash,
                    prevSig));
            Files.write(layout.resolve(d), TrailLayout.gzip(bytes));
            Files.writeString(layout.resolve(d + TrailLayout.SIGNATURE_SUFFIX), "{\"signature\":\"" + sig + "\"}");
            prevHash = hash;
            prevSig = sig;
        }

        TrailValidator.Report report = validate(T0, clock.instant());
        assertThat(report.count("digest", TrailValidator.Status.INVALID))
                .as(report.toString())
                .isGreaterThanOrEqualTo(5);
        assertThat(problems(report))
                .anySatisfy(p -> assertThat(p.detail()).contains("not trusted").contains("keys/"))
                .anySatisfy(p -> assertThat(p.detail()).contains("the database recorded"));
        TrailValidator.Report pinned =
                validatePinned(List.of(currentKey()), new TrailAnchor.Recorded(List.of(), Optional.empty()), null);
        assertThat(pinned.count("digest", TrailValidator.Status.INVALID)).isEqualTo(5);
    }

    @Test
    void aDigestRemovedFromTheMiddleLeavesAnHourWithoutADigest() throws Exception {
        fourHours();
        String middle = digestsByTime().get(1);
        Files.delete(layout.resolve(middle));
        TrailValidator.Report report = validate(T0, clock.instant());
        assertThat(problems(report))
                .as(report.toString())
                .anySatisfy(p -> {
                    assertThat(p.kind()).isEqualTo("digest");
                    assertThat(p.file()).isEqualTo(middle);
                    assertThat(p.status()).isEqualTo(TrailValidator.Status.MISSING);
                })
                .anySatisfy(p -> {
                    assertThat(p.kind()).isEqualTo("hour");
                    assertThat(p.file())
                            .isEqualTo(T0.plus(Duration.ofHours(1)) + " .. " + T0.plus(Duration.ofHours(2)));
                });
        // Outside the range asked for, nothing is reported.
        TrailValidator.Report later = validate(T0.plus(Duration.ofHours(3)), clock.instant());
        assertThat(problems(later)).as(later.toString()).isEmpty();
    }

    @Test
    void aRotatedKeyIsTrustedBecauseTheChainRecordsItUnderTheOldKeysSignature() throws Exception {
        PublicKey oldKey;
        try (TrailWriter w = writer()) {
            clock.advance(Duration.ofMinutes(30));
            w.recordDurably(put("before"));
            clock.advance(Duration.ofMinutes(30));
            w.digestNow();
            oldKey = currentKey();
            clock.advance(Duration.ofMinutes(1));
            String announcing = w.rotateSigningKey();
            JsonNode d = CloudTrailRecord.JSON.readTree(TrailLayout.gunzip(layout.resolve(announcing)));
            assertThat(d.path("digestPublicKeyFingerprint").asText()).isEqualTo(TrailKeys.fingerprint(oldKey));
            assertThat(d.path("nextDigestPublicKeyFingerprint").asText())
                    .isEqualTo(w.publicKeyFingerprint())
                    .isNotEqualTo(TrailKeys.fingerprint(oldKey));
            clock.advance(Duration.ofMinutes(30));
            w.recordDurably(put("after"));
            clock.advance(Duration.ofMinutes(29));
            w.digestNow();
        }
        assertThat(recorded().keys())
                .extracting(TrailAnchor.KeyRecord::status)
                .containsExactly(TrailAnchor.KeyStatus.RETIRED, TrailAnchor.KeyStatus.CURRENT);
        TrailValidator.Report report = validate(T0, clock.instant());
        assertThat(problems(report)).as(report.toString()).isEmpty();
        // A copy of the first key kept off the machine is enough: the chain vouches for its successor.
        TrailValidator.Report pinnedOld = validatePinned(List.of(oldKey), recorded(), null);
        assertThat(problems(pinnedOld)).as(pinnedOld.toString()).isEmpty();
        assertThat(pinnedOld.count("digest", TrailValidator.Status.VALID)).isEqualTo(4);

        // The server restarts with the new key and keeps chaining.
        try (TrailWriter w = writer()) {
            assertThat(w.integrityBreak()).isEmpty();
            assertThat(w.publicKeyFingerprint()).isNotEqualTo(TrailKeys.fingerprint(oldKey));
        }
        assertThat(problems(validatePinned(List.of(oldKey), recorded(), null))).isEmpty();
    }

    @Test
    void digestsAreWrittenEveryIntervalAlsoWhenNothingHappens() throws Exception {
        TrailWriter.Options opts = TrailWriter.Options.defaults("111122223333", "us-east-1")
                .withFsync(false)
                .withDigestEvery(Duration.ofMillis(1100));
        try (TrailWriter w = TrailWriter.open(trailDir, opts, MASTER, db, Clock.systemUTC())) {
            Await.until("three digest files", () -> layout.digestFiles().size() >= 3);
            assertThat(layout.digestFiles()).hasSizeGreaterThanOrEqualTo(3);
            assertThat(layout.logFiles()).isEmpty();
        }
        TrailValidator.Report report =
                new TrailValidator(layout, TrailValidator.Trust.recorded(recorded())).validate(null, null);
        assertThat(problems(report)).as(report.toString()).isEmpty();
    }

    @Test
    void aSigningKeyRemovedFromTheDatabaseIsABreakNotASilentNewKey() throws Exception {
        fourHours();
        db.write(c -> c.createStatement().executeUpdate("DELETE FROM trail_signing_keys"));
        try (TrailWriter w = writer()) {
            assertThat(w.integrityBreak()).hasValueSatisfying(p -> assertThat(p).contains("signing key is gone"));
        }
    }

    @Test
    void aKeyThatHasSignedForAYearIsRotatedByTheNextDigest() throws Exception {
        PublicKey first;
        try (TrailWriter w = writer()) {
            clock.advance(Duration.ofHours(1));
            w.digestNow();
            first = currentKey();
            clock.advance(TrailWriter.KEY_LIFETIME.plusDays(1));
            JsonNode announcing = CloudTrailRecord.JSON.readTree(TrailLayout.gunzip(layout.resolve(w.digestNow())));
            assertThat(announcing.path("digestPublicKeyFingerprint").asText()).isEqualTo(TrailKeys.fingerprint(first));
            assertThat(announcing.path("nextDigestPublicKeyFingerprint").asText())
                    .isEqualTo(w.publicKeyFingerprint());
            clock.advance(Duration.ofHours(1));
            w.digestNow();
        }
        assertThat(currentKey()).isNotEqualTo(first);
        TrailValidator.Report report = validatePinned(List.of(first), recorded(), null);
        assertThat(problems(report)).as(report.toString()).isEmpty();
    }

    private static void deleteTree(Path root) throws Exception {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
