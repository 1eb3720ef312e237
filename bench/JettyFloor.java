// The floor under any Jetty-based S3 server on this machine: Jetty configured as Rampart's S3 port is (a
// QueuedThreadPool whose requests run on virtual threads, the same HttpConfiguration), answering every GET with one
// fixed 4 KiB body and S3-like headers, and every PUT by reading its body and answering 200 with an ETag. No
// signature check, no metadata, no encryption, no trail: what is left of a request's cost is Jetty's, the JVM's and
// the kernel's. bench/wrk-presigned.sh runs it as the peer "jetty" so Rampart's share of a GET can be read off a
// same-run ratio. Run with the Rampart jar on the class path (it carries Jetty), as a single-file program:
//
//   java -cp target/rampart.jar bench/JettyFloor.java PORT BODY_FILE
//
// Mirrors io.rampart.http.Rampart.httpServer's settings; keep the two alike when that one changes.

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.Executors;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

public class JettyFloor {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        byte[] body = Files.readAllBytes(Path.of(args[1]));
        String etag = "\"" + HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(body)) + "\"";

        QueuedThreadPool pool = new QueuedThreadPool(200, 8);
        pool.setName("floor-http");
        pool.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
        Server server = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        http.setUriCompliance(UriCompliance.UNSAFE);
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setSendDateHeader(true);
        http.setRequestHeaderSize(64 * 1024);
        http.setHeaderCacheCaseSensitive(true);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                response.getHeaders().put("x-amz-request-id", Long.toHexString(System.nanoTime()).toUpperCase());
                response.getHeaders().put("x-amz-id-2", UUID.randomUUID().toString());
                response.getHeaders().put(HttpHeader.ETAG, etag);
                if ("PUT".equals(request.getMethod())) {
                    Content.Source.consumeAll(request); // the whole body, before answering, as a store must
                    response.setStatus(200);
                    response.write(true, ByteBuffer.allocate(0), callback);
                    return true;
                }
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/octet-stream");
                response.getHeaders().put(HttpHeader.LAST_MODIFIED, "Mon, 07 Dec 2026 00:00:00 GMT");
                response.getHeaders().put(HttpHeader.ACCEPT_RANGES, "bytes");
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
                response.setStatus(200);
                response.write(true, ByteBuffer.wrap(body), callback);
                return true;
            }
        });
        server.start();
        server.join();
    }
}
