package io.samsa.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.samsa.broker.archfixture.BrokerUsesCli;
import io.samsa.broker.archfixture.BrokerUsesClients;
import io.samsa.broker.archfixture.BrokerUsesCompress;
import io.samsa.broker.archfixture.BrokerUsesLogAndProtocol;
import io.samsa.broker.archfixture.BrokerUsesNetworkSend;
import io.samsa.broker.archfixture.BrokerUsesProtocolTypes;
import io.samsa.broker.archfixture.BrokerUsesRecordInternals;
import io.samsa.broker.archfixture.BrokerUsesTestkit;
import io.samsa.broker.archfixture.BrokerUsesUtils;
import io.samsa.cli.archfixture.CliUsesRequests;
import io.samsa.clients.archfixture.ClientsUseBroker;
import io.samsa.clients.archfixture.ClientsUseCli;
import io.samsa.clients.archfixture.ClientsUseHeaderInternals;
import io.samsa.clients.archfixture.ClientsUseLog;
import io.samsa.clients.archfixture.ClientsUsePublicKafka;
import io.samsa.log.archfixture.LogUsesBroker;
import io.samsa.log.archfixture.LogUsesCli;
import io.samsa.log.archfixture.LogUsesClients;
import io.samsa.metadata.archfixture.MetadataUsesLog;
import io.samsa.network.archfixture.NetworkUsesBroker;
import io.samsa.network.archfixture.NetworkUsesProtocol;
import io.samsa.protocol.archfixture.ProtocolUsesInternals;
import io.samsa.protocol.archfixture.ProtocolUsesLog;

/**
 * Each layering rule fires on a planted violation (a fixture class in this module's test sources, placed in the
 * package of the module it pretends to belong to) and stays quiet on an allowed use, checked with the very rule
 * objects {@link LayeringTest} applies to main code. Without this, a rule with a mistyped package pattern would
 * pass forever.
 */
class LayeringRulesFireTest {

    static Stream<Arguments> violations() {
        return Stream.of(
                Arguments.of("record.internal", LayeringRules.KAFKA_INTERNALS_ONLY_IN_PROTOCOL, BrokerUsesRecordInternals.class),
                Arguments.of("..internals..", LayeringRules.KAFKA_INTERNALS_ONLY_IN_PROTOCOL, ClientsUseHeaderInternals.class),
                Arguments.of("requests", LayeringRules.KAFKA_INTERNALS_ONLY_IN_PROTOCOL, CliUsesRequests.class),
                Arguments.of("network", LayeringRules.KAFKA_INTERNALS_ONLY_IN_PROTOCOL, BrokerUsesNetworkSend.class),
                Arguments.of("compress", LayeringRules.KAFKA_INTERNALS_ONLY_IN_PROTOCOL, BrokerUsesCompress.class),
                Arguments.of("utils", LayeringRules.KAFKA_INTERNALS_ONLY_IN_PROTOCOL, BrokerUsesUtils.class),
                Arguments.of("protocol.types", LayeringRules.KAFKA_INTERNALS_ONLY_IN_PROTOCOL, BrokerUsesProtocolTypes.class),
                Arguments.of("protocol → log", LayeringRules.PROTOCOL_DEPENDS_ON_NO_SAMSA_MODULE, ProtocolUsesLog.class),
                Arguments.of("log → broker", LayeringRules.LOG_IS_BELOW_BROKER_AND_CLIENTS, LogUsesBroker.class),
                Arguments.of("log → clients", LayeringRules.LOG_IS_BELOW_BROKER_AND_CLIENTS, LogUsesClients.class),
                Arguments.of("log → cli", LayeringRules.LOG_IS_BELOW_BROKER_AND_CLIENTS, LogUsesCli.class),
                Arguments.of("clients → broker", LayeringRules.CLIENTS_ARE_A_LIBRARY, ClientsUseBroker.class),
                Arguments.of("clients → log", LayeringRules.CLIENTS_ARE_A_LIBRARY, ClientsUseLog.class),
                Arguments.of("clients → cli", LayeringRules.CLIENTS_ARE_A_LIBRARY, ClientsUseCli.class),
                Arguments.of("broker → cli", LayeringRules.BROKER_DOES_NOT_USE_CLIENTS_OR_CLI, BrokerUsesCli.class),
                Arguments.of("broker → clients", LayeringRules.BROKER_DOES_NOT_USE_CLIENTS_OR_CLI, BrokerUsesClients.class),
                Arguments.of("network → broker", LayeringRules.NETWORK_DEPENDS_ON_PROTOCOL_ONLY, NetworkUsesBroker.class),
                Arguments.of("metadata → log", LayeringRules.METADATA_DEPENDS_ON_PROTOCOL_ONLY, MetadataUsesLog.class),
                Arguments.of("main → testkit", LayeringRules.TESTKIT_ONLY_IN_TESTS, BrokerUsesTestkit.class));
    }

    static Stream<Arguments> allowedUses() {
        return Stream.of(
                Arguments.of("public kafka API", LayeringRules.KAFKA_INTERNALS_ONLY_IN_PROTOCOL, ClientsUsePublicKafka.class),
                Arguments.of("internals in protocol", LayeringRules.KAFKA_INTERNALS_ONLY_IN_PROTOCOL, ProtocolUsesInternals.class),
                Arguments.of("protocol's own internals", LayeringRules.PROTOCOL_DEPENDS_ON_NO_SAMSA_MODULE, ProtocolUsesInternals.class),
                Arguments.of("broker → log, protocol", LayeringRules.BROKER_DOES_NOT_USE_CLIENTS_OR_CLI, BrokerUsesLogAndProtocol.class),
                Arguments.of("network → protocol", LayeringRules.NETWORK_DEPENDS_ON_PROTOCOL_ONLY, NetworkUsesProtocol.class));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("violations")
    void ruleFiresOnPlantedViolation(String what, ArchRule rule, Class<?> fixture) {
        EvaluationResult result = rule.evaluate(importOnly(fixture));

        assertThat(result.hasViolation()).as(what).isTrue();
        assertThat(result.getFailureReport().getDetails()).as(what)
                .anySatisfy(line -> assertThat(line).contains(fixture.getName()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allowedUses")
    void ruleAllowsPermittedUse(String what, ArchRule rule, Class<?> fixture) {
        EvaluationResult result = rule.allowEmptyShould(true).evaluate(importOnly(fixture));

        assertThat(result.hasViolation()).as(what + ": " + result.getFailureReport()).isFalse();
    }

    private static JavaClasses importOnly(Class<?> fixture) {
        return new ClassFileImporter().importClasses(fixture);
    }
}
