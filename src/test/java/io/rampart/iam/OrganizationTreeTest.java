package io.rampart.iam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rampart.storage.Database;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The organisation's tree as stored: OUs under the root (five deep at most), where accounts sit, and the guardrails
 * of an account listed level by level from the root down its OU path to the account.
 */
class OrganizationTreeTest {
    private static final String MANAGEMENT = "111122223333";
    private static final String MEMBER = "444455556666";
    private static final String DENY_DELETE = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\","
            + "\"Action\":\"s3:DeleteBucket\",\"Resource\":\"*\"}]}";

    @TempDir
    Path dir;

    Database db;
    Organization org;
    Organization.Info info;

    /** The database the organisation lives in; SQLite here. */
    protected Database openDatabase() throws Exception {
        return new Database(dir.resolve("rampart.db"), 2);
    }

    @BeforeEach
    void open() throws Exception {
        db = openDatabase();
        db.write(c -> {
            for (String a : List.of(MANAGEMENT, MEMBER)) {
                Sql.update(c, "INSERT INTO accounts(id, created) VALUES(?, ?)", a, System.currentTimeMillis());
            }
            return null;
        });
        org = new Organization(db);
        info = org.create(MANAGEMENT);
        // The member account as CreateAccount records it (OrgAccounts), under the root.
        db.write(c -> Sql.update(
                c,
                "INSERT INTO org_accounts(id, name, email, email_key, status, joined_method, joined, parent_id) "
                        + "VALUES(?, 'member', 'm@example.com', 'm@example.com', 'ACTIVE', 'CREATED', 0, ?)",
                MEMBER,
                info.rootId()));
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void unitIdsCarryTheRootAndArnsNameTheOrganisation() {
        Organization.Unit u = org.createUnit(info.rootId(), "Workloads");
        assertThat(u.id()).matches("ou-" + info.rootId().substring(2) + "-[a-z0-9]{8}");
        assertThat(info.unitArn(u.id()))
                .isEqualTo("arn:aws:organizations::" + MANAGEMENT + ":ou/" + info.id() + "/" + u.id());
        assertThat(org.unit(u.id())).isEqualTo(u);
        assertThat(org.unitsUnder(info.rootId())).containsExactly(u);
        assertThat(org.renameUnit(u.id(), "Prod").name()).isEqualTo("Prod");
    }

    @Test
    void unitsNestFiveDeepAndNoDeeper() {
        String parent = info.rootId();
        for (int depth = 1; depth <= Organization.MAX_OU_DEPTH; depth++)
            parent = org.createUnit(parent, "level" + depth).id();
        String deepest = parent;
        assertThatThrownBy(() -> org.createUnit(deepest, "level6")).isInstanceOfSatisfying(IamException.class, e -> {
            assertThat(e.code()).isEqualTo("ConstraintViolationException");
            assertThat(e.reason()).hasValue("OU_DEPTH_LIMIT_EXCEEDED");
        });
    }

    @Test
    void siblingsNeedDistinctNamesButCousinsMayShareOne() {
        Organization.Unit a = org.createUnit(info.rootId(), "Team");
        Organization.Unit b = org.createUnit(info.rootId(), "Other");
        assertThatThrownBy(() -> org.createUnit(info.rootId(), "Team"))
                .isInstanceOfSatisfying(
                        IamException.class,
                        e -> assertThat(e.code()).isEqualTo("DuplicateOrganizationalUnitException"));
        assertThatThrownBy(() -> org.renameUnit(b.id(), "Team"))
                .isInstanceOfSatisfying(
                        IamException.class,
                        e -> assertThat(e.code()).isEqualTo("DuplicateOrganizationalUnitException"));
        assertThat(org.createUnit(a.id(), "Team").parentId()).isEqualTo(a.id());
        assertThatThrownBy(() -> org.createUnit("ou-" + info.rootId().substring(2) + "-zzzzzzzz", "x"))
                .isInstanceOfSatisfying(
                        IamException.class, e -> assertThat(e.code()).isEqualTo("ParentNotFoundException"));
    }

    @Test
    void onlyAnEmptyUnitMayBeDeletedAndItsAttachmentsGoWithIt() {
        org.setPolicyType(Organization.SCP, true, List.of(MANAGEMENT, MEMBER));
        Organization.Unit outer = org.createUnit(info.rootId(), "Outer");
        Organization.Unit inner = org.createUnit(outer.id(), "Inner");
        org.moveAccount(MEMBER, info.rootId(), inner.id());
        assertThatThrownBy(() -> org.deleteUnit(outer.id()))
                .isInstanceOfSatisfying(
                        IamException.class, e -> assertThat(e.code()).isEqualTo("OrganizationalUnitNotEmptyException"));
        assertThatThrownBy(() -> org.deleteUnit(inner.id()))
                .isInstanceOfSatisfying(
                        IamException.class, e -> assertThat(e.code()).isEqualTo("OrganizationalUnitNotEmptyException"));
        org.moveAccount(MEMBER, inner.id(), info.rootId());
        Organization.Policy deny = org.createPolicy(Organization.SCP, "DenyDelete", "", DENY_DELETE);
        org.attach(deny.id(), inner.id());
        org.deleteUnit(inner.id());
        org.deleteUnit(outer.id());
        assertThat(org.targetsOf(deny.id())).isEmpty();
        assertThatThrownBy(() -> org.unit(inner.id()))
                .isInstanceOfSatisfying(
                        IamException.class, e -> assertThat(e.code()).isEqualTo("OrganizationalUnitNotFoundException"));
    }

    @Test
    void levelsRunFromTheRootDownTheUnitsToTheAccount() {
        org.setPolicyType(Organization.SCP, true, List.of(MANAGEMENT, MEMBER));
        Organization.Unit outer = org.createUnit(info.rootId(), "Outer");
        Organization.Unit inner = org.createUnit(outer.id(), "Inner");
        org.moveAccount(MEMBER, info.rootId(), inner.id());
        for (String target : List.of(info.rootId(), outer.id(), inner.id(), MEMBER)) {
            Organization.Policy p = org.createPolicy(Organization.SCP, "at-" + target, "", DENY_DELETE);
            org.attach(p.id(), target);
        }
        List<List<String>> names = org.levels(Organization.SCP, MEMBER).stream()
                .map(level -> level.stream().map(Organization.Policy::name).toList())
                .toList();
        assertThat(names)
                .containsExactly(
                        List.of("FullAWSAccess", "at-" + info.rootId()),
                        List.of("FullAWSAccess", "at-" + outer.id()),
                        List.of("FullAWSAccess", "at-" + inner.id()),
                        List.of("FullAWSAccess", "at-" + MEMBER));
        assertThat(org.levels(Organization.SCP, MANAGEMENT))
                .as("the management account is exempt")
                .isEmpty();
        assertThat(org.orgPath(MEMBER))
                .hasValue(info.id() + "/" + info.rootId() + "/" + outer.id() + "/" + inner.id() + "/");
        assertThat(org.orgPath(MANAGEMENT)).hasValue(info.id() + "/" + info.rootId() + "/");
        assertThat(org.orgPath("999999999999")).isEmpty();

        // Moving the account changes its levels at once (the cached path is dropped).
        org.moveAccount(MEMBER, inner.id(), outer.id());
        assertThat(org.levels(Organization.SCP, MEMBER)).hasSize(3);
        assertThat(org.parentOf(MEMBER, true)).isEqualTo(outer.id());
        assertThat(org.parentOf(MANAGEMENT, true)).isEqualTo(info.rootId());
    }

    @Test
    void moveAccountChecksSourceDestinationAndWhereTheAccountIs() {
        Organization.Unit a = org.createUnit(info.rootId(), "A");
        String missing = "ou-" + info.rootId().substring(2) + "-zzzzzzzz";
        assertThat(code(() -> org.moveAccount(MEMBER, missing, a.id()))).isEqualTo("SourceParentNotFoundException");
        assertThat(code(() -> org.moveAccount(MEMBER, info.rootId(), missing)))
                .isEqualTo("DestinationParentNotFoundException");
        assertThat(code(() -> org.moveAccount(MEMBER, info.rootId(), info.rootId())))
                .isEqualTo("DuplicateAccountException");
        assertThat(code(() -> org.moveAccount(MEMBER, a.id(), info.rootId()))).isEqualTo("AccountNotFoundException");
        org.moveAccount(MEMBER, info.rootId(), a.id());
        assertThat(org.parentOf(MEMBER, true)).isEqualTo(a.id());
    }

    @Test
    void enablingATypeAttachesItsFullAccessPolicyToEveryUnitAndNewUnitsGetIt() {
        Organization.Unit before = org.createUnit(info.rootId(), "Before");
        org.setPolicyType(Organization.SCP, true, List.of(MANAGEMENT, MEMBER));
        org.setPolicyType(Organization.RCP, true, List.of(MANAGEMENT, MEMBER));
        Organization.Unit after = org.createUnit(before.id(), "After");
        for (String target : List.of(info.rootId(), before.id(), after.id(), MEMBER)) {
            assertThat(org.policiesFor(target, Organization.SCP))
                    .extracting(Organization.Policy::name)
                    .as(target)
                    .containsExactly("FullAWSAccess");
            assertThat(org.policiesFor(target, Organization.RCP))
                    .extracting(Organization.Policy::name)
                    .as(target)
                    .containsExactly("RCPFullAWSAccess");
        }
    }

    @Test
    void aTargetKeepsOneScpAndTakesFiveAtMost() {
        org.setPolicyType(Organization.SCP, true, List.of(MANAGEMENT, MEMBER));
        Organization.Unit u = org.createUnit(info.rootId(), "U");
        assertThatThrownBy(() -> org.detach(Organization.FULL_AWS_ACCESS, u.id()))
                .isInstanceOfSatisfying(IamException.class, e -> {
                    assertThat(e.code()).isEqualTo("ConstraintViolationException");
                    assertThat(e.reason()).hasValue("MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED");
                });
        Organization.Policy first = null;
        for (int i = 0; i < 4; i++) {
            Organization.Policy p = org.createPolicy(Organization.SCP, "p" + i, "", DENY_DELETE);
            org.attach(p.id(), u.id());
            if (first == null) first = p;
        }
        Organization.Policy sixth = org.createPolicy(Organization.SCP, "p6", "", DENY_DELETE);
        assertThatThrownBy(() -> org.attach(sixth.id(), u.id()))
                .isInstanceOfSatisfying(
                        IamException.class,
                        e -> assertThat(e.reason()).hasValue("MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED"));
        Organization.Policy attached = first;
        assertThatThrownBy(() -> org.attach(attached.id(), u.id()))
                .isInstanceOfSatisfying(
                        IamException.class, e -> assertThat(e.code()).isEqualTo("DuplicatePolicyAttachmentException"));
        // With another SCP attached, FullAWSAccess may go.
        org.detach(Organization.FULL_AWS_ACCESS, u.id());
        assertThat(org.policiesFor(u.id(), Organization.SCP)).hasSize(4);
        assertThatThrownBy(() -> org.deletePolicy(attached.id()))
                .isInstanceOfSatisfying(
                        IamException.class, e -> assertThat(e.code()).isEqualTo("PolicyInUseException"));
    }

    private static String code(Runnable r) {
        try {
            r.run();
        } catch (IamException e) {
            return e.code();
        }
        return "no error";
    }
}
