package io.samsa.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import io.samsa.clients.admin.SamsaAdmin;
import io.samsa.clients.admin.UserCredential;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code samsa users}: add, list and delete the SCRAM users that SASL/SCRAM listeners authenticate (what Kafka's
 * {@code kafka-configs --entity-type users --add-config SCRAM-SHA-512=[password=...]} does). The password is read
 * from a file, from the terminal without echo, or from standard input — never from the command line, where other
 * users of the machine would see it. Runs on the picocli calling thread.
 */
@Command(name = "users", mixinStandardHelpOptions = true,
        description = "Manage SCRAM users (SASL/SCRAM credentials).",
        subcommands = {UsersCommand.Add.class, UsersCommand.ListUsers.class, UsersCommand.Delete.class})
final class UsersCommand implements Runnable {
    static final String DEFAULT_MECHANISM = "SCRAM-SHA-512";

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: add, list or delete");
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Add a user, or replace its password, for one SCRAM mechanism.")
    static final class Add implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions client;
        @Parameters(index = "0", paramLabel = "USER", description = "The user name.")
        String user;
        @Option(names = "--mechanism", paramLabel = "MECHANISM", defaultValue = DEFAULT_MECHANISM,
                description = "SCRAM-SHA-256 or SCRAM-SHA-512 (default: ${DEFAULT-VALUE}).")
        String mechanism;
        @Option(names = "--iterations", paramLabel = "N", defaultValue = "8192",
                description = "PBKDF2 iterations, 4096-16384 (default: ${DEFAULT-VALUE}).")
        int iterations;
        @Option(names = "--password-file", paramLabel = "FILE",
                description = "Read the password from the first line of FILE (default: the terminal, or stdin).")
        Path passwordFile;

        @Override
        public Integer call() throws IOException {
            String password = readPassword();
            try (SamsaAdmin admin = client.admin()) {
                admin.upsertUser(user, mechanism, password, iterations);
            } catch (IllegalArgumentException e) {
                throw new UserException(e.getMessage());
            }
            spec.commandLine().getOut().printf("User %s: %s credential set (%d iterations)%n", user, mechanism,
                    iterations);
            return 0;
        }

        private String readPassword() throws IOException {
            String password;
            if (passwordFile != null) {
                List<String> lines = Files.readAllLines(passwordFile, StandardCharsets.UTF_8);
                password = lines.isEmpty() ? "" : lines.get(0);
            } else {
                Console console = System.console();
                if (console != null) {
                    char[] typed = console.readPassword("Password for %s: ", user);
                    password = typed == null ? "" : new String(typed);
                } else {
                    String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                            .readLine();
                    password = line == null ? "" : line;
                }
            }
            if (password.isEmpty()) {
                throw new UserException("The password must not be empty");
            }
            return password;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the users with SCRAM credentials, one line per mechanism.")
    static final class ListUsers implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions client;

        @Override
        public Integer call() {
            try (SamsaAdmin admin = client.admin()) {
                Table table = new Table("USER", "MECHANISM", "ITERATIONS");
                admin.listUsers().forEach((user, credentials) -> credentials.forEach(c ->
                        table.row(user, c.mechanism(), c.iterations())));
                table.print(spec.commandLine().getOut(), "");
            }
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a user's SCRAM credentials: one mechanism's, or (default) all of them.")
    static final class Delete implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions client;
        @Parameters(index = "0", paramLabel = "USER", description = "The user name.")
        String user;
        @Option(names = "--mechanism", paramLabel = "MECHANISM",
                description = "Only this mechanism's credential (default: every one the user has).")
        String mechanism;

        @Override
        public Integer call() {
            try (SamsaAdmin admin = client.admin()) {
                List<String> mechanisms;
                if (mechanism != null) {
                    mechanisms = List.of(mechanism);
                } else {
                    Map<String, List<UserCredential>> users = admin.listUsers();
                    List<UserCredential> credentials = users.getOrDefault(user, List.of());
                    if (credentials.isEmpty()) {
                        throw new UserException("User '" + user + "' has no SCRAM credentials");
                    }
                    mechanisms = credentials.stream().map(UserCredential::mechanism).toList();
                }
                for (String m : mechanisms) {
                    try {
                        admin.deleteUser(user, m);
                    } catch (IllegalArgumentException e) {
                        throw new UserException(e.getMessage());
                    }
                    spec.commandLine().getOut().printf("User %s: %s credential deleted%n", user, m);
                }
            }
            return 0;
        }
    }
}
