package io.samsa.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.lang.ArchRule;

/**
 * The layering rules of Samsa's modules, as ArchUnit rules over compiled classes. A class belongs to the module
 * its package names: {@code io.samsa.protocol}, {@code io.samsa.log}, {@code io.samsa.network},
 * {@code io.samsa.metadata}, {@code io.samsa.broker}, {@code io.samsa.clients}, {@code io.samsa.cli},
 * {@code io.samsa.bench}, {@code io.samsa.testkit}.
 *
 * <p>The rules apply to main code only ({@link LayeringTest} imports without test classes): tests may use
 * kafka-clients internals (they craft frames and batches byte by byte) and may reach across modules (the
 * clients' contract tests start a broker). {@link LayeringRulesFireTest} proves each rule catches a planted
 * violation, so that these rules cannot pass vacuously.
 */
final class LayeringRules {

    /**
     * kafka-clients' non-public packages. They move between Kafka releases (4.0 moved the record classes to
     * {@code record.internal}), so only samsa-protocol may touch them. Allowed everywhere: the generated
     * {@code common.message.*Data} classes, {@code ApiKeys}, {@code Errors}, {@code ApiMessage} and the public
     * API (producer/consumer/admin interfaces, {@code common.errors}, {@code TopicPartition}, headers,
     * {@code TimestampType}, serialization).
     */
    static final String[] KAFKA_INTERNALS = {
        "org.apache.kafka.common.record.internal..",
        "org.apache.kafka.common.requests..",
        "org.apache.kafka.common.network..",
        "org.apache.kafka.common.compress..",
        "org.apache.kafka.common.utils..",
        "org.apache.kafka.common.protocol.types..",
        "org.apache.kafka..internals..",
    };

    static final ArchRule KAFKA_INTERNALS_ONLY_IN_PROTOCOL = noClasses()
            .that().resideInAPackage("io.samsa..").and().resideOutsideOfPackage("io.samsa.protocol..")
            .should().dependOnClassesThat().resideInAnyPackage(KAFKA_INTERNALS)
            .because("samsa-protocol is the only facade over kafka-clients internals; add a Samsa type there");

    static final ArchRule PROTOCOL_DEPENDS_ON_NO_SAMSA_MODULE = noClasses()
            .that().resideInAPackage("io.samsa.protocol..")
            .should().dependOnClassesThat(resideInAPackage("io.samsa..")
                    .and(not(resideInAPackage("io.samsa.protocol.."))))
            .because("samsa-protocol is the bottom layer every other module builds on");

    static final ArchRule LOG_IS_BELOW_BROKER_AND_CLIENTS = noClasses()
            .that().resideInAPackage("io.samsa.log..")
            .should().dependOnClassesThat().resideInAnyPackage("io.samsa.broker..", "io.samsa.clients..",
                    "io.samsa.cli..")
            .because("samsa-log is storage only: it knows record batches (samsa-protocol), not who calls it");

    static final ArchRule CLIENTS_ARE_A_LIBRARY = noClasses()
            .that().resideInAPackage("io.samsa.clients..")
            .should().dependOnClassesThat().resideInAnyPackage("io.samsa.broker..", "io.samsa.log..",
                    "io.samsa.cli..", "io.samsa.metadata..")
            .because("samsa-clients talks to any Kafka-compatible broker over the wire only");

    static final ArchRule BROKER_DOES_NOT_USE_CLIENTS_OR_CLI = noClasses()
            .that().resideInAPackage("io.samsa.broker..")
            .should().dependOnClassesThat().resideInAnyPackage("io.samsa.cli..", "io.samsa.clients..")
            .because("the CLI is built on the broker, not the other way round, and the broker has no client");

    /** Empty until samsa-network exists; then it holds. */
    static final ArchRule NETWORK_DEPENDS_ON_PROTOCOL_ONLY = noClasses()
            .that().resideInAPackage("io.samsa.network..")
            .should().dependOnClassesThat(resideInAPackage("io.samsa..")
                    .and(not(resideInAnyPackage("io.samsa.network..", "io.samsa.protocol.."))))
            .because("samsa-network is shared by broker and clients, so it may know only frames (samsa-protocol)")
            .allowEmptyShould(true);

    /** Empty until samsa-metadata exists; then it holds. */
    static final ArchRule METADATA_DEPENDS_ON_PROTOCOL_ONLY = noClasses()
            .that().resideInAPackage("io.samsa.metadata..")
            .should().dependOnClassesThat(resideInAPackage("io.samsa..")
                    .and(not(resideInAnyPackage("io.samsa.metadata..", "io.samsa.protocol.."))))
            .because("the metadata state machine is log-free: only the log under it differs (local or Ratis)")
            .allowEmptyShould(true);

    static final ArchRule TESTKIT_ONLY_IN_TESTS = noClasses()
            .that().resideInAPackage("io.samsa..").and().resideOutsideOfPackage("io.samsa.testkit..")
            .should().dependOnClassesThat().resideInAPackage("io.samsa.testkit..")
            .because("samsa-testkit is test support, a test-scope dependency only");

    private LayeringRules() {
    }
}
