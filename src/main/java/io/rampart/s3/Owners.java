package io.rampart.s3;

import io.rampart.xml.XmlWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * S3's canonical user id of an account (64 hex characters), derived so it is stable and reveals nothing; the display
 * name S3 shows with it; and the account an email grantee names.
 */
final class Owners {
    private Owners() {}

    /** The display name S3 shows for an owner or grantee. */
    static final String DISPLAY_NAME = "rampart";
    /** The account's email address (what Organizations reports as MasterAccountEmail), for ACL grants by email. */
    static final String ACCOUNT_EMAIL = "admin@rampart.local";

    static String canonicalId(String accountId) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256")
                    .digest(("rampart-canonical:" + accountId).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The account an email address names, as S3 resolves an AmazonCustomerByEmail grantee (case-insensitively). */
    static Optional<String> accountByEmail(String email, String accountId) {
        return email.trim().toLowerCase(Locale.ROOT).equals(ACCOUNT_EMAIL) ? Optional.of(accountId) : Optional.empty();
    }

    static void write(XmlWriter x, String element, String accountId) {
        x.start(element)
                .element("ID", canonicalId(accountId))
                .element("DisplayName", DISPLAY_NAME)
                .end();
    }
}
