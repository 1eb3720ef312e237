package io.rampart.iam;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class IamErrorCodeTest {
    @Test
    void eachWireCodeIsRaisedByOneConstant() {
        assertThat(Arrays.stream(IamErrorCode.values()).map(IamErrorCode::code)).doesNotHaveDuplicates();
    }

    @Test
    void exceptionCarriesTheCodeStatusAndDefaultMessage() {
        IamException e = new IamException(IamErrorCode.REPORT_NOT_PRESENT);
        assertThat(e.code()).isEqualTo("ReportNotPresent");
        assertThat(e.status()).isEqualTo(410);
        assertThat(e.type()).isEqualTo("Sender");
        assertThat(e.getMessage()).isEqualTo("Credential report not present. Call GenerateCredentialReport first.");
        assertThat(new IamException(IamErrorCode.SERVICE_FAILURE).type()).isEqualTo("Receiver");
    }
}
