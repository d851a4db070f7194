package io.samsa.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import io.samsa.clients.admin.QuotaEntity;
import io.samsa.clients.admin.SamsaAdmin;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code samsa quotas}: set, list and delete client quotas (KIP-546) by user and/or client id, or their defaults —
 * what Kafka's {@code kafka-configs --alter --entity-type users|clients --add-config producer_byte_rate=...} does.
 * The keys are Kafka's: {@code producer_byte_rate}, {@code consumer_byte_rate} (bytes per second per broker) and
 * {@code request_percentage} (percent of one request-handler thread). Runs on the picocli calling thread.
 */
@Command(name = "quotas", mixinStandardHelpOptions = true,
        description = "Manage client quotas (byte rates and request time, by user and/or client id).",
        subcommands = {QuotasCommand.Set.class, QuotasCommand.ListQuotas.class, QuotasCommand.Delete.class})
final class QuotasCommand implements Runnable {
    static final String PRODUCER_BYTE_RATE = "producer_byte_rate";
    static final String CONSUMER_BYTE_RATE = "consumer_byte_rate";
    static final String REQUEST_PERCENTAGE = "request_percentage";

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: set, list or delete");
    }

    /** 1048576.0 as {@code 1048576}, 12.5 as {@code 12.5}. */
    static String format(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value)
                : Double.toString(value);
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Set quotas for a user and/or client id (or their defaults); other keys stay as they are.")
    static final class Set implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions client;
        @Mixin
        QuotaEntityOptions entity;
        @Option(names = "--producer-byte-rate", paramLabel = "BYTES",
                description = "Bytes per second the entity may produce, per broker.")
        Long producerByteRate;
        @Option(names = "--consumer-byte-rate", paramLabel = "BYTES",
                description = "Bytes per second the entity may fetch, per broker.")
        Long consumerByteRate;
        @Option(names = "--request-percentage", paramLabel = "PERCENT",
                description = "Percent of one request-handler thread the entity may use, per broker.")
        Double requestPercentage;

        @Override
        public Integer call() {
            QuotaEntity e = entity.entity();
            Map<String, Double> set = new LinkedHashMap<>();
            if (producerByteRate != null) {
                set.put(PRODUCER_BYTE_RATE, producerByteRate.doubleValue());
            }
            if (consumerByteRate != null) {
                set.put(CONSUMER_BYTE_RATE, consumerByteRate.doubleValue());
            }
            if (requestPercentage != null) {
                set.put(REQUEST_PERCENTAGE, requestPercentage);
            }
            if (set.isEmpty()) {
                throw new UserException("Give a quota to set: --producer-byte-rate, --consumer-byte-rate and/or"
                        + " --request-percentage");
            }
            try (SamsaAdmin admin = client.admin()) {
                admin.alterQuotas(e, set, List.of());
            }
            List<String> done = new ArrayList<>();
            set.forEach((k, v) -> done.add(k + "=" + format(v)));
            spec.commandLine().getOut().printf("Quotas for %s: set %s%n", e, String.join(", ", done));
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List client quotas, one line per value: every entity's, or only the one named.")
    static final class ListQuotas implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions client;
        @Mixin
        QuotaEntityOptions entity;

        @Override
        public Integer call() {
            QuotaEntity only = entity.entityOrNull();
            Map<QuotaEntity, Map<String, Double>> quotas;
            try (SamsaAdmin admin = client.admin()) {
                quotas = only == null ? admin.listQuotas() : Map.of(only, admin.describeQuotas(only));
            }
            List<QuotaEntity> entities = new ArrayList<>(quotas.keySet());
            entities.sort((a, b) -> a.toString().compareTo(b.toString()));
            Table table = new Table("USER", "CLIENT-ID", "QUOTA", "VALUE");
            for (QuotaEntity e : entities) {
                quotas.get(e).forEach((k, v) -> table.row(part(e, QuotaEntity.USER), part(e, QuotaEntity.CLIENT_ID),
                        k, format(v)));
            }
            table.print(spec.commandLine().getOut(), "");
            return 0;
        }

        private static String part(QuotaEntity e, String type) {
            return !e.has(type) ? "-" : e.isDefault(type) ? "<default>" : e.name(type);
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete quotas of a user and/or client id: the keys named, or (default) every one it has.")
    static final class Delete implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions client;
        @Mixin
        QuotaEntityOptions entity;
        @Option(names = "--producer-byte-rate", description = "Only the producer byte rate.")
        boolean producerByteRate;
        @Option(names = "--consumer-byte-rate", description = "Only the consumer byte rate.")
        boolean consumerByteRate;
        @Option(names = "--request-percentage", description = "Only the request percentage.")
        boolean requestPercentage;

        @Override
        public Integer call() {
            QuotaEntity e = entity.entity();
            List<String> keys = new ArrayList<>();
            if (producerByteRate) {
                keys.add(PRODUCER_BYTE_RATE);
            }
            if (consumerByteRate) {
                keys.add(CONSUMER_BYTE_RATE);
            }
            if (requestPercentage) {
                keys.add(REQUEST_PERCENTAGE);
            }
            try (SamsaAdmin admin = client.admin()) {
                if (keys.isEmpty()) {
                    keys.addAll(admin.describeQuotas(e).keySet());
                    if (keys.isEmpty()) {
                        throw new UserException("No quotas are set for " + e);
                    }
                }
                admin.alterQuotas(e, Map.of(), keys);
            }
            spec.commandLine().getOut().printf("Quotas for %s: deleted %s%n", e, String.join(", ", keys));
            return 0;
        }
    }
}
