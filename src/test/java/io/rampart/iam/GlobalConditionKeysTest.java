package io.rampart.iam;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.policy.PrincipalType;
import io.rampart.policy.RequestContext;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The global condition keys a request carries into policy evaluation (Permissions.globalKeys / contextPrincipal). */
class GlobalConditionKeysTest {
    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05.678Z");
    private static final String ACCOUNT = "111122223333";

    private static Principal user() {
        return new Principal(
                "IAMUser",
                ACCOUNT,
                "arn:aws:iam::" + ACCOUNT + ":user/alice",
                "AIDAALICE",
                "alice",
                "AKIAALICE",
                Optional.empty(),
                false,
                Map.of("team", "blue"));
    }

    private static Principal session(boolean mfa, Instant issued) {
        return new Principal(
                "AssumedRole",
                ACCOUNT,
                "arn:aws:sts::" + ACCOUNT + ":assumed-role/ops/s",
                "AROAOPS:s",
                "",
                "ASIAOPS",
                Optional.of(issued.toEpochMilli()),
                mfa,
                Map.of());
    }

    @Test
    void everyRequestCarriesTimeTransportAndRegion() {
        Map<String, List<String>> k = Permissions.globalKeys(user(), NOW, true, "192.0.2.7", "eu-west-1");
        assertThat(k)
                .containsEntry("aws:CurrentTime", List.of("2026-01-02T03:04:05Z"))
                .containsEntry("aws:EpochTime", List.of(Long.toString(NOW.getEpochSecond())))
                .containsEntry("aws:SecureTransport", List.of("true"))
                .containsEntry("aws:ViaAWSService", List.of("false"))
                .containsEntry("aws:RequestedRegion", List.of("eu-west-1"))
                .containsEntry("aws:SourceIp", List.of("192.0.2.7"));
        assertThat(Permissions.globalKeys(user(), NOW, false, "", "us-east-1"))
                .containsEntry("aws:SecureTransport", List.of("false"))
                .doesNotContainKey("aws:SourceIp");
    }

    @Test
    void aLongLivedKeyHasNoSessionKeysButItsPrincipalTags() {
        Map<String, List<String>> k = Permissions.globalKeys(user(), NOW, true, null, "us-east-1");
        assertThat(k)
                .doesNotContainKeys("aws:TokenIssueTime", "aws:MultiFactorAuthPresent", "aws:MultiFactorAuthAge")
                .containsEntry("aws:PrincipalTag/team", List.of("blue"));
    }

    @Test
    void anMfaSessionCarriesItsIssueTimeAndAge() {
        Map<String, List<String>> k =
                Permissions.globalKeys(session(true, NOW.minusSeconds(90)), NOW, true, null, "us-east-1");
        assertThat(k)
                .containsEntry("aws:TokenIssueTime", List.of("2026-01-02T03:02:35Z"))
                .containsEntry("aws:MultiFactorAuthPresent", List.of("true"))
                .containsEntry("aws:MultiFactorAuthAge", List.of("90"));
    }

    @Test
    void aSessionWithoutMfaSaysSoAndHasNoAge() {
        Map<String, List<String>> k = Permissions.globalKeys(session(false, NOW), NOW, true, null, "us-east-1");
        assertThat(k)
                .containsEntry("aws:MultiFactorAuthPresent", List.of("false"))
                .doesNotContainKey("aws:MultiFactorAuthAge");
    }

    @Test
    void anonymousCallersHaveNoPrincipalKeys() {
        Map<String, List<String>> k =
                Permissions.globalKeys(Principal.anonymous(), NOW, false, "198.51.100.1", "us-east-1");
        assertThat(k.keySet())
                .noneMatch(key -> key.startsWith("aws:PrincipalTag/")
                        || key.startsWith("aws:MultiFactor")
                        || key.equals("aws:TokenIssueTime"));
        assertThat(Permissions.contextPrincipal(Principal.anonymous())).isEqualTo(RequestContext.Principal.anonymous());
    }

    @Test
    void theEngineSeesTheCallersTypeFromItsAwsName() {
        RequestContext.Principal p = Permissions.contextPrincipal(session(false, NOW));
        assertThat(p.type()).isEqualTo(PrincipalType.fromAwsName("AssumedRole").orElseThrow());
        assertThat(p.arn()).endsWith(":assumed-role/ops/s");
        assertThat(Permissions.contextPrincipal(user()).type()).isEqualTo(PrincipalType.IAM_USER);
    }
}
