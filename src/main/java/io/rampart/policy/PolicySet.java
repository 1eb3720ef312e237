package io.rampart.policy;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * All policies that apply to one request. Within the SCP list and the RCP list at least one
 * policy must allow (flatten one level of the organization's hierarchy per evaluation, or pass
 * each level's policies and AND the decisions); session policies are one session's inline plus
 * managed session policies (empty = no session policy).
 *
 * @param sameAccount whether the principal's account is the resource's account
 */
public record PolicySet(
        List<PolicyDocument> scps,
        List<PolicyDocument> rcps,
        Optional<PolicyDocument> resourcePolicy,
        List<PolicyDocument> identityPolicies,
        Optional<PolicyDocument> permissionsBoundary,
        List<PolicyDocument> sessionPolicies,
        boolean sameAccount) {

    public PolicySet {
        scps = List.copyOf(scps);
        rcps = List.copyOf(rcps);
        Objects.requireNonNull(resourcePolicy, "resourcePolicy");
        identityPolicies = List.copyOf(identityPolicies);
        Objects.requireNonNull(permissionsBoundary, "permissionsBoundary");
        sessionPolicies = List.copyOf(sessionPolicies);
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private List<PolicyDocument> scps = List.of();
        private List<PolicyDocument> rcps = List.of();
        private Optional<PolicyDocument> resourcePolicy = Optional.empty();
        private List<PolicyDocument> identity = List.of();
        private Optional<PolicyDocument> boundary = Optional.empty();
        private List<PolicyDocument> session = List.of();
        private boolean sameAccount = true;

        public Builder scps(List<PolicyDocument> v) {
            scps = v;
            return this;
        }

        public Builder scps(PolicyDocument... v) {
            scps = List.of(v);
            return this;
        }

        public Builder rcps(List<PolicyDocument> v) {
            rcps = v;
            return this;
        }

        public Builder rcps(PolicyDocument... v) {
            rcps = List.of(v);
            return this;
        }

        public Builder resourcePolicy(PolicyDocument v) {
            resourcePolicy = Optional.ofNullable(v);
            return this;
        }

        public Builder identityPolicies(List<PolicyDocument> v) {
            identity = v;
            return this;
        }

        public Builder identityPolicies(PolicyDocument... v) {
            identity = List.of(v);
            return this;
        }

        public Builder permissionsBoundary(PolicyDocument v) {
            boundary = Optional.ofNullable(v);
            return this;
        }

        public Builder sessionPolicies(List<PolicyDocument> v) {
            session = v;
            return this;
        }

        public Builder sessionPolicies(PolicyDocument... v) {
            session = List.of(v);
            return this;
        }

        public Builder sameAccount(boolean v) {
            sameAccount = v;
            return this;
        }

        public PolicySet build() {
            return new PolicySet(scps, rcps, resourcePolicy, identity, boundary, session, sameAccount);
        }
    }
}
