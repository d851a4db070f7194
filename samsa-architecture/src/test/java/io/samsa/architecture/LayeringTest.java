package io.samsa.architecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Fails the build when main code breaks a layering rule ({@link LayeringRules}): a kafka-clients internal used
 * outside samsa-protocol, or a forbidden edge between modules. Imports every {@code io.samsa} class on this
 * module's test class path (all modules are test dependencies), without test classes.
 */
@AnalyzeClasses(packages = "io.samsa", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {

    @ArchTest
    static final ArchRule kafkaInternalsOnlyInProtocol = LayeringRules.KAFKA_INTERNALS_ONLY_IN_PROTOCOL;

    @ArchTest
    static final ArchRule protocolDependsOnNoSamsaModule = LayeringRules.PROTOCOL_DEPENDS_ON_NO_SAMSA_MODULE;

    @ArchTest
    static final ArchRule logIsBelowBrokerAndClients = LayeringRules.LOG_IS_BELOW_BROKER_AND_CLIENTS;

    @ArchTest
    static final ArchRule clientsAreALibrary = LayeringRules.CLIENTS_ARE_A_LIBRARY;

    @ArchTest
    static final ArchRule brokerDoesNotUseClientsOrCli = LayeringRules.BROKER_DOES_NOT_USE_CLIENTS_OR_CLI;

    @ArchTest
    static final ArchRule networkDependsOnProtocolOnly = LayeringRules.NETWORK_DEPENDS_ON_PROTOCOL_ONLY;

    @ArchTest
    static final ArchRule metadataDependsOnProtocolOnly = LayeringRules.METADATA_DEPENDS_ON_PROTOCOL_ONLY;

    @ArchTest
    static final ArchRule testkitOnlyInTests = LayeringRules.TESTKIT_ONLY_IN_TESTS;
}
