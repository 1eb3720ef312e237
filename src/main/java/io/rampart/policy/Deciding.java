package io.rampart.policy;

import java.util.Optional;

/**
 * The statement that decided a request: which kind of policy, its name (given at parse time, else
 * its Id), the statement's Sid and its zero-based index within the policy.
 */
public record Deciding(PolicyKind kind, Optional<String> policy, Optional<String> sid, int statementIndex) {}
