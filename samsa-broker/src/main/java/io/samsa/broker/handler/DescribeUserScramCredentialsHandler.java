package io.samsa.broker.handler;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import org.apache.kafka.common.message.DescribeUserScramCredentialsRequestData;
import org.apache.kafka.common.message.DescribeUserScramCredentialsResponseData;
import org.apache.kafka.common.message.DescribeUserScramCredentialsResponseData.CredentialInfo;
import org.apache.kafka.common.message.DescribeUserScramCredentialsResponseData.DescribeUserScramCredentialsResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.ApiVersionRange;
import io.samsa.broker.api.RequestContext;
import io.samsa.metadata.MetadataImage;
import io.samsa.metadata.ScramCredentialRecord;

/**
 * DescribeUserScramCredentials (KIP-554) from this broker's metadata image: per user, the mechanisms and
 * iteration counts of its credentials, never a salt or a key. No users named (null or empty) describes every user;
 * Kafka's messages for a user named twice (DUPLICATE_RESOURCE) and one without credentials (RESOURCE_NOT_FOUND).
 */
public final class DescribeUserScramCredentialsHandler implements ApiHandler<DescribeUserScramCredentialsRequestData> {
    private static final ApiVersionRange VERSIONS = ApiVersionRange.of(ApiKeys.DESCRIBE_USER_SCRAM_CREDENTIALS, 0, 0);

    private final Supplier<MetadataImage> image;

    public DescribeUserScramCredentialsHandler(Supplier<MetadataImage> image) {
        this.image = image;
    }

    @Override
    public CompletionStage<DescribeUserScramCredentialsResponseData> handle(
            RequestContext context, DescribeUserScramCredentialsRequestData request) {
        MetadataImage current = image.get();
        Map<String, Boolean> namedTwice = new LinkedHashMap<>();
        if (request.users() == null || request.users().isEmpty()) {
            new TreeMap<>(current.scram().byUser()).keySet().forEach(user -> namedTwice.put(user, false));
        } else {
            request.users().forEach(u -> namedTwice.merge(u.name(), false, (a, b) -> true));
        }
        DescribeUserScramCredentialsResponseData response = new DescribeUserScramCredentialsResponseData();
        namedTwice.forEach((user, twice) -> {
            DescribeUserScramCredentialsResult result = new DescribeUserScramCredentialsResult().setUser(user);
            Map<Byte, ScramCredentialRecord> credentials = current.scram().credentials(user);
            if (twice) {
                result.setErrorCode(Errors.DUPLICATE_RESOURCE.code()).setErrorMessage(
                        "Cannot describe SCRAM credentials for the same user twice in a single request: " + user);
            } else if (credentials.isEmpty()) {
                result.setErrorCode(Errors.RESOURCE_NOT_FOUND.code()).setErrorMessage(
                        "Attempt to describe a user credential that does not exist: " + user);
            } else {
                List<CredentialInfo> infos = new ArrayList<>();
                new TreeMap<>(credentials).forEach((mechanism, c) -> infos.add(
                        new CredentialInfo().setMechanism(mechanism).setIterations(c.iterations())));
                result.setCredentialInfos(infos);
            }
            response.results().add(result);
        });
        return CompletableFuture.completedFuture(response);
    }

    @Override
    public ApiVersionRange versions() {
        return VERSIONS;
    }
}
