package io.samsa.broker.handler;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.DescribeClusterResponseData.DescribeClusterBroker;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.ResourceType;

import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.ApiVersionRange;
import io.samsa.broker.api.RequestContext;
import io.samsa.broker.cluster.BrokerNode;
import io.samsa.broker.cluster.ClusterView;
import io.samsa.metadata.MetadataImage;

/**
 * DescribeCluster: the live brokers (registered, unfenced) at their endpoints for the request's listener, with
 * their racks, and the active controller, as the {@link ClusterView} reads them from the metadata image.
 */
public final class DescribeClusterHandler implements ApiHandler<DescribeClusterRequestData> {
    private static final ApiVersionRange VERSIONS = ApiVersionRange.of(ApiKeys.DESCRIBE_CLUSTER, 0, 2);

    private static final byte BROKERS_ENDPOINT = 1;

    private final ClusterView cluster;

    public DescribeClusterHandler(ClusterView cluster) {
        this.cluster = cluster;
    }

    @Override
    public CompletionStage<DescribeClusterResponseData> handle(RequestContext context,
                                                               DescribeClusterRequestData request) {
        MetadataImage image = cluster.image();
        DescribeClusterResponseData response = new DescribeClusterResponseData()
                .setClusterId(cluster.clusterId())
                .setControllerId(cluster.controllerId(image, context));
        if (context.apiVersion() >= 1 && request.endpointType() != BROKERS_ENDPOINT) {
            return CompletableFuture.completedFuture(response.setErrorCode(Errors.UNSUPPORTED_ENDPOINT_TYPE.code())
                    .setErrorMessage("Samsa serves only the brokers endpoint"));
        }
        for (BrokerNode b : cluster.brokers(image, context)) {
            response.brokers().add(new DescribeClusterBroker().setBrokerId(b.nodeId())
                    .setHost(b.endpoint().host()).setPort(b.endpoint().port()).setRack(b.rack()));
        }
        if (request.includeClusterAuthorizedOperations()) {
            response.setClusterAuthorizedOperations(
                    context.authorizedOperations(ResourceType.CLUSTER, RequestContext.CLUSTER_NAME));
        }
        return CompletableFuture.completedFuture(response);
    }

    @Override
    public ApiVersionRange versions() {
        return VERSIONS;
    }
}
