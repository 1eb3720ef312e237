package io.rampart;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Enforces DESIGN.md's "must not depend on" column: each arrow of the request path points one way. */
class ArchitectureTest {
    private static final List<String> ALL = List.of(
            "http",
            "auth",
            "policy",
            "iam",
            "s3",
            "storage",
            "crypto",
            "audit",
            "detect",
            "recovery",
            "guard",
            "cli",
            "xml",
            "json",
            "metrics",
            "notify",
            "kms",
            "console");

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.rampart");
    }

    record Rule(String pkg, List<String> forbidden) {
        @Override
        public String toString() {
            return pkg + " must not depend on " + forbidden;
        }
    }

    static Stream<Rule> rules() {
        return Stream.of(
                new Rule("auth", List.of("http")),
                new Rule("policy", allBut("policy")),
                new Rule("iam", List.of("http")),
                new Rule("s3", List.of("http", "auth")),
                new Rule("storage", List.of("http", "auth", "iam", "policy")),
                new Rule("crypto", allBut("crypto")),
                new Rule("audit", List.of("http")),
                new Rule("detect", List.of("http")),
                new Rule("recovery", List.of("http")),
                // kms: the key service; S3 uses it, never the other way round.
                new Rule("kms", List.of("http", "auth", "s3", "detect", "recovery", "cli")),
                new Rule("metrics", List.of("http", "cli")),
                new Rule("notify", List.of("http", "cli", "auth")),
                // console: sessions and view models; the HTTP glue that runs S3 and IAM calls is http.Console.
                new Rule("console", List.of("http", "cli", "s3", "storage")),
                // guard checks any S3 endpoint through the SDK: it must not reach into the server; it evaluates the
                // policies it
                // reads with the pure policy library.
                new Rule(
                        "guard",
                        ALL.stream()
                                .filter(p -> !p.equals("guard") && !p.equals("policy"))
                                .toList()),
                // xml: the wire documents' writer and hardened parser, a leaf shared by the protocol packages.
                new Rule("xml", allBut("xml")),
                // json: JSON written by hand as Jackson writes it (object metadata, trail records), a leaf too.
                new Rule("json", allBut("json")));
    }

    private static List<String> allBut(String self) {
        return ALL.stream().filter(p -> !p.equals(self)).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void packageRespectsItsForbiddenDependencies(Rule rule) {
        String[] targets =
                rule.forbidden().stream().map(p -> "io.rampart." + p + "..").toArray(String[]::new);
        noClasses()
                .that()
                .resideInAPackage("io.rampart." + rule.pkg() + "..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(targets)
                .allowEmptyShould(true)
                .because("DESIGN.md: " + rule + " " + Arrays.toString(targets))
                .check(classes);
    }

    /** A rule about a package that does not exist passes for nothing: every package named here has classes. */
    @Test
    void everyNamedPackageExists() {
        for (String p : ALL) {
            assertThat(classes.stream()
                            .anyMatch(c -> c.getPackageName().equals("io.rampart." + p)
                                    || c.getPackageName().startsWith("io.rampart." + p + ".")))
                    .as("package io.rampart.%s exists", p)
                    .isTrue();
        }
        assertThat(classes.stream()
                        .map(c -> c.getPackageName().replaceFirst("^io\\.rampart\\.([^.]+).*$", "$1"))
                        .filter(p -> !p.equals("io.rampart"))
                        .distinct())
                .as("every package is named in ALL (and so has rules)")
                .allMatch(ALL::contains);
    }

    /** The packages form a graph without cycles: each arrow of the request path points one way. */
    @Test
    void packagesFormNoCycles() {
        slices().matching("io.rampart.(*)..").should().beFreeOfCycles().check(classes);
    }

    /**
     * The front doors on the port (S3, admin API, IAM/STS/Organizations/KMS, Roles Anywhere, console) record requests
     * only through the request exchange: the trail is handed to {@code http.Exchanges} by the composition root alone.
     */
    @Test
    void frontDoorsRecordOnlyThroughTheExchange() {
        noClasses()
                .that()
                .resideInAPackage("io.rampart.http..")
                .and()
                .doNotHaveFullyQualifiedName("io.rampart.http.Exchanges")
                .and()
                .doNotHaveFullyQualifiedName("io.rampart.http.Rampart")
                .should()
                .dependOnClassesThat()
                .haveFullyQualifiedName("io.rampart.audit.AuditTrail")
                .because("verify, authorise, handle, record and respond are one exchange (docs/architecture.md)")
                .check(classes);
    }
}
