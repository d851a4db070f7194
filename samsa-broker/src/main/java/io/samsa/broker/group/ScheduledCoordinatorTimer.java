package io.samsa.broker.group;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The production {@link CoordinatorTimer}: timers are tasks on the coordinator thread's own scheduler. A task
 * that fires checks it is still the timer of its key (a cancel or a replacement may have raced its start), so
 * no epoch counters are needed. Coordinator thread only (the map is unsynchronised for that reason).
 */
final class ScheduledCoordinatorTimer implements CoordinatorTimer {
    private final ScheduledExecutorService scheduler;
    private final Consumer<TimerOperation> runner;
    private final Map<String, Entry> timers = new HashMap<>();

    private static final class Entry {
        ScheduledFuture<?> future;
    }

    /** {@code runner} runs a fired operation through the runtime (its records are written like any other). */
    ScheduledCoordinatorTimer(ScheduledExecutorService scheduler, Consumer<TimerOperation> runner) {
        this.scheduler = scheduler;
        this.runner = runner;
    }

    @Override
    public void schedule(String key, long delayMs, TimerOperation operation) {
        cancel(key);
        Entry entry = new Entry();
        timers.put(key, entry);
        entry.future = scheduler.schedule(() -> {
            if (timers.get(key) == entry) {
                timers.remove(key);
                runner.accept(operation);
            }
        }, Math.max(delayMs, 0), TimeUnit.MILLISECONDS);
    }

    @Override
    public void cancel(String key) {
        Entry entry = timers.remove(key);
        if (entry != null && entry.future != null) {
            entry.future.cancel(false);
        }
    }

    /** Cancels every timer (the shard is unloaded). */
    void cancelAll() {
        for (String key : java.util.List.copyOf(timers.keySet())) {
            cancel(key);
        }
    }

    @Override
    public boolean isScheduled(String key) {
        return timers.containsKey(key);
    }
}
