package io.samsa.broker.group;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import io.samsa.testkit.MutableClock;

/**
 * A {@link CoordinatorTimer} on a {@link MutableClock}: timers fire only when the test calls {@link #advance},
 * in deadline order (ties in scheduling order), each with the clock set to its deadline, so session timeouts,
 * rebalance timeouts and the initial join delay happen exactly when the test says. Used with
 * {@link CoordinatorRuntime#callerRuns}: the test thread is the coordinator thread.
 */
final class MockCoordinatorTimer implements CoordinatorTimer {
    private record Task(String key, long deadlineMs, long seq, TimerOperation operation) {
    }

    private final MutableClock clock;
    private final Map<String, Task> tasks = new HashMap<>();
    private Consumer<TimerOperation> runner;
    private long seq;

    MockCoordinatorTimer(MutableClock clock) {
        this.clock = clock;
    }

    /** Where fired operations go (the runtime, so that their records are written like any other). */
    void runWith(Consumer<TimerOperation> operationRunner) {
        this.runner = operationRunner;
    }

    @Override
    public void schedule(String key, long delayMs, TimerOperation operation) {
        tasks.put(key, new Task(key, clock.millis() + Math.max(delayMs, 0), seq++, operation));
    }

    @Override
    public void cancel(String key) {
        tasks.remove(key);
    }

    @Override
    public boolean isScheduled(String key) {
        return tasks.containsKey(key);
    }

    /** The delay until {@code key} fires, or -1 if it is not scheduled. */
    long remainingMs(String key) {
        Task t = tasks.get(key);
        return t == null ? -1 : t.deadlineMs() - clock.millis();
    }

    /**
     * Moves time forward by {@code ms}, firing every timer due by then (including those the fired ones schedule
     * within the window). {@code advance(0)} runs what is already due, as the coordinator thread does right after
     * the current operation.
     */
    void advance(long ms) {
        long target = clock.millis() + ms;
        while (true) {
            Task next = tasks.values().stream()
                    .filter(t -> t.deadlineMs() <= target)
                    .min(Comparator.comparingLong(Task::deadlineMs).thenComparingLong(Task::seq))
                    .orElse(null);
            if (next == null) {
                break;
            }
            tasks.remove(next.key());
            if (next.deadlineMs() > clock.millis()) {
                clock.setMillis(next.deadlineMs());
            }
            runner.accept(next.operation());
        }
        if (target > clock.millis()) {
            clock.setMillis(target);
        }
    }

    List<String> scheduledKeys() {
        return new ArrayList<>(tasks.keySet());
    }
}
