package io.samsa.cli;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;

import io.samsa.clients.admin.UnknownTopicException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code samsa}: the one command line. Exit codes: 0 success, 1 user error (one readable line, no stack
 * trace; {@code SAMSA_DEBUG=1} adds it), 2 usage error (unknown option, missing argument, unconvertible value).
 */
@Command(name = "samsa", mixinStandardHelpOptions = true, version = "samsa 0.1.0",
        description = "Samsa: a Kafka-compatible streaming platform.",
        subcommands = {ServerCommand.class, TopicsCommand.class, ProduceCommand.class, ConsumeCommand.class,
                GroupsCommand.class, TransactionsCommand.class, UsersCommand.class, QuotasCommand.class,
                PerfCommand.class, DemoCommand.class, ClusterCommand.class})
public final class SamsaCommand implements Runnable {
    static final int USER_ERROR = 1;
    static final int USAGE = 2;

    public static void main(String[] args) {
        quietLogging(args.length > 0 && "server".equals(args[0]));
        System.exit(run(args));
    }

    /** slf4j-simple: INFO for the broker, WARN for client commands, unless the user chose a level. */
    static void quietLogging(boolean server) {
        String key = "org.slf4j.simpleLogger.defaultLogLevel";
        if (System.getProperty(key) == null) {
            System.setProperty(key, server ? "info" : "warn");
        }
    }

    static int run(String... args) {
        return commandLine().execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new SamsaCommand());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("samsa: " + userMessage(e));
            if (System.getenv("SAMSA_DEBUG") != null) {
                e.printStackTrace(commandLine.getErr());
            }
            commandLine.getErr().flush();
            return USER_ERROR;
        });
        cli.setParameterExceptionHandler((e, args) -> {
            CommandLine c = e.getCommandLine();
            c.getErr().println("samsa: " + e.getMessage() + " (see '" + c.getCommandSpec().qualifiedName()
                    + " --help')");
            c.getErr().flush();
            return USAGE;
        });
        return cli;
    }

    static String userMessage(Throwable e) {
        while ((e instanceof ExecutionException || e instanceof CompletionException) && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof UnknownTopicException u) {
            return u.getMessage() + " — create it with: samsa topics create " + u.topic();
        }
        if (e instanceof ConfigException) {
            return "invalid configuration: " + e.getMessage();
        }
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return e.getClass().getSimpleName();
        }
        if (e instanceof UserException || e instanceof KafkaException) {
            return message;
        }
        return message + " (" + e.getClass().getSimpleName() + ")";
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
