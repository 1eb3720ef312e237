package io.rampart.guard;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/** An Organizations error answer as an AwsServiceException, so {@link Read} classifies it like any SDK call's. */
final class OrganizationsError {
    private OrganizationsError() {}

    static AwsServiceException of(int status, String type) {
        // Not in an organization: RCPs cannot exist, which is an absence, not an unknown.
        String code = type.equals("AWSOrganizationsNotInUseException") ? "AWSOrganizationsNotInUseException" : type;
        return AwsServiceException.builder()
                .statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode(code)
                        .errorMessage(type)
                        .serviceName("Organizations")
                        .build())
                .message(type)
                .build();
    }
}
