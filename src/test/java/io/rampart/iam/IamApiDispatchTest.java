package io.rampart.iam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.rampart.crypto.MasterKey;
import io.rampart.storage.Database;
import io.rampart.storage.SqliteMetadataStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** IamApi's dispatch table: every action the former 513-line switch answered is routed to the handler of that action. */
class IamApiDispatchTest {
    /** The case labels of IamApi.handle's switch before the split, in its order. */
    static final List<String> ACTIONS = List.of(
            "CreateUser",
            "GetUser",
            "ListUsers",
            "DeleteUser",
            "TagUser",
            "TagRole",
            "UntagUser",
            "UntagRole",
            "ListUserTags",
            "ListRoleTags",
            "PutUserPermissionsBoundary",
            "PutRolePermissionsBoundary",
            "DeleteUserPermissionsBoundary",
            "DeleteRolePermissionsBoundary",
            "CreateGroup",
            "GetGroup",
            "ListGroups",
            "DeleteGroup",
            "AddUserToGroup",
            "RemoveUserFromGroup",
            "ListGroupsForUser",
            "CreateRole",
            "GetRole",
            "ListRoles",
            "DeleteRole",
            "UpdateRole",
            "UpdateAssumeRolePolicy",
            "PutUserPolicy",
            "PutGroupPolicy",
            "PutRolePolicy",
            "GetUserPolicy",
            "GetGroupPolicy",
            "GetRolePolicy",
            "DeleteUserPolicy",
            "DeleteGroupPolicy",
            "DeleteRolePolicy",
            "ListUserPolicies",
            "ListGroupPolicies",
            "ListRolePolicies",
            "CreatePolicy",
            "GetPolicy",
            "DeletePolicy",
            "ListPolicies",
            "CreatePolicyVersion",
            "GetPolicyVersion",
            "ListPolicyVersions",
            "DeletePolicyVersion",
            "SetDefaultPolicyVersion",
            "AttachUserPolicy",
            "AttachGroupPolicy",
            "AttachRolePolicy",
            "DetachUserPolicy",
            "DetachGroupPolicy",
            "DetachRolePolicy",
            "ListAttachedUserPolicies",
            "ListAttachedGroupPolicies",
            "ListAttachedRolePolicies",
            "ListEntitiesForPolicy",
            "CreateAccessKey",
            "ListAccessKeys",
            "UpdateAccessKey",
            "DeleteAccessKey",
            "GetAccessKeyLastUsed",
            "CreateVirtualMFADevice",
            "EnableMFADevice",
            "DeactivateMFADevice",
            "DeleteVirtualMFADevice",
            "ListMFADevices",
            "ListVirtualMFADevices",
            "CreateOpenIDConnectProvider",
            "GetOpenIDConnectProvider",
            "ListOpenIDConnectProviders",
            "DeleteOpenIDConnectProvider",
            "AddClientIDToOpenIDConnectProvider",
            "RemoveClientIDFromOpenIDConnectProvider",
            "GenerateCredentialReport",
            "GetCredentialReport",
            "GetAccountAuthorizationDetails",
            "GetAccountSummary",
            "ListInstanceProfilesForRole",
            "ListInstanceProfiles",
            "ListSSHPublicKeys",
            "ListServiceSpecificCredentials",
            "ListSigningCertificates",
            "GetLoginProfile",
            "ListAccountAliases");

    private static final String ACCOUNT = "123456789012";
    /** Every parameter some action requires, so that each reaches its authorisation. */
    private static final Map<String, String> PARAMS = Map.ofEntries(
            Map.entry("UserName", "alice"),
            Map.entry("GroupName", "g"),
            Map.entry("RoleName", "r"),
            Map.entry("PolicyName", "p"),
            Map.entry("PolicyArn", "arn:aws:iam::" + ACCOUNT + ":policy/p"),
            Map.entry("PolicyDocument", "{}"),
            Map.entry("AssumeRolePolicyDocument", "{}"),
            Map.entry("VersionId", "v1"),
            Map.entry("AccessKeyId", "AKIAEXAMPLE"),
            Map.entry("Status", "Inactive"),
            Map.entry("SerialNumber", "arn:aws:iam::" + ACCOUNT + ":mfa/d"),
            Map.entry("AuthenticationCode1", "123456"),
            Map.entry("AuthenticationCode2", "654321"),
            Map.entry("VirtualMFADeviceName", "d"),
            Map.entry("Url", "https://idp.example.com"),
            Map.entry("ClientID", "c"),
            Map.entry("OpenIDConnectProviderArn", "arn:aws:iam::" + ACCOUNT + ":oidc-provider/idp.example.com"),
            Map.entry("PermissionsBoundary", "arn:aws:iam::" + ACCOUNT + ":policy/p"),
            Map.entry("TagKeys.member.1", "k"),
            Map.entry("Tags.member.1.Key", "k"),
            Map.entry("Tags.member.1.Value", "v"));

    /** The case labels of OrganizationsApi.handle's switch before it became a table. */
    static final List<String> ORGANIZATIONS_ACTIONS = List.of(
            "CreateOrganization",
            "DescribeOrganization",
            "ListRoots",
            "ListAccounts",
            "DescribeAccount",
            "CreateAccount",
            "DescribeCreateAccountStatus",
            "ListCreateAccountStatus",
            "CloseAccount",
            "EnablePolicyType",
            "DisablePolicyType",
            "CreatePolicy",
            "UpdatePolicy",
            "DescribePolicy",
            "DeletePolicy",
            "ListPolicies",
            "AttachPolicy",
            "DetachPolicy",
            "ListPoliciesForTarget",
            "ListTargetsForPolicy",
            "CreateOrganizationalUnit",
            "DescribeOrganizationalUnit",
            "UpdateOrganizationalUnit",
            "DeleteOrganizationalUnit",
            "ListOrganizationalUnitsForParent",
            "ListAccountsForParent",
            "ListChildren",
            "ListParents",
            "MoveAccount",
            "TagResource",
            "UntagResource",
            "ListTagsForResource");

    private static Database db;
    private static IamApi api;
    private static OrganizationsApi organizations;

    @BeforeAll
    static void open(@TempDir Path dir) throws Exception {
        db = SqliteMetadataStore.openDatabase(dir.resolve("rampart.db"));
        IamStore store = new IamStore(db, MasterKey.of(new byte[32]));
        Organization org = new Organization(db);
        Permissions permissions = new Permissions(store.directory(), store.sessions(), org);
        api = new IamApi(store, permissions, "us-east-1");
        organizations = new OrganizationsApi(store, org, permissions, "us-east-1");
    }

    @AfterAll
    static void close() throws Exception {
        db.close();
    }

    static List<String> actions() {
        return ACTIONS;
    }

    @Test
    void tableHoldsExactlyTheActionsOfTheFormerSwitch() {
        assertThat(api.actions()).containsExactlyInAnyOrderElementsOf(ACTIONS);
    }

    /** A user without policies is refused each action by name: the request reached that action's own authorisation. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("actions")
    void eachActionIsRoutedToItsOwnHandler(String action) {
        Principal nobody = new Principal(
                "IAMUser",
                ACCOUNT,
                "arn:aws:iam::" + ACCOUNT + ":user/nobody",
                "AIDANOBODY",
                "nobody",
                "AKIANOBODY",
                Optional.empty());
        QueryRequest r = new QueryRequest(
                action, new LinkedHashMap<>(PARAMS), nobody, "req-1", "127.0.0.1", false, Instant.now());
        IamException e = catchThrowableOfType(IamException.class, () -> api.handle(r));
        assertThat(e).as(action).isNotNull();
        assertThat(e.error()).as(action).isEqualTo(IamErrorCode.ACCESS_DENIED);
        if (action.equals("GetAccessKeyLastUsed")) {
            // The key is looked up first: a key of another account is refused before any authorisation.
            assertThat(e.getMessage()).isEqualTo("The access key AKIAEXAMPLE does not belong to your account.");
        } else {
            assertThat(e.getMessage())
                    .as(action)
                    .contains("is not authorized to perform: iam:" + action + " on resource");
        }
    }

    @Test
    void unknownActionIsInvalidActionAsAwsAnswers() {
        Principal nobody = new Principal(
                "IAMUser",
                ACCOUNT,
                "arn:aws:iam::" + ACCOUNT + ":user/nobody",
                "AIDANOBODY",
                "nobody",
                "AKIANOBODY",
                Optional.empty());
        IamException e = catchThrowableOfType(
                IamException.class,
                () -> api.handle(new QueryRequest(
                        "CreateLoginProfiles", Map.of(), nobody, "req-2", "127.0.0.1", false, Instant.now())));
        assertThat(e.code()).isEqualTo("InvalidAction");
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).isEqualTo("Could not find operation CreateLoginProfiles for version 2010-05-08");
    }

    @Test
    void organizationsTableHoldsExactlyTheActionsOfTheFormerSwitch() {
        assertThat(organizations.actions()).containsExactlyInAnyOrderElementsOf(ORGANIZATIONS_ACTIONS);
    }

    /** Each Organizations action reaches its handler: a caller without permissions is refused, never told it is unknown. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("organizationsActions")
    void eachOrganizationsActionIsRouted(String action) {
        Principal nobody = new Principal(
                "IAMUser",
                ACCOUNT,
                "arn:aws:iam::" + ACCOUNT + ":user/nobody",
                "AIDANOBODY",
                "nobody",
                "AKIANOBODY",
                Optional.empty());
        byte[] body = ("{\"PolicyType\":\"SERVICE_CONTROL_POLICY\",\"Type\":\"SERVICE_CONTROL_POLICY\",\"Filter\":"
                        + "\"SERVICE_CONTROL_POLICY\",\"RootId\":\"r-abcd\",\"PolicyId\":\"p-abcd1234\",\"TargetId\":\""
                        + ACCOUNT
                        + "\",\"ResourceId\":\"" + ACCOUNT + "\",\"Tags\":[],\"TagKeys\":[\"k\"]"
                        + ",\"Name\":\"n\",\"Content\":\"{}\"}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        IamException e = catchThrowableOfType(
                IamException.class,
                () -> organizations.handle(
                        new OrganizationsApi.Call(action, body, nobody, "127.0.0.1", false, Instant.now())));
        assertThat(e).as(action).isNotNull();
        // Attach, Detach and ListPoliciesForTarget resolve the target in the organisation before authorising.
        assertThat(e.error())
                .as(action + ": " + e.getMessage())
                .isIn(IamErrorCode.ORG_ACCESS_DENIED, IamErrorCode.ORGANIZATIONS_NOT_IN_USE);
    }

    static List<String> organizationsActions() {
        return ORGANIZATIONS_ACTIONS;
    }

    @Test
    void unknownOrganizationsActionIsUnknownOperation() {
        IamException e = catchThrowableOfType(
                IamException.class,
                () -> organizations.handle(new OrganizationsApi.Call(
                        "InviteAccountToOrganization",
                        new byte[0],
                        Principal.anonymous(),
                        "127.0.0.1",
                        false,
                        Instant.now())));
        assertThat(e.code()).isEqualTo("UnknownOperationException");
        assertThat(e.getMessage())
                .isEqualTo("The action InviteAccountToOrganization is not valid for this web service.");
    }
}
