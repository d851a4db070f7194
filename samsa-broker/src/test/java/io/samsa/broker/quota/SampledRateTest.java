package io.samsa.broker.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.metrics.MetricConfig;
import org.apache.kafka.common.metrics.stats.Rate;
import org.junit.jupiter.api.Test;

/** {@link SampledRate} against kafka-clients' {@link Rate} (its oracle): same values at the same times. */
class SampledRateTest {

    @Test
    void matchesKafkasRateOverRandomTraffic() {
        for (long seed = 1; seed <= 20; seed++) {
            Random random = new Random(seed);
            int windowNum = 2 + random.nextInt(12);
            int windowSeconds = 1 + random.nextInt(2);
            QuotaConfig config = new QuotaConfig(windowNum, windowSeconds);
            MetricConfig kafkaConfig = new MetricConfig().samples(windowNum)
                    .timeWindow(windowSeconds, TimeUnit.SECONDS);
            SampledRate ours = new SampledRate(config);
            Rate kafka = new Rate();
            long now = 1_000_000 + random.nextInt(1000);
            for (int i = 0; i < 3000; i++) {
                // Bursts, steady traffic and pauses long enough to expire every sample.
                int gap = random.nextInt(10) == 0 ? random.nextInt(windowNum * windowSeconds * 1500)
                        : random.nextInt(200);
                now += gap;
                double value = random.nextInt(5) == 0 ? -random.nextInt(100) : random.nextInt(100_000);
                ours.record(value, now);
                kafka.record(kafkaConfig, value, now);
                long at = now + random.nextInt(50);
                assertThat(ours.windowSizeMs(at)).as("seed %d step %d", seed, i)
                        .isEqualTo(kafka.windowSize(kafkaConfig, at));
                assertThat(ours.measure(at)).as("seed %d step %d", seed, i)
                        .isCloseTo(kafka.measure(kafkaConfig, at), within(1e-6));
            }
        }
    }

    @Test
    void aFirstBurstIsMeasuredOverAtLeastAllButOneWindow() {
        SampledRate rate = new SampledRate(new QuotaConfig(11, 1));
        rate.record(10_000, 5_000);
        assertThat(rate.windowSizeMs(5_000)).isEqualTo(10_000);
        assertThat(rate.measure(5_000)).isEqualTo(1_000.0);
    }
}
