package io.rampart.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code rampart server --blobs}: parsed into the server's setting; a bad value is refused before anything starts. */
class ServerBlobsOptionTest {
    @Test
    void theOptionIsParsed() {
        CommandLine cl = Main.commandLine(new String[] {"server"});
        CommandLine.ParseResult parsed =
                cl.parseArgs("server", "--blobs", "s3://bucket/prefix?endpoint=http://10.0.0.5:9000");
        ServerCommand server = parsed.subcommand().commandSpec().commandLine().getCommand();
        assertThat(server.blobs).isEqualTo("s3://bucket/prefix?endpoint=http://10.0.0.5:9000");
    }

    @Test
    void aBadBlobsValueExitsWithUsageErrorAndSaysWhy(@TempDir Path dir) {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int status;
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            status = Main.commandLine(new String[] {"server"})
                    .execute(
                            "server",
                            "--data-dir",
                            dir.resolve("data").toString(),
                            "--port",
                            "0",
                            "--blobs",
                            "s3://Bad_Bucket?endpoint=http://127.0.0.1:1");
        } finally {
            System.setErr(err);
        }
        assertThat(status).isEqualTo(2);
        assertThat(captured.toString(StandardCharsets.UTF_8))
                .contains("rampart: --blobs takes a directory or s3://BUCKET[/PREFIX][?endpoint=URL&region=REGION]: "
                        + "'Bad_Bucket' is not a bucket name");
        assertThat(Files.exists(dir.resolve("data").resolve("rampart.db"))).isFalse();
    }
}
