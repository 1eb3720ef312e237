package io.rampart.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/** {@code rampart findings}: the detector's findings on a running server, through the admin API. */
@Command(
        name = "findings",
        mixinStandardHelpOptions = true,
        description = "List, show, archive or resolve the detector's findings on a running server.",
        subcommands = {
            FindingsCommand.ListFindings.class,
            FindingsCommand.Show.class,
            FindingsCommand.Archive.class,
            FindingsCommand.Resolve.class
        })
final class FindingsCommand implements Runnable {
    private static final ObjectMapper JSON = new ObjectMapper();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** A failure to report as one line and exit 1. */
    static final class Failure extends Exception {
        Failure(String message) {
            super(message, null, false, false);
        }
    }

    /** What every subcommand shares: the connection, --json, one signed call. */
    abstract static class Sub implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        ServerConnection connection;

        @Option(names = "--json", description = "Print the server's JSON.")
        boolean json;

        abstract int run(PrintWriter out, PrintWriter err) throws Failure;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                return run(out, err);
            } catch (IllegalArgumentException e) {
                err.println("rampart findings: " + e.getMessage());
                return 2;
            } catch (Failure e) {
                err.println("rampart findings: " + e.getMessage());
                return 1;
            } finally {
                out.flush();
                err.flush();
            }
        }

        JsonNode call(String method, String path) throws Failure {
            URI uri = URI.create(connection.endpointUri() + "/_rampart/admin/findings" + path);
            AwsCredentialsIdentity credentials = connection.credentials().resolveCredentials();
            byte[] body = new byte[0];
            SdkHttpRequest unsigned = SdkHttpRequest.builder()
                    .method(SdkHttpMethod.fromValue(method))
                    .uri(uri)
                    .build();
            HttpRequest request = AdminSigning.forJavaHttp(
                    AdminSigning.sign(unsigned, body, credentials, connection.region),
                    uri,
                    method,
                    body,
                    Duration.ofMinutes(2));
            HttpResponse<String> response;
            try {
                response = HttpClient.newBuilder()
                        .connectTimeout(Duration.ofSeconds(10))
                        .build()
                        .send(request, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new Failure("cannot reach " + connection.endpoint + ": " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Failure("interrupted");
            }
            JsonNode n;
            try {
                n = JSON.readTree(response.body());
            } catch (IOException e) {
                throw new Failure("HTTP " + response.statusCode() + ": " + abbreviate(response.body()));
            }
            if (response.statusCode() != 200) {
                JsonNode e = n.path("error");
                throw new Failure(
                        e.has("code")
                                ? e.path("code").asText() + ": "
                                        + e.path("message").asText() + " (HTTP " + response.statusCode() + ")"
                                : "HTTP " + response.statusCode() + ": " + abbreviate(response.body()));
            }
            return n;
        }

        void print(PrintWriter out, JsonNode n) {
            try {
                out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static String abbreviate(String s) {
        String t = s.replaceAll("\\s+", " ").trim();
        return t.length() > 300 ? t.substring(0, 300) + "..." : t;
    }

    static String encode(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static void details(PrintWriter out, JsonNode f) {
        out.printf("%-12s %s%n", "id", f.path("id").asText());
        out.printf(
                "%-12s %s (%s)%n",
                "rule", f.path("rule").asText(), f.path("severity").asText());
        out.printf("%-12s %s%n", "description", f.path("description").asText());
        out.printf("%-12s %s%n", "status", f.path("status").asText());
        out.printf("%-12s %s%n", "principal", f.path("principal").asText("-"));
        out.printf("%-12s %s%n", "access key", f.path("accessKeyId").asText("-"));
        out.printf("%-12s %s%n", "bucket", f.path("bucket").asText("-"));
        out.printf(
                "%-12s %s .. %s (%d event(s))%n",
                "time",
                f.path("firstTime").asText(),
                f.path("lastTime").asText(),
                f.path("count").asLong());
        out.printf(
                "%-12s %d event id(s)%s%n",
                "evidence",
                f.path("evidence").size(),
                f.path("evidence").isEmpty()
                        ? ""
                        : ", first " + f.path("evidence").get(0).asText());
        out.println("responses:");
        if (f.path("responses").isEmpty()) out.println("  (none)");
        for (JsonNode r : f.path("responses")) {
            out.printf(
                    "  %-24s %-16s %-12s %-40s %s%n",
                    r.path("time").asText(),
                    r.path("action").asText(),
                    r.path("outcome").asText(),
                    r.path("target").asText("-"),
                    r.path("detail").asText(""));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List findings, oldest first.")
    static final class ListFindings extends Sub {
        @Option(names = "--status", description = "Only OPEN, ARCHIVED or RESOLVED findings.")
        String status;

        @Option(names = "--account", description = "Only findings whose principal is in this 12-digit account.")
        String account;

        @Override
        int run(PrintWriter out, PrintWriter err) throws Failure {
            java.util.List<String> q = new java.util.ArrayList<>();
            if (status != null) q.add("status=" + encode(status.toUpperCase(Locale.ROOT)));
            if (account != null) q.add("account=" + encode(account));
            JsonNode n = call("GET", q.isEmpty() ? "" : "?" + String.join("&", q));
            if (json) {
                print(out, n);
                return 0;
            }
            table(out, n.path("findings"));
            return 0;
        }
    }

    /** The findings list as a table (also {@code rampart admin findings list}). */
    static void table(PrintWriter out, JsonNode list) {
        if (list.isEmpty()) {
            out.println("No findings.");
            return;
        }
        out.printf(
                "%-24s %-8s %-9s %-30s %-22s %-20s %6s  %s%n",
                "ID", "SEVERITY", "STATUS", "RULE", "ACCESS KEY", "BUCKET", "EVENTS", "LAST");
        for (JsonNode f : list) {
            out.printf(
                    "%-24s %-8s %-9s %-30s %-22s %-20s %6d  %s%n",
                    f.path("id").asText(),
                    f.path("severity").asText(),
                    f.path("status").asText(),
                    f.path("rule").asText(),
                    f.path("accessKeyId").asText("-"),
                    f.path("bucket").asText("-"),
                    f.path("count").asLong(),
                    f.path("lastTime").asText());
        }
    }

    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description = "Show one finding with its evidence and responses.")
    static final class Show extends Sub {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        int run(PrintWriter out, PrintWriter err) throws Failure {
            JsonNode f = call("GET", "/" + encode(id));
            if (json) print(out, f);
            else details(out, f);
            return 0;
        }
    }

    @Command(
            name = "archive",
            mixinStandardHelpOptions = true,
            description = "Archive a finding: acknowledged, its responses stay in force.")
    static final class Archive extends Sub {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        int run(PrintWriter out, PrintWriter err) throws Failure {
            JsonNode f = call("POST", "/" + encode(id) + "/archive");
            if (json) print(out, f);
            else out.println("Archived " + f.path("id").asText() + ".");
            return 0;
        }
    }

    @Command(
            name = "resolve",
            mixinStandardHelpOptions = true,
            description = {
                "Resolve a finding and reverse its responses: re-enable the access key, lift the SSE-C block",
                "the detector set. Asks for confirmation unless --yes."
            })
    static final class Resolve extends Sub {
        @Parameters(paramLabel = "ID")
        String id;

        @Option(names = "--yes", description = "Do not ask for confirmation.")
        boolean yes;

        @Override
        int run(PrintWriter out, PrintWriter err) throws Failure {
            if (!yes) {
                JsonNode f = call("GET", "/" + encode(id));
                out.println("Resolving " + id + " (" + f.path("rule").asText() + ") reverses:");
                int n = 0;
                for (JsonNode r : f.path("responses")) {
                    if (!"done".equals(r.path("outcome").asText())) continue;
                    out.println("  " + r.path("action").asText() + " "
                            + r.path("target").asText());
                    n++;
                }
                if (n == 0) out.println("  (nothing: no response changed anything)");
                out.print("Resolve? [y/N] ");
                out.flush();
                String answer;
                try {
                    answer = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                } catch (IOException e) {
                    answer = null;
                }
                if (answer == null
                        || !(answer.trim().equalsIgnoreCase("y")
                                || answer.trim().equalsIgnoreCase("yes"))) {
                    err.println("rampart findings: not resolved (answer y, or pass --yes)");
                    return 1;
                }
            }
            JsonNode f = call("POST", "/" + encode(id) + "/resolve");
            if (json) {
                print(out, f);
            } else {
                out.println("Resolved " + f.path("id").asText() + ".");
                for (JsonNode r : f.path("responses")) {
                    if ("resolve".equals(r.path("detail").asText())) {
                        out.println("  " + r.path("action").asText() + " "
                                + r.path("target").asText() + ": "
                                + r.path("outcome").asText());
                    }
                }
            }
            return 0;
        }
    }
}
