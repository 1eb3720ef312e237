package io.rampart.iam;

import io.rampart.xml.XmlWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/** The Query protocol's XML: {@code <ActionResponse><ActionResult>...} with the request id, and its error document. */
public final class QueryXml {
    public static final String IAM_NAMESPACE = "https://iam.amazonaws.com/doc/2010-05-08/";
    public static final String STS_NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";

    private QueryXml() {}

    /** {@code result} null: the response has no Result element (an action that returns nothing). */
    static byte[] response(String namespace, String action, String requestId, @Nullable Consumer<XmlWriter> result) {
        XmlWriter x = new XmlWriter().start(action + "Response", namespace);
        if (result != null) {
            x.start(action + "Result");
            result.accept(x);
            x.end();
        }
        x.start("ResponseMetadata").element("RequestId", requestId).end();
        return x.end().toBytes();
    }

    public static byte[] error(String namespace, String code, String type, String message, String requestId) {
        return new XmlWriter()
                .start("ErrorResponse", namespace)
                .start("Error")
                .element("Type", type)
                .element("Code", code)
                .element("Message", io.rampart.xml.XmlWriter.xml10(message))
                .end()
                .element("RequestId", requestId)
                .end()
                .toBytes();
    }

    /** ISO-8601 with seconds, as IAM writes dates (e.g. 2024-01-02T03:04:05Z). */
    static String date(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
