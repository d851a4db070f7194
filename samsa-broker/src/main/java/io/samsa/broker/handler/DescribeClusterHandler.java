package io.samsa.broker.handler;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.DescribeClusterResponseData.DescribeClusterBroker;
import org.apache.kafka.common.protocol.Errors;

import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.RequestContext;

/** DescribeCluster: this node is the cluster and its controller. */
public final class DescribeClusterHandler implements ApiHandler<DescribeClusterRequestData> {
    private static final byte BROKERS_ENDPOINT = 1;

    private final BrokerIdentity identity;

    public DescribeClusterHandler(BrokerIdentity identity) {
        this.identity = identity;
    }

    @Override
    public CompletionStage<DescribeClusterResponseData> handle(RequestContext context,
                                                               DescribeClusterRequestData request) {
        DescribeClusterResponseData response = new DescribeClusterResponseData()
                .setClusterId(identity.clusterId())
                .setControllerId(identity.nodeId());
        if (context.apiVersion() >= 1 && request.endpointType() != BROKERS_ENDPOINT) {
            return CompletableFuture.completedFuture(response.setErrorCode(Errors.UNSUPPORTED_ENDPOINT_TYPE.code())
                    .setErrorMessage("Samsa serves only the brokers endpoint"));
        }
        response.brokers().add(new DescribeClusterBroker().setBrokerId(identity.nodeId())
                .setHost(identity.host()).setPort(identity.port()));
        return CompletableFuture.completedFuture(response);
    }
}
