package io.rampart.http;

import io.rampart.xml.XmlWriter;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty raises itself (malformed requests, oversized headers) answered as S3 error XML with a request id,
 * never an HTML page.
 */
final class S3ErrorPages extends ErrorHandler {

    private static String codeFor(int status) {
        return switch (status) {
            case 400 -> "BadRequest";
            case 404 -> "NoSuchKey";
            case 405 -> "MethodNotAllowed";
            case 411 -> "MissingContentLength";
            case 413 -> "EntityTooLarge";
            case 414, 431 -> "RequestHeaderSectionTooLarge";
            case 503 -> "ServiceUnavailable";
            case 501 -> "NotImplemented";
            default -> status >= 500 ? "InternalError" : "BadRequest";
        };
    }

    private static byte[] document(int status, String message, String requestId) {
        return new XmlWriter()
                .start("Error")
                .element("Code", codeFor(status))
                .element("Message", message == null || message.isBlank() ? "Bad Request" : XmlWriter.xml10(message))
                .element("RequestId", requestId)
                .element("HostId", requestId)
                .toBytes();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Object s = request.getAttribute(ERROR_STATUS);
        int status = s instanceof Integer i ? i : response.getStatus();
        Object m = request.getAttribute(ERROR_MESSAGE);
        String requestId = Exchanges.newRequestId();
        byte[] body = document(status, m == null ? null : m.toString(), requestId);
        response.setStatus(status);
        response.getHeaders().put("x-amz-request-id", requestId);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/xml");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }
}
