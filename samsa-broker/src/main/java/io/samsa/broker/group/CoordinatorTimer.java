package io.samsa.broker.group;

/**
 * Named timers of the coordinator: rebalance delays and timeouts, session timeouts, pending-member and
 * pending-sync expiry, the offset-retention pass. A timer's operation is a coordinator operation like any other
 * (it may return records to write) and runs on the coordinator thread; {@link GroupTimers} names the keys.
 * Scheduling under a key replaces the timer of that key; a cancelled or replaced timer never runs, even if it
 * was already due. Called on the coordinator thread only. Production: {@link ScheduledCoordinatorTimer}; tests
 * use a mock timer on a mutable clock, so timeouts fire when the test moves time, never by sleeping.
 */
interface CoordinatorTimer {

    /** An operation run when a timer fires. */
    @FunctionalInterface
    interface TimerOperation {
        CoordinatorResult<Void> run();
    }

    void schedule(String key, long delayMs, TimerOperation operation);

    void cancel(String key);

    boolean isScheduled(String key);
}
