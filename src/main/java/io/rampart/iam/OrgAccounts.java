package io.rampart.iam;

import io.rampart.storage.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The organisation's accounts as tenants: each account has its own IAM (users, roles, policies, keys), its own buckets
 * and its own root-equivalent admin. {@code CreateAccount} makes a member account and, as AWS does, the role
 * {@value #DEFAULT_ROLE} in it (AdministratorAccess, trusting the management account), through which the owner gets
 * the new account's first credentials; {@code CloseAccount} suspends one, and a suspended account's credentials stop
 * working. Account ids live in {@code accounts}; the organisation's view of them (name, e-mail, status, parent) here.
 */
public final class OrgAccounts {
    /** The role CreateAccount makes in a new account unless told another name, as on AWS. */
    public static final String DEFAULT_ROLE = "OrganizationAccountAccessRole";

    public static final String ACTIVE = "ACTIVE";
    public static final String SUSPENDED = "SUSPENDED";

    /** The management account's e-mail as DescribeOrganization has always reported it. */
    static final String MANAGEMENT_EMAIL = "admin@rampart.local";

    private static final Pattern EMAIL = Pattern.compile("[^\\s@]+@[^\\s@]+\\.[^\\s@]+");
    private static final Pattern ACCOUNT_NAME = Pattern.compile("[\\u0020-\\u007E]{1,50}");
    private static final Pattern ROLE_NAME = Pattern.compile("[\\w+=,.@-]{1,64}");
    private static final String ADMINISTRATOR_ACCESS = "arn:aws:iam::aws:policy/AdministratorAccess";

    /** An account as ListAccounts / DescribeAccount show it. */
    public record Account(
            String id, String name, String email, String status, String joinedMethod, Instant joined, String parentId) {
        public boolean closed() {
            return SUSPENDED.equals(status);
        }
    }

    /** A CreateAccount request as DescribeCreateAccountStatus shows it. */
    public record CreateStatus(
            String id,
            String accountName,
            String state,
            Instant requested,
            Optional<Instant> completed,
            Optional<String> accountId,
            Optional<String> failureReason) {}

    private final Database db;
    private final Directory directory;
    private volatile Set<String> closed;

    OrgAccounts(Database db, Directory directory) {
        this.db = db;
        this.directory = directory;
        this.closed = loadClosed();
    }

    /** Whether the account was closed: its credentials (keys and sessions) no longer sign anything. Hot path. */
    public boolean isClosed(String account) {
        Set<String> c = closed;
        return !c.isEmpty() && c.contains(account);
    }

    /** Reads the closed accounts again (another node may have closed one). */
    public void refresh() {
        closed = loadClosed();
    }

    private Set<String> loadClosed() {
        return Set.copyOf(db.read(
                c -> Sql.list(c, "SELECT id FROM org_accounts WHERE status = ?", rs -> rs.getString(1), SUSPENDED)));
    }

    /** Records the management account as a member (the organisation lists it); idempotent. */
    public void ensureManagement(Organization.Info info) {
        db.write(c -> Sql.update(
                c,
                "INSERT INTO org_accounts(id, name, email, email_key, status, joined_method, joined, parent_id) "
                        + "VALUES(?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING",
                info.managementAccount(),
                "Management account",
                MANAGEMENT_EMAIL,
                MANAGEMENT_EMAIL,
                ACTIVE,
                "CREATED",
                System.currentTimeMillis(),
                info.rootId()));
    }

    /** Every account of the organisation, the management account first, then by join time. */
    public List<Account> all(Organization.Info info) {
        ensureManagement(info);
        return db.read(c -> Sql.list(
                c,
                "SELECT * FROM org_accounts ORDER BY CASE WHEN id = ? THEN 0 ELSE 1 END, joined, id",
                OrgAccounts::account,
                info.managementAccount()));
    }

    public Optional<Account> find(Organization.Info info, String id) {
        ensureManagement(info);
        return db.read(c -> Sql.one(c, "SELECT * FROM org_accounts WHERE id = ?", OrgAccounts::account, id));
    }

    /** DescribeAccount's and CloseAccount's AccountNotFoundException. */
    public Account require(Organization.Info info, String id) {
        return find(info, id)
                .orElseThrow(() -> new IamException(
                        IamErrorCode.ACCOUNT_NOT_FOUND, "You specified an account that doesn't exist."));
    }

    /**
     * CreateAccount. AWS creates accounts asynchronously; here the request completes before the answer, so the status
     * returned (and DescribeCreateAccountStatus) already says SUCCEEDED with the account id, or FAILED with AWS's
     * reason (EMAIL_ALREADY_EXISTS). {@code fullAccess}: the organisation's enabled full-access defaults
     * (FullAWSAccess, RCPFullAWSAccess), attached to the new account as AWS attaches them.
     */
    public CreateStatus create(
            Organization.Info info, String name, String email, Optional<String> roleName, List<String> fullAccess) {
        return create(info, name, email, roleName, fullAccess, Map.of());
    }

    /** CreateAccount with the new account's tags (checked before: an invalid tag creates no account). */
    public CreateStatus create(
            Organization.Info info,
            String name,
            String email,
            Optional<String> roleName,
            List<String> fullAccess,
            Map<String, String> tags) {
        if (email.length() < 6 || email.length() > 64 || !EMAIL.matcher(email).matches()) {
            throw new IamException(
                    IamErrorCode.ORG_INVALID_INPUT,
                    "You provided a value that does not match the required pattern for Email.");
        }
        if (!ACCOUNT_NAME.matcher(name).matches()) {
            throw new IamException(
                    IamErrorCode.ORG_INVALID_INPUT,
                    "You provided a value that does not match the required pattern for AccountName.");
        }
        String role = roleName.orElse(DEFAULT_ROLE);
        if (!ROLE_NAME.matcher(role).matches()) {
            throw new IamException(
                    IamErrorCode.ORG_INVALID_INPUT,
                    "You provided a value that does not match the required pattern for RoleName.");
        }
        ensureManagement(info);
        String requestId = "car-" + IamIds.random("abcdefghijklmnopqrstuvwxyz0123456789", 32);
        long now = System.currentTimeMillis();
        String emailKey = email.toLowerCase(Locale.ROOT);
        Optional<String> created = db.write(c -> {
            if (Sql.exists(c, "SELECT 1 FROM org_accounts WHERE email_key = ?", emailKey)) {
                Sql.update(
                        c,
                        "INSERT INTO org_create_account_requests(id, account_name, state, requested, completed, "
                                + "failure_reason) VALUES(?,?,'FAILED',?,?,'EMAIL_ALREADY_EXISTS')",
                        requestId,
                        name,
                        now,
                        now);
                return Optional.<String>empty();
            }
            String account;
            do {
                account = IamIds.randomDigits(12);
            } while (Sql.exists(c, "SELECT 1 FROM accounts WHERE id = ?", account));
            Sql.update(c, "INSERT INTO accounts(id, created) VALUES(?, ?)", account, now);
            Sql.update(
                    c,
                    "INSERT INTO org_accounts(id, name, email, email_key, status, joined_method, joined, parent_id) "
                            + "VALUES(?,?,?,?,?,'CREATED',?,?)",
                    account,
                    name,
                    email,
                    emailKey,
                    ACTIVE,
                    now,
                    info.rootId());
            OrgTags.insert(c, account, tags);
            for (String policy : fullAccess) {
                Sql.update(
                        c,
                        "INSERT INTO org_attachments(policy_id, target) VALUES(?, ?) ON CONFLICT DO NOTHING",
                        policy,
                        account);
            }
            Sql.update(
                    c,
                    "INSERT INTO org_create_account_requests(id, account_name, state, requested, completed, "
                            + "account_id) VALUES(?,?,'SUCCEEDED',?,?,?)",
                    requestId,
                    name,
                    now,
                    now,
                    account);
            return Optional.of(account);
        });
        created.ifPresent(account -> provision(info, account, role));
        return status(requestId);
    }

    /**
     * What a new account starts with: its root-equivalent admin user (no credentials: nobody holds them, and no one
     * but itself may give it any) and the access role trusting the management account, with AdministratorAccess.
     */
    private void provision(Organization.Info info, String account, String role) {
        directory.create(
                "user", account, AccountRoot.USER_NAME, "/", Optional.empty(), 3600, "", Map.of(), Optional.empty());
        String trust = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
                + "\"arn:aws:iam::" + info.managementAccount() + ":root\"},\"Action\":\"sts:AssumeRole\"}]}";
        directory.create("role", account, role, "/", Optional.of(trust), 3600, "", Map.of(), Optional.empty());
        directory.attach(account, "role", role, ADMINISTRATOR_ACCESS);
    }

    public CreateStatus status(String requestId) {
        return db.read(c -> Sql.one(
                        c,
                        "SELECT * FROM org_create_account_requests WHERE id = ?",
                        OrgAccounts::createStatus,
                        requestId))
                .orElseThrow(() -> new IamException(
                        IamErrorCode.CREATE_ACCOUNT_STATUS_NOT_FOUND,
                        "We can't find an create account request with the CreateAccountRequestId that you specified."));
    }

    /** ListCreateAccountStatus: the requests in the given states (all when empty), newest first. */
    public List<CreateStatus> statuses(Set<String> states) {
        return db
                .read(c -> Sql.list(
                        c,
                        "SELECT * FROM org_create_account_requests ORDER BY requested DESC, id",
                        OrgAccounts::createStatus))
                .stream()
                .filter(s -> states.isEmpty() || states.contains(s.state()))
                .toList();
    }

    /**
     * CloseAccount: the account is suspended (AWS's status once closure completes); its keys and sessions stop working
     * from the next request. The management account cannot be closed this way, as on AWS.
     */
    public void close(Organization.Info info, String id) {
        Account a = require(info, id);
        if (a.id().equals(info.managementAccount())) {
            throw new IamException(
                    IamErrorCode.CONSTRAINT_VIOLATION,
                    "You can't close the management account with the CloseAccount operation.");
        }
        if (a.closed()) {
            throw new IamException(IamErrorCode.ACCOUNT_ALREADY_CLOSED, "You have already closed the account.");
        }
        db.write(c -> Sql.update(
                c,
                "UPDATE org_accounts SET status = ?, closed = ? WHERE id = ?",
                SUSPENDED,
                System.currentTimeMillis(),
                id));
        Set<String> now = new HashSet<>(closed);
        now.add(id);
        closed = Set.copyOf(now);
    }

    private static Account account(ResultSet rs) throws SQLException {
        return new Account(
                rs.getString("id"),
                rs.getString("name"),
                rs.getString("email"),
                rs.getString("status"),
                rs.getString("joined_method"),
                Instant.ofEpochMilli(rs.getLong("joined")),
                rs.getString("parent_id"));
    }

    private static CreateStatus createStatus(ResultSet rs) throws SQLException {
        long completed = rs.getLong("completed");
        boolean done = !rs.wasNull();
        return new CreateStatus(
                rs.getString("id"),
                rs.getString("account_name"),
                rs.getString("state"),
                Instant.ofEpochMilli(rs.getLong("requested")),
                done ? Optional.of(Instant.ofEpochMilli(completed)) : Optional.empty(),
                Optional.ofNullable(rs.getString("account_id")),
                Optional.ofNullable(rs.getString("failure_reason")));
    }
}
