package io.rampart.it;

import io.rampart.s3.S3Settings;
import software.amazon.awssdk.services.s3.S3Client;

/** The SSE-C matrix over plain HTTP on a server started with --allow-sse-c-over-http (local testing). */
class SseCOverHttpTest extends SseCMatrix {
    @Override
    RampartServer startServer() throws Exception {
        return RampartServer.start(c -> c.s3(new S3Settings(true, false)));
    }

    @Override
    S3Client client(RampartServer server) {
        return server.s3();
    }
}
