package io.samsa.broker.handler;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.LongFunction;

import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData;
import org.apache.kafka.common.message.AlterUserScramCredentialsResponseData;
import org.apache.kafka.common.message.AlterUserScramCredentialsResponseData.AlterUserScramCredentialsResult;
import org.apache.kafka.common.protocol.ApiKeys;

import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.ApiVersionRange;
import io.samsa.broker.api.RequestContext;
import io.samsa.metadata.ControllerApi;
import io.samsa.metadata.ControllerApi.ScramDeletion;
import io.samsa.metadata.ControllerApi.ScramUpsertion;

/**
 * AlterUserScramCredentials (KIP-554): handed to the metadata controller, which checks each user and stores only
 * the keys derived from the salted password; answered once this broker has applied the change, so a client that
 * authenticates right after, here, finds its new credential.
 */
public final class AlterUserScramCredentialsHandler implements ApiHandler<AlterUserScramCredentialsRequestData> {
    private static final ApiVersionRange VERSIONS = ApiVersionRange.of(ApiKeys.ALTER_USER_SCRAM_CREDENTIALS, 0, 0);

    private final ControllerApi controller;
    private final LongFunction<CompletionStage<Void>> awaitApplied;

    public AlterUserScramCredentialsHandler(ControllerApi controller, LongFunction<CompletionStage<Void>> awaitApplied) {
        this.controller = controller;
        this.awaitApplied = awaitApplied;
    }

    @Override
    public CompletionStage<AlterUserScramCredentialsResponseData> handle(RequestContext context,
                                                                         AlterUserScramCredentialsRequestData request) {
        List<ScramDeletion> deletions = new ArrayList<>();
        request.deletions().forEach(d -> deletions.add(new ScramDeletion(d.name(), d.mechanism())));
        List<ScramUpsertion> upsertions = new ArrayList<>();
        request.upsertions().forEach(u -> upsertions.add(new ScramUpsertion(u.name(), u.mechanism(), u.iterations(),
                u.salt(), u.saltedPassword())));
        return controller.alterScramCredentials(new ControllerApi.AlterScramCredentials(deletions, upsertions))
                .thenCompose(result -> awaitApplied.apply(result.offset()).thenApply(applied -> {
                    AlterUserScramCredentialsResponseData response = new AlterUserScramCredentialsResponseData();
                    result.users().forEach((user, outcome) -> response.results().add(
                            new AlterUserScramCredentialsResult().setUser(user)
                                    .setErrorCode(outcome.error().code()).setErrorMessage(outcome.message())));
                    return response;
                }));
    }

    @Override
    public ApiVersionRange versions() {
        return VERSIONS;
    }
}
