package io.rampart.detect;

import io.rampart.iam.IamStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What start-up says about the account admin's keys when some are off: the key named by {@code RAMPART_ROOT_ACCESS_KEY}
 * stays Inactive whatever the environment says, so the owner must learn why (the findings whose response deactivated
 * it) and how to get back in ({@code rampart admin} on the data directory). The server still starts: every other
 * principal's data stays served.
 */
public final class InactiveAdminKeys {
    private InactiveAdminKeys() {}

    /** The findings whose automatic response deactivated this key, newest first. */
    public static List<Finding> deactivatedBy(FindingStore findings, String accessKeyId) {
        return findings.list().stream()
                .filter(f -> f.responses().stream()
                        .anyMatch(r -> "deactivate-key".equals(r.action())
                                && accessKeyId.equals(r.target())
                                && "done".equals(r.outcome())))
                .sorted(java.util.Comparator.comparing(Finding::lastTime).reversed())
                .toList();
    }

    /**
     * The warning to print at start-up, when the environment's admin key is inactive or the admin has no active key;
     * empty when all is well.
     */
    public static Optional<String> warning(
            IamStore iam, FindingStore findings, String account, String envKeyId, Path dataDir) {
        List<IamStore.KeyInfo> keys = iam.listAccessKeys(account, "admin");
        Optional<IamStore.KeyInfo> env = envKeyId == null
                ? Optional.empty()
                : keys.stream().filter(k -> k.accessKeyId().equals(envKeyId)).findFirst();
        boolean envInactive = env.isPresent() && !"Active".equals(env.get().status());
        boolean noneActive = keys.stream().noneMatch(k -> "Active".equals(k.status()));
        if (!envInactive && !noneActive) return Optional.empty();
        String dir = dataDir.toString();
        StringBuilder b = new StringBuilder();
        String rule = "=".repeat(100);
        b.append(rule).append('\n');
        List<String> inactive = envInactive
                ? List.of(envKeyId)
                : keys.stream().map(IamStore.KeyInfo::accessKeyId).toList();
        if (envInactive) {
            b.append("ADMIN ACCESS KEY ")
                    .append(envKeyId)
                    .append(" IS INACTIVE. It stays Inactive: RAMPART_ROOT_ACCESS_KEY does "
                            + "not re-enable a key.\n");
        }
        if (noneActive) {
            b.append("The account admin has no active access key")
                    .append(envInactive || keys.isEmpty() ? "." : ": " + String.join(", ", inactive) + " inactive.")
                    .append('\n');
        }
        String resolve = null;
        for (String key : inactive) {
            List<Finding> by = deactivatedBy(findings, key);
            if (by.isEmpty()) {
                b.append("  ").append(key).append(" was deactivated by an administrator (no finding names it).\n");
                continue;
            }
            for (Finding f : by) {
                b.append("  ")
                        .append(key)
                        .append(" was deactivated by finding ")
                        .append(f.id())
                        .append(" (")
                        .append(f.ruleId())
                        .append(", ")
                        .append(f.severity())
                        .append(", ")
                        .append(f.status())
                        .append(", last seen ")
                        .append(f.lastTime())
                        .append("): ")
                        .append(f.description())
                        .append('\n');
                if (resolve == null && f.status() == Finding.Status.OPEN) resolve = f.id();
            }
        }
        b.append(
                "If that was not an attack, get back in from this machine (file access to the data directory is the proof):\n");
        if (resolve != null) {
            b.append("  rampart admin findings resolve ")
                    .append(resolve)
                    .append(" --data-dir ")
                    .append(dir)
                    .append("   # reverses the finding's responses\n");
        }
        b.append("  rampart admin activate-key ")
                .append(inactive.isEmpty() ? "KEYID" : inactive.get(0))
                .append(" --data-dir ")
                .append(dir)
                .append('\n');
        b.append("  rampart admin create-admin-key --data-dir ").append(dir).append("   # a new admin key pair\n");
        b.append(
                "The server runs on and serves every other principal meanwhile; the change takes effect without a restart.\n");
        b.append(rule);
        return Optional.of(b.toString());
    }
}
