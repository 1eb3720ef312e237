package io.rampart.s3;

import io.rampart.xml.XmlWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** S3's canonical user id of an account (64 hex characters), derived so it is stable and reveals nothing. */
final class Owners {
    private Owners() { }

    static String canonicalId(String accountId) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(("rampart-canonical:" + accountId).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void write(XmlWriter x, String element, String accountId) {
        x.start(element).element("ID", canonicalId(accountId)).element("DisplayName", "rampart").end();
    }
}
