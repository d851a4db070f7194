package io.samsa.cli;

import org.apache.kafka.common.config.ConfigException;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code samsa}: the one command line. Exit codes: 0 success, 1 user error (one readable line, no stack
 * trace), 2 usage error.
 */
@Command(name = "samsa", mixinStandardHelpOptions = true, version = "samsa 0.1.0",
        description = "Samsa: a Kafka-compatible streaming platform.",
        subcommands = {ServerCommand.class})
public final class SamsaCommand implements Runnable {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        CommandLine cli = new CommandLine(new SamsaCommand());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("samsa: " + userMessage(e));
            return 1;
        });
        return cli.execute(args);
    }

    static String userMessage(Throwable e) {
        if (e instanceof ConfigException) {
            return "invalid configuration: " + e.getMessage();
        }
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
