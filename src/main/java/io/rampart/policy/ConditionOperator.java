package io.rampart.policy;

import java.util.Optional;

/** The base condition operators of the IAM policy language (without set prefix or IfExists). */
public enum ConditionOperator {
    STRING_EQUALS("StringEquals", Family.STRING, false, Cmp.EQ),
    STRING_NOT_EQUALS("StringNotEquals", Family.STRING, true, Cmp.EQ),
    STRING_EQUALS_IGNORE_CASE("StringEqualsIgnoreCase", Family.STRING_IGNORE_CASE, false, Cmp.EQ),
    STRING_NOT_EQUALS_IGNORE_CASE("StringNotEqualsIgnoreCase", Family.STRING_IGNORE_CASE, true, Cmp.EQ),
    STRING_LIKE("StringLike", Family.STRING_LIKE, false, Cmp.EQ),
    STRING_NOT_LIKE("StringNotLike", Family.STRING_LIKE, true, Cmp.EQ),
    NUMERIC_EQUALS("NumericEquals", Family.NUMERIC, false, Cmp.EQ),
    NUMERIC_NOT_EQUALS("NumericNotEquals", Family.NUMERIC, true, Cmp.EQ),
    NUMERIC_LESS_THAN("NumericLessThan", Family.NUMERIC, false, Cmp.LT),
    NUMERIC_LESS_THAN_EQUALS("NumericLessThanEquals", Family.NUMERIC, false, Cmp.LE),
    NUMERIC_GREATER_THAN("NumericGreaterThan", Family.NUMERIC, false, Cmp.GT),
    NUMERIC_GREATER_THAN_EQUALS("NumericGreaterThanEquals", Family.NUMERIC, false, Cmp.GE),
    DATE_EQUALS("DateEquals", Family.DATE, false, Cmp.EQ),
    DATE_NOT_EQUALS("DateNotEquals", Family.DATE, true, Cmp.EQ),
    DATE_LESS_THAN("DateLessThan", Family.DATE, false, Cmp.LT),
    DATE_LESS_THAN_EQUALS("DateLessThanEquals", Family.DATE, false, Cmp.LE),
    DATE_GREATER_THAN("DateGreaterThan", Family.DATE, false, Cmp.GT),
    DATE_GREATER_THAN_EQUALS("DateGreaterThanEquals", Family.DATE, false, Cmp.GE),
    BOOL("Bool", Family.BOOL, false, Cmp.EQ),
    BINARY_EQUALS("BinaryEquals", Family.BINARY, false, Cmp.EQ),
    IP_ADDRESS("IpAddress", Family.IP, false, Cmp.EQ),
    NOT_IP_ADDRESS("NotIpAddress", Family.IP, true, Cmp.EQ),
    ARN_EQUALS("ArnEquals", Family.ARN, false, Cmp.EQ),
    ARN_LIKE("ArnLike", Family.ARN, false, Cmp.EQ),
    ARN_NOT_EQUALS("ArnNotEquals", Family.ARN, true, Cmp.EQ),
    ARN_NOT_LIKE("ArnNotLike", Family.ARN, true, Cmp.EQ),
    NULL("Null", Family.NULL, false, Cmp.EQ);

    enum Family {
        STRING,
        STRING_IGNORE_CASE,
        STRING_LIKE,
        NUMERIC,
        DATE,
        BOOL,
        BINARY,
        IP,
        ARN,
        NULL
    }

    enum Cmp {
        EQ,
        LT,
        LE,
        GT,
        GE
    }

    private final String awsName;
    final Family family;
    final boolean negated;
    final Cmp cmp;

    ConditionOperator(String awsName, Family family, boolean negated, Cmp cmp) {
        this.awsName = awsName;
        this.family = family;
        this.negated = negated;
        this.cmp = cmp;
    }

    public String awsName() {
        return awsName;
    }

    public boolean negated() {
        return negated;
    }

    /** Whether policy variables are substituted in this operator's values (AWS: string, Bool, ARN). */
    boolean supportsVariables() {
        return family == Family.STRING
                || family == Family.STRING_IGNORE_CASE
                || family == Family.STRING_LIKE
                || family == Family.BOOL
                || family == Family.ARN;
    }

    static Optional<ConditionOperator> byName(String name) {
        for (ConditionOperator o : values()) {
            if (o.awsName.equals(name)) return Optional.of(o);
        }
        return Optional.empty();
    }
}
