package dev.ordo.proxy.server;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows password guessing down, per client address: each failed login is answered after a delay that doubles
 * with the address's recent failures (up to {@code maxDelay}), and after {@code maxFailures} failures within
 * {@code window} the address is turned away (28000) until {@code window} has passed since its last failure. A
 * successful login clears the address's count. Other addresses are not affected.
 */
final class LoginThrottle {
  /** A node's throttle: 5 failures a minute per address, answers delayed 100 ms doubling to 2 s. */
  static LoginThrottle standard() {
    return new LoginThrottle(5, Duration.ofSeconds(60), Duration.ofMillis(100), Duration.ofSeconds(2));
  }
  /** The most addresses tracked: beyond, the oldest entries are dropped (their failures long past). */
  private static final int MAX_TRACKED = 100_000;

  private final int maxFailures;
  private final long windowNanos;
  private final Duration firstDelay;
  private final Duration maxDelay;

  private record Failures(int count, long lastNanos) {}

  private final ConcurrentHashMap<InetAddress, Failures> failures = new ConcurrentHashMap<>();

  LoginThrottle(int maxFailures, Duration window, Duration firstDelay, Duration maxDelay) {
    this.maxFailures = maxFailures;
    this.windowNanos = window.toNanos();
    this.firstDelay = firstDelay;
    this.maxDelay = maxDelay;
  }

  /** How long the address is still turned away, or zero. */
  Duration lockedOut(InetAddress from) {
    Failures f = current(from);
    if (f == null || f.count() < maxFailures) {
      return Duration.ZERO;
    }
    return Duration.ofNanos(Math.max(0, f.lastNanos() + windowNanos - System.nanoTime()));
  }

  /** Records a failed login; returns how long to wait before answering it. */
  Duration failed(InetAddress from) {
    if (failures.size() > MAX_TRACKED) {
      long now = System.nanoTime();
      failures.values().removeIf(f -> now - f.lastNanos() > windowNanos);
    }
    Failures f = failures.compute(from, (k, old) -> {
      long now = System.nanoTime();
      int count = old == null || now - old.lastNanos() > windowNanos ? 1 : old.count() + 1;
      return new Failures(count, now);
    });
    long delay = firstDelay.toNanos() << Math.min(20, f.count() - 1);
    return Duration.ofNanos(Math.min(delay, maxDelay.toNanos()));
  }

  void succeeded(InetAddress from) {
    failures.remove(from);
  }

  int maxFailures() {
    return maxFailures;
  }

  private Failures current(InetAddress from) {
    Failures f = failures.get(from);
    if (f != null && System.nanoTime() - f.lastNanos() > windowNanos) {
      failures.remove(from, f);
      return null;
    }
    return f;
  }
}
