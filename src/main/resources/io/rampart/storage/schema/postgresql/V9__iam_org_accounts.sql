-- Accounts as tenants on PostgreSQL (as schema/sqlite/V9): the organisation's member accounts (the management account included, once the organisation
-- exists), with their name, unique e-mail, status and parent (the root until an OU takes them), and the
-- CreateAccount requests DescribeCreateAccountStatus answers. The account ids themselves stay in accounts.
CREATE TABLE IF NOT EXISTS org_accounts(id TEXT PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL,
  email_key TEXT NOT NULL UNIQUE, status TEXT NOT NULL, joined_method TEXT NOT NULL, joined BIGINT NOT NULL,
  parent_id TEXT NOT NULL, closed BIGINT);
CREATE INDEX IF NOT EXISTS org_accounts_by_parent ON org_accounts(parent_id);
CREATE TABLE IF NOT EXISTS org_create_account_requests(id TEXT PRIMARY KEY, account_name TEXT NOT NULL,
  state TEXT NOT NULL, requested BIGINT NOT NULL, completed BIGINT, account_id TEXT, failure_reason TEXT);
