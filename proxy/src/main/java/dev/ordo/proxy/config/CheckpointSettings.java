package dev.ordo.proxy.config;

import java.time.Duration;
import java.util.Objects;

/**
 * When replicas compare themselves (docs/architecture.md#divergence-detection).
 * The node leading the log appends a checkpoint entry once {@code interval} has
 * passed or the log has grown by {@code entries} Raft indexes since the last one
 * (whichever comes first, and only if the log moved); at each, every replica
 * reports its running digest through the log. Every {@code tableHashInterval}
 * a checkpoint also makes every replica hash its tables' contents.
 *
 * @param interval the longest time between checkpoints; zero turns checkpoints (and digests) off
 * @param entries the most Raft indexes between checkpoints
 * @param tableHashInterval how often a checkpoint also hashes the tables; zero: never
 */
public record CheckpointSettings(Duration interval, long entries, Duration tableHashInterval) {
  /** Every 5 s or 10,000 indexes; table contents every 5 minutes. */
  public static final CheckpointSettings DEFAULT =
      new CheckpointSettings(Duration.ofSeconds(5), 10_000, Duration.ofMinutes(5));

  public CheckpointSettings {
    Objects.requireNonNull(interval, "checkpoint interval");
    Objects.requireNonNull(tableHashInterval, "table hash interval");
    if (interval.isNegative()) {
      throw new IllegalArgumentException("checkpoint interval: must be zero (off) or positive, got " + interval);
    }
    if (entries < 1) {
      throw new IllegalArgumentException("checkpoint entries: must be at least 1, got " + entries);
    }
    if (tableHashInterval.isNegative()) {
      throw new IllegalArgumentException("table hash interval: must be zero (never) or positive, got "
          + tableHashInterval);
    }
  }

  public boolean enabled() {
    return !interval.isZero();
  }
}
