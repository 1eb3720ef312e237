package io.rampart.it;

import io.rampart.http.Rampart;
import io.rampart.s3.S3Settings;
import software.amazon.awssdk.services.s3.S3Client;

/** The SSE-C matrix over HTTPS (self-signed certificate), with the server's default refusal of SSE-C over HTTP. */
class SseCOverHttpsTest extends SseCMatrix {
    @Override
    RampartServer startServer() throws Exception {
        return RampartServer.start(c -> c.tls(new Rampart.Tls(null, null, true)).s3(new S3Settings(false, false)));
    }

    @Override
    S3Client client(RampartServer server) {
        return server.s3TrustingSelfSigned();
    }
}
