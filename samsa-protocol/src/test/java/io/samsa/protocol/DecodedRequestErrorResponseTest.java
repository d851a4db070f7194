package io.samsa.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;

import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.message.DescribeUserScramCredentialsRequestData;
import org.apache.kafka.common.message.DescribeUserScramCredentialsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/**
 * A whole-request error response for every request shape a client may send: DescribeUserScramCredentials with no
 * user list ("every user", what Admin sends) made kafka-clients' own error response throw a NullPointerException
 * (found by SaslExchangeFuzzTarget; a user without DESCRIBE on the cluster would have hit it on the broker).
 */
class DecodedRequestErrorResponseTest {

    @Test
    void describeUserScramCredentialsForEveryUserGetsItsError() {
        ByteBuffer frame = WireCodec.encodeRequest(ApiKeys.DESCRIBE_USER_SCRAM_CREDENTIALS, (short) 0, "t", 1,
                new DescribeUserScramCredentialsRequestData().setUsers(null));
        frame.getInt(); // the size prefix
        RequestFrameHeader header = WireCodec.parseHeader(frame);
        DecodedRequest request = WireCodec.decodeBody(header, frame);

        DescribeUserScramCredentialsResponseData response = (DescribeUserScramCredentialsResponseData)
                request.errorResponse(new ClusterAuthorizationException("no DESCRIBE on the cluster"));

        assertThat(response.errorCode()).isEqualTo(Errors.CLUSTER_AUTHORIZATION_FAILED.code());
        assertThat(response.errorMessage()).isEqualTo("no DESCRIBE on the cluster");
        assertThat(response.results()).isEmpty();
    }
}
