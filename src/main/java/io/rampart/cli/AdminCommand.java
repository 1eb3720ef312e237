package io.rampart.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rampart.audit.AdminActions;
import io.rampart.crypto.MasterKey;
import io.rampart.detect.Finding;
import io.rampart.detect.FindingAlerts;
import io.rampart.detect.FindingJson;
import io.rampart.detect.FindingStore;
import io.rampart.detect.FindingsService;
import io.rampart.detect.IamIdentityControls;
import io.rampart.detect.Responder;
import io.rampart.iam.AccessKey;
import io.rampart.iam.Entity;
import io.rampart.iam.IamException;
import io.rampart.iam.IamStore;
import io.rampart.iam.OrgAccounts;
import io.rampart.iam.Organization;
import io.rampart.storage.Database;
import io.rampart.storage.SqliteMetadataStore;
import io.rampart.storage.StorageException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code rampart admin}: the owner's break-glass, working on the data directory itself (file access to it, and to the
 * master key, is the proof of ownership), with the server running or stopped. Every action, reads included, is
 * recorded in the {@code admin_actions} table, which the server drains into the audit trail (the trail has one writer,
 * the server), and the running server drops its cached identities when it sees the action, so a change applies within
 * about a second.
 *
 * <p>A new subcommand: a class extending {@link Sub} (it gets --data-dir, --master-key-file, --json, the opened data
 * directory and the recording), listed in {@code subcommands} below.
 */
@Command(
        name = "admin",
        mixinStandardHelpOptions = true,
        description = {
            "Break-glass administration on the data directory (the server may be running or stopped).",
            "Needs the master key as the server finds it: RAMPART_MASTER_KEY, --master-key-file or <data-dir>/master.key.",
            "Every action is recorded in the audit trail (source rampart.admin)."
        },
        subcommands = {
            AdminCommand.CreateAdminKey.class,
            AdminCommand.ListUsers.class,
            AdminCommand.ListKeys.class,
            AdminCommand.ActivateKey.class,
            AdminCommand.DeactivateKey.class,
            AdminCommand.Findings.class,
            AdminPurgeRecoveryWindowCommand.class
        })
final class AdminCommand implements Runnable {
    private static final ObjectMapper JSON = new ObjectMapper();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** A failure to report as one line and exit 1; recorded in the trail as a failed action. */
    static final class Failure extends Exception {
        Failure(String message) {
            super(message, null, false, false);
        }
    }

    /** The data directory opened for offline work: its database, master key and the stores on them. */
    static final class DataDir implements AutoCloseable {
        final Database db;
        final IamStore iam;
        final FindingStore findings;
        final AdminActions actions;
        final String account;
        final MasterKey masterKey;
        private final Path dir;

        private DataDir(
                Path dir,
                MasterKey masterKey,
                Database db,
                IamStore iam,
                FindingStore findings,
                AdminActions actions,
                String account) {
            this.dir = dir;
            this.masterKey = masterKey;
            this.db = db;
            this.iam = iam;
            this.findings = findings;
            this.actions = actions;
            this.account = account;
        }

        static DataDir open(Path dir, Path masterKeyFile) throws Failure {
            return open(dir, masterKeyFile, io.rampart.storage.MetadataLocation.SQLITE);
        }

        /** The same, with the metadata where the server keeps it: rampart.db in the directory, or PostgreSQL. */
        static DataDir open(Path dir, Path masterKeyFile, io.rampart.storage.MetadataLocation location) throws Failure {
            boolean sqlite = !(location instanceof io.rampart.storage.MetadataLocation.Postgres);
            Path dbFile = dir.resolve("rampart.db");
            if (sqlite && !Files.isRegularFile(dbFile))
                throw new Failure("no Rampart data in " + dir + " (no rampart.db)");
            // Named without its password (MetadataLocation.toString).
            String where = sqlite ? dbFile.toString() : location.toString();
            String value;
            try {
                value = ServerCommand.masterKey(masterKeyFile);
            } catch (IOException e) {
                throw new Failure(e.getMessage());
            }
            Path keyFile = dir.resolve("master.key");
            // Never create a master key here: that is the server's first start, and over existing data it would be
            // wrong.
            if (value == null && !Files.isReadable(keyFile)) {
                throw new Failure("the master key is needed: " + keyFile
                        + " cannot be read, and neither RAMPART_MASTER_KEY " + "nor --master-key-file is given");
            }
            MasterKey masterKey;
            try {
                masterKey = MasterKey.load(value, keyFile);
            } catch (IOException | IllegalArgumentException e) {
                throw new Failure("cannot read the master key: " + e.getMessage());
            }
            Database db;
            try {
                db = sqlite ? SqliteMetadataStore.openDatabase(dbFile) : Database.open(location, dir);
            } catch (java.sql.SQLException | StorageException e) {
                throw new Failure("cannot open " + where + ": " + e.getMessage());
            }
            try {
                IamStore iam = new IamStore(db, masterKey);
                iam.verifyMasterKey();
                String account =
                        iam.primaryAccount().orElseThrow(() -> new IllegalStateException("no account in " + where));
                return new DataDir(dir, masterKey, db, iam, new FindingStore(db), new AdminActions(db), account);
            } catch (java.sql.SQLException | RuntimeException e) {
                db.close();
                throw new Failure(e.getMessage());
            }
        }

        /** The bucket metadata (for reversing a finding's SSE-C block); blobs are never released from here. */
        SqliteMetadataStore metadata() throws java.sql.SQLException {
            return new SqliteMetadataStore(db, blob -> {});
        }

        Path dir() {
            return dir;
        }

        /** The organisation, when the server has one. */
        java.util.Optional<Organization.Info> organization() {
            try {
                return new Organization(db).info();
            } catch (java.sql.SQLException e) {
                throw new StorageException("cannot read the organisation", e);
            }
        }

        @Override
        public void close() {
            db.close();
        }
    }

    /**
     * What every subcommand shares: the data directory, --json, one line on stderr on failure, and the action's record
     * (its name, what was asked, what changed, or the error).
     */
    abstract static class Sub implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(
                names = "--data-dir",
                defaultValue = "./rampart-data",
                description = "Data directory (default: ${DEFAULT-VALUE}).")
        Path dataDir;

        @Option(
                names = "--master-key-file",
                description = "File holding the master key (base64 of 32 bytes) instead of "
                        + "<data-dir>/master.key; RAMPART_MASTER_KEY overrides both.")
        Path masterKeyFile;

        @Option(
                names = "--metadata",
                paramLabel = "URL",
                defaultValue = "${env:RAMPART_METADATA}",
                description = "Where the server keeps the metadata, as its --metadata: sqlite (rampart.db in "
                        + "--data-dir, the default) or postgresql://USER[:PASSWORD]@HOST:PORT/DB (env RAMPART_METADATA;"
                        + " the password may instead come from --metadata-password-file or RAMPART_METADATA_PASSWORD).")
        String metadata;

        @Option(
                names = "--metadata-password-file",
                paramLabel = "FILE",
                description = "File holding the PostgreSQL password for --metadata (first line).")
        Path metadataPasswordFile;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        /** What was asked (requestParameters). */
        final Map<String, String> request = new LinkedHashMap<>();
        /** What changed (responseElements); never a secret. */
        final Map<String, String> response = new LinkedHashMap<>();

        /** The terminal, for questions asked before the action (what {@code run} prints is held until it is recorded). */
        PrintWriter terminal;

        /** The trail's eventName: the subcommand. */
        abstract String eventName();

        boolean readOnly() {
            return false;
        }

        abstract int run(DataDir d, PrintWriter out, PrintWriter err) throws Failure;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            terminal = out;
            io.rampart.storage.MetadataLocation location;
            try {
                location = ServerCommand.metadataLocation(
                        metadata, metadataPasswordFile, System.getenv("RAMPART_METADATA_PASSWORD"));
            } catch (IllegalArgumentException | IOException e) {
                err.println("rampart admin: " + e.getMessage());
                err.flush();
                return 2;
            }
            try (DataDir d = DataDir.open(dataDir, masterKeyFile, location)) {
                // What the command prints (a new secret included) is shown only once its record is durable.
                StringWriter buffer = new StringWriter();
                int exit;
                try {
                    exit = run(d, new PrintWriter(buffer), err);
                } catch (Failure | IamException | IllegalArgumentException e) {
                    record(d, e.getMessage());
                    throw new Failure(e.getMessage());
                }
                try {
                    record(d, null);
                } catch (StorageException e) {
                    throw new Failure(
                            "the action was carried out but could not be recorded for the audit trail, so its "
                                    + "output is withheld: " + e.getMessage()
                                    + (e.getCause() == null
                                            ? ""
                                            : ": " + e.getCause().getMessage()));
                }
                out.print(buffer);
                return exit;
            } catch (Failure e) {
                err.println("rampart admin: " + e.getMessage());
                return 1;
            } catch (StorageException e) {
                err.println("rampart admin: " + e.getMessage()
                        + (e.getCause() == null ? "" : ": " + e.getCause().getMessage()));
                return 1;
            } finally {
                out.flush();
                err.flush();
            }
        }

        private void record(DataDir d, String error) {
            d.actions.record(d.account, eventName(), readOnly(), request, response, error);
        }

        static void print(PrintWriter out, Object n) {
            try {
                out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** A subcommand on one account: the server's own, or with --account a member account of the organisation. */
    abstract static class AccountSub extends Sub {
        @Option(
                names = "--account",
                paramLabel = "ID",
                description = "A member account (12 digits) of the organisation instead of the server's own account.")
        String memberAccount;

        /**
         * The account to act on, recorded as the request's accountId when given: one of the organisation's accounts
         * with its admin user (CreateAccount makes it; nobody but that admin may remove it); {@code open}: not closed.
         */
        String account(DataDir d, boolean open) throws Failure {
            if (memberAccount == null) return d.account;
            String id = memberAccount;
            request.put("accountId", id);
            if (!id.matches("\\d{12}")) throw new Failure("--account takes a 12-digit account id, not " + id);
            if (id.equals(d.account)) return id;
            OrgAccounts.Account a = d.organization()
                    .flatMap(i -> d.iam.orgAccounts().find(i, id))
                    .orElseThrow(() -> new Failure("no member account " + id + " in the organisation"));
            if (open && a.closed()) throw new Failure("account " + id + " is closed: its credentials sign nothing");
            if (d.iam.directory().find(id, "user", "admin").isEmpty())
                throw new Failure("account " + id + " has no admin user");
            return id;
        }
    }

    @Command(
            name = "create-admin-key",
            mixinStandardHelpOptions = true,
            description = {
                "Create a new access key for the account admin (the root) and print it once, as the first start does.",
                "Works when every admin key is inactive or lost; the server running on the data directory accepts it at once.",
                "With --account, the admin of a member account of the organisation instead: the way back in when its",
                "OrganizationAccountAccessRole was deleted or no longer trusts the management account."
            })
    static final class CreateAdminKey extends AccountSub {
        @Override
        String eventName() {
            return "create-admin-key";
        }

        @Override
        int run(DataDir d, PrintWriter out, PrintWriter err) throws Failure {
            // A closed account's keys sign nothing: a key for it would be no way in.
            String account = account(d, true);
            request.put("userName", "admin");
            AccessKey k = d.iam.createAdminKey(account);
            response.put("accessKeyId", k.accessKeyId());
            if (json) {
                ObjectNode n = JsonNodeFactory.instance.objectNode();
                n.put("accountId", account);
                n.put("userName", "admin");
                n.put("accessKeyId", k.accessKeyId());
                n.put("secretAccessKey", k.secretKey());
                print(out, n);
            } else {
                ServerCommand.printCredentials(
                        out, new IamStore.Bootstrap(account, "admin", k.accessKeyId(), k.secretKey(), true));
            }
            return 0;
        }
    }

    @Command(
            name = "list-users",
            mixinStandardHelpOptions = true,
            description = "List the account's IAM users and their keys.")
    static final class ListUsers extends AccountSub {
        @Override
        String eventName() {
            return "list-users";
        }

        @Override
        boolean readOnly() {
            return true;
        }

        @Override
        int run(DataDir d, PrintWriter out, PrintWriter err) throws Failure {
            String account = account(d, false);
            List<Entity> users = d.iam.directory().list(account, "user", "/");
            List<IamStore.KeyInfo> keys = d.iam.allAccessKeys(account);
            if (json) {
                ArrayNode a = JsonNodeFactory.instance.arrayNode();
                for (Entity u : users) {
                    ObjectNode n = a.addObject();
                    n.put("userName", u.name());
                    n.put("userId", u.id());
                    n.put("arn", u.arn());
                    n.put("created", u.created().toString());
                    n.put("root", "admin".equals(u.name()));
                    n.put(
                            "activeKeys",
                            keys.stream()
                                    .filter(k -> k.userName().equals(u.name()) && "Active".equals(k.status()))
                                    .count());
                    n.put(
                            "keys",
                            keys.stream()
                                    .filter(k -> k.userName().equals(u.name()))
                                    .count());
                }
                ObjectNode doc = JsonNodeFactory.instance.objectNode();
                doc.put("accountId", account);
                doc.set("users", a);
                print(out, doc);
                return 0;
            }
            out.printf("%-24s %-24s %-11s %-24s %s%n", "USER", "USER ID", "KEYS", "CREATED", "ARN");
            for (Entity u : users) {
                long all =
                        keys.stream().filter(k -> k.userName().equals(u.name())).count();
                long active = keys.stream()
                        .filter(k -> k.userName().equals(u.name()) && "Active".equals(k.status()))
                        .count();
                out.printf(
                        "%-24s %-24s %-11s %-24s %s%s%n",
                        u.name(),
                        u.id(),
                        active + " active/" + all,
                        u.created(),
                        u.arn(),
                        "admin".equals(u.name()) ? "  (account root)" : "");
            }
            return 0;
        }
    }

    @Command(
            name = "list-keys",
            mixinStandardHelpOptions = true,
            description = "List access keys (never their secrets).")
    static final class ListKeys extends AccountSub {
        @Option(names = "--user", description = "Only this user's keys.")
        String user;

        @Override
        String eventName() {
            return "list-keys";
        }

        @Override
        boolean readOnly() {
            return true;
        }

        @Override
        int run(DataDir d, PrintWriter out, PrintWriter err) throws Failure {
            String account = account(d, false);
            if (user != null) request.put("userName", user);
            List<IamStore.KeyInfo> keys =
                    user == null ? d.iam.allAccessKeys(account) : d.iam.listAccessKeys(account, user);
            if (json) {
                ArrayNode a = JsonNodeFactory.instance.arrayNode();
                for (IamStore.KeyInfo k : keys) {
                    ObjectNode n = a.addObject();
                    n.put("accessKeyId", k.accessKeyId());
                    n.put("userName", k.userName());
                    n.put("status", k.status());
                    n.put("created", k.created().toString());
                    d.iam.lastUsed(k.accessKeyId())
                            .ifPresent(u -> n.put("lastUsed", u.used().toString()));
                }
                ObjectNode doc = JsonNodeFactory.instance.objectNode();
                doc.put("accountId", account);
                doc.set("accessKeys", a);
                print(out, doc);
                return 0;
            }
            out.printf("%-22s %-24s %-9s %-24s %s%n", "ACCESS KEY", "USER", "STATUS", "CREATED", "LAST USED");
            for (IamStore.KeyInfo k : keys) {
                out.printf(
                        "%-22s %-24s %-9s %-24s %s%n",
                        k.accessKeyId(),
                        k.userName(),
                        k.status(),
                        k.created(),
                        d.iam.lastUsed(k.accessKeyId())
                                .map(u -> u.used().toString())
                                .orElse("-"));
            }
            return 0;
        }
    }

    /** activate-key / deactivate-key: the status change IAM's UpdateAccessKey makes, for any key of the account. */
    abstract static class SetKeyStatus extends AccountSub {
        @Parameters(paramLabel = "KEYID", description = "The access key id (AKIA...).")
        String keyId;

        abstract String status();

        @Override
        int run(DataDir d, PrintWriter out, PrintWriter err) throws Failure {
            String account = account(d, false);
            request.put("accessKeyId", keyId);
            request.put("status", status());
            IamStore.KeyInfo k = d.iam.keyInfo(account, keyId)
                    .orElseThrow(() -> new Failure("no access key " + keyId + " in account " + account));
            request.put("userName", k.userName());
            boolean changed = d.iam.setKeyStatus(keyId, status());
            response.put("changed", Boolean.toString(changed));
            if (json) {
                ObjectNode n = JsonNodeFactory.instance.objectNode();
                n.put("accessKeyId", keyId);
                n.put("userName", k.userName());
                n.put("status", status());
                n.put("changed", changed);
                print(out, n);
            } else {
                out.println("Access key " + keyId + " (user " + k.userName() + ") "
                        + (changed ? "is now " : "was already ") + status() + ".");
                if (changed && "Active".equals(status())) {
                    List<Finding> open = io.rampart.detect.InactiveAdminKeys.deactivatedBy(d.findings, keyId).stream()
                            .filter(f -> f.status() == Finding.Status.OPEN)
                            .toList();
                    for (Finding f : open) {
                        out.println("Finding " + f.id() + " (" + f.ruleId() + ") that deactivated it is still open: "
                                + "rampart admin findings resolve " + f.id()
                                + " once you are sure it was not an attack.");
                    }
                }
            }
            return 0;
        }
    }

    @Command(name = "activate-key", mixinStandardHelpOptions = true, description = "Set an access key Active.")
    static final class ActivateKey extends SetKeyStatus {
        @Override
        String status() {
            return "Active";
        }

        @Override
        String eventName() {
            return "activate-key";
        }
    }

    @Command(name = "deactivate-key", mixinStandardHelpOptions = true, description = "Set an access key Inactive.")
    static final class DeactivateKey extends SetKeyStatus {
        @Override
        String status() {
            return "Inactive";
        }

        @Override
        String eventName() {
            return "deactivate-key";
        }
    }

    @Command(
            name = "findings",
            mixinStandardHelpOptions = true,
            description = "List or resolve the detector's findings offline.",
            subcommands = {FindingsList.class, FindingsResolve.class})
    static final class Findings implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(System.out);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List findings, oldest first.")
    static final class FindingsList extends Sub {
        @Option(names = "--status", description = "Only OPEN, ARCHIVED or RESOLVED findings.")
        String status;

        @Override
        String eventName() {
            return "findings-list";
        }

        @Override
        boolean readOnly() {
            return true;
        }

        @Override
        int run(DataDir d, PrintWriter out, PrintWriter err) throws Failure {
            Finding.Status s = null;
            if (status != null) {
                request.put("status", status);
                try {
                    s = Finding.Status.valueOf(status.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new Failure("--status must be OPEN, ARCHIVED or RESOLVED");
                }
            }
            ObjectNode doc = JsonNodeFactory.instance.objectNode();
            ArrayNode list = doc.putArray("findings");
            for (Finding f : d.findings.list(s)) list.add(FindingJson.of(f));
            if (json) print(out, doc);
            else FindingsCommand.table(out, list);
            return 0;
        }
    }

    @Command(
            name = "resolve",
            mixinStandardHelpOptions = true,
            description = {
                "Resolve a finding and reverse its responses (re-enable the key, lift the SSE-C block and the",
                "policies the detector set), as 'rampart findings resolve' does. Asks for confirmation unless --yes."
            })
    static final class FindingsResolve extends Sub {
        @Parameters(paramLabel = "ID")
        String id;

        @Option(names = "--yes", description = "Do not ask for confirmation.")
        boolean yes;

        @Override
        String eventName() {
            return "findings-resolve";
        }

        @Override
        int run(DataDir d, PrintWriter out, PrintWriter err) throws Failure {
            request.put("findingId", id);
            Finding f = d.findings.find(id).orElseThrow(() -> new Failure("no finding " + id));
            if (!yes && !confirmed(f, terminal)) throw new Failure("not resolved (answer y, or pass --yes)");
            // The reversals go to the trail as the online resolve writes them (DetectorResponseReversed), by way of the
            // admin actions table; the resolution itself is this command's record.
            Responder.Audit audit = (event, bucket, details) ->
                    d.actions.record(d.account, event, false, withBucket(details, bucket), Map.of(), null);
            Finding resolved;
            try {
                Responder responder =
                        new Responder(new IamIdentityControls(d.iam), d.metadata(), FindingAlerts.NONE, audit, true);
                resolved = new FindingsService(d.findings, responder, null, (event, details) -> {})
                        .resolve(id, "arn:aws:iam::" + d.account + ":root")
                        .orElseThrow(() -> new Failure("no finding " + id));
            } catch (java.sql.SQLException e) {
                throw new Failure("cannot open the bucket metadata: " + e.getMessage());
            }
            List<Finding.ResponseTaken> reversed = resolved.responses().stream()
                    .filter(r -> "resolve".equals(r.detail()))
                    .toList();
            response.put("status", resolved.status().name());
            response.put(
                    "reversed",
                    Long.toString(reversed.stream()
                            .filter(r -> "reversed".equals(r.outcome()))
                            .count()));
            if (json) {
                print(out, FindingJson.of(resolved));
            } else {
                out.println("Resolved " + resolved.id() + ".");
                for (Finding.ResponseTaken r : reversed)
                    out.println("  " + r.action() + " " + r.target() + ": " + r.outcome());
            }
            return 0;
        }

        private static Map<String, String> withBucket(Map<String, String> details, String bucket) {
            Map<String, String> m = new LinkedHashMap<>(details);
            if (bucket != null) m.put("bucketName", bucket);
            return m;
        }

        private static boolean confirmed(Finding f, PrintWriter out) {
            out.println("Resolving " + f.id() + " (" + f.ruleId() + ") reverses:");
            int n = 0;
            for (Finding.ResponseTaken r : f.responses()) {
                if (!"done".equals(r.outcome())) continue;
                out.println("  " + r.action() + " " + r.target());
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
            return answer != null
                    && (answer.trim().equalsIgnoreCase("y") || answer.trim().equalsIgnoreCase("yes"));
        }
    }
}
