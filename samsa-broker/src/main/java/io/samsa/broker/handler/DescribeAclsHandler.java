package io.samsa.broker.handler;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.message.DescribeAclsRequestData;
import org.apache.kafka.common.message.DescribeAclsResponseData;
import org.apache.kafka.common.message.DescribeAclsResponseData.AclDescription;
import org.apache.kafka.common.message.DescribeAclsResponseData.DescribeAclsResource;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.ResourcePattern;

import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.ApiVersionRange;
import io.samsa.broker.api.RequestContext;
import io.samsa.metadata.AclMessages;
import io.samsa.metadata.AclRecord;
import io.samsa.metadata.MetadataImage;

/**
 * DescribeAcls (v1–3) from this broker's metadata image: the bindings the filter matches, grouped by resource
 * pattern as Kafka groups them. DESCRIBE on the cluster is checked by the dispatcher; without an authorizer the
 * answer is SECURITY_DISABLED, a filter with an UNKNOWN part INVALID_REQUEST.
 */
public final class DescribeAclsHandler implements ApiHandler<DescribeAclsRequestData> {
    private static final ApiVersionRange VERSIONS = ApiVersionRange.of(ApiKeys.DESCRIBE_ACLS, 1, 3);

    private final Supplier<MetadataImage> image;

    public DescribeAclsHandler(Supplier<MetadataImage> image) {
        this.image = image;
    }

    @Override
    public CompletionStage<DescribeAclsResponseData> handle(RequestContext context, DescribeAclsRequestData request) {
        DescribeAclsResponseData response = new DescribeAclsResponseData();
        if (!context.authorizer().enabled()) {
            return CompletableFuture.completedFuture(response.setErrorCode(Errors.SECURITY_DISABLED.code())
                    .setErrorMessage("No Authorizer is configured on the broker"));
        }
        AclBindingFilter filter = AclMessages.filter(request.resourceTypeFilter(), request.resourceNameFilter(),
                request.patternTypeFilter(), request.principalFilter(), request.hostFilter(), request.operation(),
                request.permissionType());
        if (filter.isUnknown()) {
            return CompletableFuture.completedFuture(response.setErrorCode(Errors.INVALID_REQUEST.code())
                    .setErrorMessage("The filter contains UNKNOWN elements"));
        }
        Map<ResourcePattern, List<AclDescription>> byPattern = new LinkedHashMap<>();
        for (AclRecord acl : image.get().acls().all()) {
            AclBinding b = acl.toBinding();
            if (filter.matches(b)) {
                byPattern.computeIfAbsent(b.pattern(), p -> new ArrayList<>()).add(new AclDescription()
                        .setPrincipal(b.entry().principal()).setHost(b.entry().host())
                        .setOperation(b.entry().operation().code())
                        .setPermissionType(b.entry().permissionType().code()));
            }
        }
        byPattern.forEach((p, acls) -> response.resources().add(new DescribeAclsResource()
                .setResourceType(p.resourceType().code()).setResourceName(p.name())
                .setPatternType(p.patternType().code()).setAcls(acls)));
        return CompletableFuture.completedFuture(response);
    }

    @Override
    public ApiVersionRange versions() {
        return VERSIONS;
    }
}
