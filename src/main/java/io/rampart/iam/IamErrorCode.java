package io.rampart.iam;

/**
 * Every IAM, STS and Organizations error Rampart can answer, with its HTTP status and a default message: one line to
 * raise, impossible to mistype (the counterpart of {@code io.rampart.s3.S3ErrorCode}). Organizations' codes end in
 * "Exception" and answer 400, as its JSON 1.1 protocol does.
 */
public enum IamErrorCode {
    // ---- IAM and STS (Query protocol) ----
    ACCESS_DENIED("AccessDenied", 403, "Access denied"),
    DELETE_CONFLICT(
            "DeleteConflict",
            409,
            "The request was rejected because it attempted to delete a resource that has attached subordinate entities."),
    ENTITY_ALREADY_EXISTS(
            "EntityAlreadyExists",
            409,
            "The request was rejected because it attempted to create a resource that already exists."),
    EXPIRED_TOKEN("ExpiredTokenException", 400, "The web identity token that was passed is expired or is not valid."),
    IDP_COMMUNICATION_ERROR(
            "IDPCommunicationError",
            400,
            "The request could not be fulfilled because the identity provider (IDP) that was asked to verify the incoming identity token could not be reached."),
    INVALID_ACTION("InvalidAction", 400, "The action or operation requested is invalid."),
    INVALID_AUTHENTICATION_CODE("InvalidAuthenticationCode", 403, "Authentication code for device is not valid."),
    INVALID_CLIENT_TOKEN_ID("InvalidClientTokenId", 403, "The security token included in the request is invalid."),
    INVALID_IDENTITY_TOKEN(
            "InvalidIdentityToken", 400, "The web identity token that was passed could not be validated by AWS."),
    INVALID_INPUT(
            "InvalidInput",
            400,
            "The request was rejected because an invalid or out-of-range value was supplied for an input parameter."),
    LIMIT_EXCEEDED(
            "LimitExceeded",
            409,
            "The request was rejected because it attempted to create resources beyond the current AWS account limits."),
    MALFORMED_POLICY_DOCUMENT(
            "MalformedPolicyDocument", 400, "The request was rejected because the policy document was malformed."),
    MISSING_AUTHENTICATION_TOKEN("MissingAuthenticationToken", 403, "Request is missing Authentication Token"),
    MISSING_PARAMETER("MissingParameter", 400, "A required parameter for the specified action is not supplied."),
    NO_SUCH_ENTITY(
            "NoSuchEntity",
            404,
            "The request was rejected because it referenced a resource entity that does not exist."),
    PACKED_POLICY_TOO_LARGE(
            "PackedPolicyTooLarge",
            400,
            "The request was rejected because the total packed size of the session policies and session tags combined was too large."),
    SERVICE_FAILURE("ServiceFailure", 500, "An internal error occurred."),
    REPORT_NOT_PRESENT("ReportNotPresent", 410, "Credential report not present. Call GenerateCredentialReport first."),
    UNMODIFIABLE_ENTITY(
            "UnmodifiableEntity",
            400,
            "The request was rejected because service-linked roles are protected AWS resources."),
    VALIDATION_ERROR("ValidationError", 400, "The input fails to satisfy the constraints specified by an AWS service."),
    // ---- Organizations (JSON 1.1 protocol) ----
    CHILD_NOT_FOUND(
            "ChildNotFoundException",
            400,
            "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified."),
    DESTINATION_PARENT_NOT_FOUND(
            "DestinationParentNotFoundException",
            400,
            "We can't find the destination container (a root or OU) with the ParentId that you specified."),
    DUPLICATE_ACCOUNT(
            "DuplicateAccountException", 400, "That account is already present in the specified destination."),
    DUPLICATE_ORGANIZATIONAL_UNIT(
            "DuplicateOrganizationalUnitException", 400, "An OU with the same name already exists."),
    ORGANIZATIONAL_UNIT_NOT_EMPTY(
            "OrganizationalUnitNotEmptyException",
            400,
            "The specified OU is not empty. Move all accounts to another root or to other OUs, remove all child OUs, "
                    + "and try the operation again."),
    ORGANIZATIONAL_UNIT_NOT_FOUND(
            "OrganizationalUnitNotFoundException",
            400,
            "We can't find an OU with the OrganizationalUnitId that you specified."),
    PARENT_NOT_FOUND(
            "ParentNotFoundException", 400, "We can't find a root or OU with the ParentId that you specified."),
    SOURCE_PARENT_NOT_FOUND(
            "SourceParentNotFoundException",
            400,
            "We can't find a source root or OU with the ParentId that you specified."),
    ORG_ACCESS_DENIED("AccessDeniedException", 400, "You don't have permissions to access this resource."),
    ACCOUNT_ALREADY_CLOSED("AccountAlreadyClosedException", 400, "You have already closed the account."),
    ACCOUNT_NOT_FOUND("AccountNotFoundException", 400, "You specified an account that doesn't exist."),
    CREATE_ACCOUNT_STATUS_NOT_FOUND(
            "CreateAccountStatusNotFoundException",
            400,
            "We can't find an create account request with the CreateAccountRequestId that you specified."),
    ALREADY_IN_ORGANIZATION(
            "AlreadyInOrganizationException", 400, "This account is already a member of an organization."),
    ORGANIZATIONS_NOT_IN_USE(
            "AWSOrganizationsNotInUseException", 400, "Your account is not a member of an organization."),
    CONSTRAINT_VIOLATION(
            "ConstraintViolationException", 400, "The request would violate a constraint of the organization."),
    DUPLICATE_POLICY("DuplicatePolicyException", 400, "A policy with the same name already exists."),
    DUPLICATE_POLICY_ATTACHMENT(
            "DuplicatePolicyAttachmentException",
            400,
            "The selected policy is already attached to the specified target."),
    ORG_INVALID_INPUT(
            "InvalidInputException",
            400,
            "The requested operation failed because you provided invalid values for one or more of the request parameters."),
    ORG_MALFORMED_POLICY_DOCUMENT(
            "MalformedPolicyDocumentException",
            400,
            "The provided policy document doesn't meet the requirements of the specified policy type."),
    POLICY_CHANGES_IN_PROGRESS(
            "PolicyChangesInProgressException",
            400,
            "Changes to the effective policy are in progress, and its contents can't be returned."),
    POLICY_IN_USE(
            "PolicyInUseException",
            400,
            "The policy is attached to one or more entities. You must detach it from all roots, OUs, and accounts before performing this operation."),
    POLICY_NOT_ATTACHED("PolicyNotAttachedException", 400, "The policy isn't attached to the specified target."),
    POLICY_NOT_FOUND("PolicyNotFoundException", 400, "We can't find a policy with the PolicyId that you specified."),
    POLICY_TYPE_ALREADY_ENABLED(
            "PolicyTypeAlreadyEnabledException",
            400,
            "The specified policy type is already enabled in the specified root."),
    POLICY_TYPE_NOT_ENABLED(
            "PolicyTypeNotEnabledException", 400, "The specified policy type isn't currently enabled in this root."),
    ROOT_NOT_FOUND("RootNotFoundException", 400, "We can't find a root with the RootId that you specified."),
    SERIALIZATION("SerializationException", 400, "The request body is not valid JSON."),
    TARGET_NOT_FOUND(
            "TargetNotFoundException",
            400,
            "We can't find a root, OU, account, or policy with the TargetId that you specified."),
    UNKNOWN_OPERATION("UnknownOperationException", 400, "The action or operation requested is invalid.");

    private final String code;
    private final int status;
    private final String defaultMessage;

    IamErrorCode(String code, int status, String defaultMessage) {
        this.code = code;
        this.status = status;
        this.defaultMessage = defaultMessage;
    }

    /** The code as it appears on the wire (XML {@code <Code>}, JSON {@code __type}). */
    public String code() {
        return code;
    }

    public int status() {
        return status;
    }

    public String defaultMessage() {
        return defaultMessage;
    }
}
