package io.samsa.cli;

/** Entry point placeholder; replaced by the picocli command tree. */
public final class SamsaCommand {
    public static void main(String[] args) {
        System.err.println("samsa: not built yet");
        System.exit(2);
    }
}
