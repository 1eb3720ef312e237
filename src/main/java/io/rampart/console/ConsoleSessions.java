package io.rampart.console;

import io.rampart.auth.Credential;
import io.rampart.auth.CredentialStore;
import io.rampart.iam.Principal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The web console's sign-ins: verifies an access key pair against the same credential store the SigV4 verifier uses
 * (inactive and expired keys are not in it or are refused), and keeps signed-in sessions in memory only, under a random
 * id, with an idle and an absolute expiry. A session also ends as soon as its key stops verifying (deactivated by the
 * detector, deleted, expired). Sessions do not survive a restart: signing in again is the recovery.
 */
public final class ConsoleSessions {
    public static final Duration DEFAULT_IDLE = Duration.ofMinutes(15);
    public static final Duration DEFAULT_ABSOLUTE = Duration.ofHours(8);
    /** Sessions kept at most: a flood of sign-ins cannot exhaust memory (the oldest are dropped first). */
    static final int MAX_SESSIONS = 10_000;

    private static final SecureRandom RANDOM = new SecureRandom();
    /** Compared against when the key id is unknown, so that the answer takes as long as for a known id. */
    private static final byte[] DECOY = randomToken().getBytes(StandardCharsets.UTF_8);

    /** One signed-in session: who, with which key, and its CSRF synchronizer token. */
    public record Session(
            String id, Principal principal, String accessKeyId, String csrfToken, Instant created, Instant lastSeen) {
        Session touched(Instant now) {
            return new Session(id, principal, accessKeyId, csrfToken, created, now);
        }
    }

    private final CredentialStore credentials;
    private final Clock clock;
    private final Duration idle;
    private final Duration absolute;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    public ConsoleSessions(CredentialStore credentials, Clock clock, Duration idle, Duration absolute) {
        this.credentials = credentials;
        this.clock = clock;
        this.idle = idle;
        this.absolute = absolute;
    }

    public Duration idle() {
        return idle;
    }

    /**
     * The principal of a key pair (and session token, for temporary keys), or empty when they do not verify. The
     * secret and token are compared in constant time.
     */
    public Optional<Credential> verify(String accessKeyId, String secretAccessKey, String sessionToken) {
        if (accessKeyId == null || secretAccessKey == null || accessKeyId.isEmpty() || accessKeyId.length() > 128) {
            return Optional.empty();
        }
        Optional<Credential> found = credentials.find(accessKeyId);
        byte[] given = secretAccessKey.getBytes(StandardCharsets.UTF_8);
        byte[] expected =
                found.map(c -> c.secretKey().getBytes(StandardCharsets.UTF_8)).orElse(DECOY);
        boolean secretOk = MessageDigest.isEqual(given, expected);
        if (found.isEmpty() || !secretOk) return Optional.empty();
        Credential c = found.get();
        String token = sessionToken == null || sessionToken.isEmpty() ? null : sessionToken;
        if (c.sessionToken() != null) {
            if (token == null
                    || !MessageDigest.isEqual(
                            token.getBytes(StandardCharsets.UTF_8),
                            c.sessionToken().getBytes(StandardCharsets.UTF_8))) {
                return Optional.empty();
            }
        } else if (token != null) {
            return Optional.empty();
        }
        if (c.expiration() != null && !clock.instant().isBefore(c.expiration())) return Optional.empty();
        return Optional.of(c);
    }

    /** Whether the store has this key id (active): a failed sign-in names the key in the trail only then. */
    public boolean known(String accessKeyId) {
        return credentials.find(accessKeyId).isPresent();
    }

    /** Starts a session for a verified credential. */
    public Session start(Credential c) {
        Instant now = clock.instant();
        if (sessions.size() >= MAX_SESSIONS) evictOldest();
        Session s = new Session(randomToken(), c.principal(), c.accessKeyId(), randomToken(), now, now);
        sessions.put(s.id(), s);
        return s;
    }

    /**
     * The live session with this id, touched; empty (and forgotten) when unknown, idle too long, past its absolute
     * lifetime, or when its key no longer verifies (deactivated, deleted or expired since sign-in).
     */
    public Optional<Session> find(String id) {
        if (id == null || id.isEmpty()) return Optional.empty();
        Session s = sessions.get(id);
        if (s == null) return Optional.empty();
        Instant now = clock.instant();
        boolean expired =
                now.isAfter(s.lastSeen().plus(idle)) || now.isAfter(s.created().plus(absolute));
        Optional<Credential> key = expired
                ? Optional.empty()
                : credentials.find(s.accessKeyId()).filter(c -> c.expiration() == null || now.isBefore(c.expiration()));
        if (key.isEmpty()) {
            sessions.remove(id);
            return Optional.empty();
        }
        Session touched = s.touched(now);
        sessions.replace(id, s, touched);
        return Optional.of(touched);
    }

    public void end(String id) {
        if (id != null) sessions.remove(id);
    }

    /** Whether a submitted CSRF token is the session's, compared in constant time. */
    public static boolean csrfMatches(Session s, String submitted) {
        return submitted != null
                && MessageDigest.isEqual(
                        submitted.getBytes(StandardCharsets.UTF_8),
                        s.csrfToken().getBytes(StandardCharsets.UTF_8));
    }

    private void evictOldest() {
        sessions.values().stream()
                .min(java.util.Comparator.comparing(Session::lastSeen))
                .ifPresent(s -> sessions.remove(s.id()));
    }

    /** 256 random bits, URL-safe. */
    public static String randomToken() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
