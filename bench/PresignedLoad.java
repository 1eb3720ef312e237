import java.net.URI;
import java.net.http.*;
import java.nio.file.*;
import java.time.Duration;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;
import software.amazon.awssdk.auth.credentials.*;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.*;
import software.amazon.awssdk.services.s3.model.*;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Test load driver (not part of the server): presigned URLs over the JDK HttpClient, a much lighter client than the
 * SDK, a fixed number of requests after a quarter as many unmeasured, and the server process's CPU per request and
 * per MB from /proc/PID/stat (robust to other load on the machine, unlike ops/s). Run from the repository root:
 *   java -cp target/rampart.jar bench/PresignedLoad.java http://127.0.0.1:9300 SERVER_PID get 4096 200 8000 8
 * (args: endpoint, server pid, get or put, object size in bytes, objects, requests, threads; root key
 * AKIABENCH00000000001 as in BENCHMARKS.md).
 */
public class PresignedLoad {
    public static void main(String[] a) throws Exception {
        String endpoint = a[0]; int pid = Integer.parseInt(a[1]); String op = a[2]; int size = Integer.parseInt(a[3]);
        int objects = Integer.parseInt(a[4]); int requests = Integer.parseInt(a[5]); int threads = Integer.parseInt(a[6]);
        var creds = StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIABENCH00000000001", "benchsecretbenchsecretbenchsecret0001"));
        var s3 = S3Client.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1).credentialsProvider(creds).forcePathStyle(true)
                // no optional CRC32 trailer: S3Proxy answers it 501 (as `rampart bench` does)
                .requestChecksumCalculation(software.amazon.awssdk.core.checksums.RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(software.amazon.awssdk.core.checksums.ResponseChecksumValidation.WHEN_REQUIRED).build();
        var pre = S3Presigner.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1).credentialsProvider(creds)
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build()).build();
        String bucket = "load-" + Long.toHexString(System.nanoTime());
        s3.createBucket(b -> b.bucket(bucket));
        byte[] body = new byte[size]; new Random(1).nextBytes(body);
        List<URI> uris = new ArrayList<>();
        for (int i = 0; i < objects; i++) {
            String key = "k" + i;
            if (op.equals("get")) s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(body));
            var u = op.equals("get")
                ? pre.presignGetObject(p -> p.signatureDuration(Duration.ofHours(1)).getObjectRequest(g -> g.bucket(bucket).key(key))).url()
                : pre.presignPutObject(p -> p.signatureDuration(Duration.ofHours(1)).putObjectRequest(g -> g.bucket(bucket).key(key))).url();
            uris.add(u.toURI());
        }
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(Executors.newFixedThreadPool(2)).build();
        // warm-up: a quarter of the requests, unmeasured
        run(http, op, uris, body, requests / 4, threads);
        long c0 = cpu(pid); long t0 = System.nanoTime();
        long bytes = run(http, op, uris, body, requests, threads);
        long t1 = System.nanoTime(); long c1 = cpu(pid);
        double s = (t1 - t0) / 1e9, cpuS = (c1 - c0) / 100.0;
        System.out.printf(Locale.ROOT, "op=%s size=%d requests=%d threads=%d elapsed=%.2fs req/s=%.1f MB/s=%.1f serverCPU=%.2fs serverCPU/req=%.3fms serverCPU/MB=%.2fms load=%s%n",
            op, size, requests, threads, s, requests / s, bytes / s / 1e6, cpuS, cpuS * 1000 / requests, bytes == 0 ? 0 : cpuS * 1000 / (bytes / 1e6),
            Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        System.exit(0);
    }

    static long run(HttpClient http, String op, List<URI> uris, byte[] body, int n, int threads) throws Exception {
        AtomicInteger next = new AtomicInteger(); AtomicLong bytes = new AtomicLong(); AtomicInteger errors = new AtomicInteger();
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                int i;
                while ((i = next.getAndIncrement()) < n) {
                    URI u = uris.get(i % uris.size());
                    try {
                        if (op.equals("get")) {
                            var r = http.send(HttpRequest.newBuilder(u).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
                            long got; try (var in = r.body()) { got = in.transferTo(OutputStreamNull.INSTANCE); }
                            if (r.statusCode() != 200) errors.incrementAndGet(); else bytes.addAndGet(got);
                        } else {
                            var r = http.send(HttpRequest.newBuilder(u).PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding());
                            if (r.statusCode() != 200) errors.incrementAndGet(); else bytes.addAndGet(body.length);
                        }
                    } catch (Exception e) { errors.incrementAndGet(); }
                }
            });
            th.start(); ts.add(th);
        }
        for (Thread th : ts) th.join();
        if (errors.get() > 0) System.out.println("errors: " + errors.get());
        return bytes.get();
    }

    static long cpu(int pid) throws Exception {
        String[] f = Files.readString(Path.of("/proc/" + pid + "/stat")).split("\\) ")[1].split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    static final class OutputStreamNull extends java.io.OutputStream {
        static final OutputStreamNull INSTANCE = new OutputStreamNull();
        @Override public void write(int b) { }
        @Override public void write(byte[] b, int o, int l) { }
    }
}
