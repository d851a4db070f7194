package io.samsa.log.fuzz;

/** How long each fuzz target runs when the suite fuzzes ({@code JAZZER_FUZZ=1}, set by the fuzz execution). */
final class FuzzDurations {
    static final String SUITE = "20s";

    private FuzzDurations() {
    }
}
