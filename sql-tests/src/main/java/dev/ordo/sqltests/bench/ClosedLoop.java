package dev.ordo.sqltests.bench;

import dev.ordo.proxy.txn.Stages;
import java.net.ServerSocket;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A closed-loop measurement: {@code clients} threads, each with its own
 * connection, run operations back to back for a warm-up and then a measured
 * window. Only operations that start and end inside the window count. CPU time
 * and the node's stage times (when a node is measured) are taken at the edges
 * of the window.
 */
final class ClosedLoop {
  private ClosedLoop() {}

  /** One client's operation; it owns the client's connection and closes it. */
  interface Op extends AutoCloseable {
    /** Runs one operation to its end (a transaction to its commit); returns how many attempts were retried. */
    int run() throws Exception;
  }

  /** Opens client {@code k}'s connection and prepares its statements. */
  interface Clients {
    Op open(int k) throws Exception;
  }

  /**
   * What a measured window saw: operations done, attempts retried (aborted) on the way, latencies in
   * microseconds (from an operation's first attempt to its end), CPU nanoseconds, the node's stage times
   * (null without a node), or why the clients failed.
   */
  record Measurement(long ops, long retries, Histogram latencyMicros, int seconds, long cpuNanos,
      Map<Stages.Stage, Histogram> stages, String failure) {
    double perSecond() {
      return ops / (double) seconds;
    }

    double p50Ms() {
      return latencyMicros.getValueAtPercentile(50) / 1000.0;
    }

    double p99Ms() {
      return latencyMicros.getValueAtPercentile(99) / 1000.0;
    }

    /** CPU milliseconds per operation. */
    double cpuMsPerOp() {
      return cpuNanos / 1e6 / Math.max(1, ops);
    }

    /** Aborted attempts as a percentage of all attempts (committed and aborted). */
    double retryPercent() {
      return percent(retries, ops + retries);
    }
  }

  /** {@code part} as a percentage of {@code whole}; 0 when {@code whole} is 0. */
  static double percent(long part, long whole) {
    return whole == 0 ? 0 : 100.0 * part / whole;
  }

  static Measurement run(int clients, int warmupSeconds, int seconds, Clients factory, LongSupplier cpu,
      Stages stages) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    CountDownLatch start = new CountDownLatch(1);
    AtomicBoolean stop = new AtomicBoolean();
    Recorder latencies = new Recorder(3);
    LongAdder ops = new LongAdder();
    LongAdder retries = new LongAdder();
    long[] window = new long[2];
    List<Future<?>> futures = new ArrayList<>();
    for (int k = 0; k < clients; k++) {
      int client = k;
      futures.add(pool.submit(() -> {
        try (Op op = factory.open(client)) {
          start.await();
          while (!stop.get()) {
            long t0 = System.nanoTime();
            int retried = op.run();
            long t1 = System.nanoTime();
            if (t0 >= window[0] && t1 <= window[1]) {
              latencies.recordValue((t1 - t0) / 1000);
              ops.increment();
              retries.add(retried);
            }
          }
        }
        return null;
      }));
    }
    long now = System.nanoTime();
    window[0] = now + TimeUnit.SECONDS.toNanos(warmupSeconds);
    window[1] = window[0] + TimeUnit.SECONDS.toNanos(seconds);
    start.countDown();
    String failure = null;
    long cpuStart = -1;
    long cpuEnd = 0;
    Map<Stages.Stage, Histogram> measuredStages = null;
    try {
      while (System.nanoTime() < window[1] && failure == null) {
        Thread.sleep(50);
        failure = firstFailure(futures);
        if (cpuStart < 0 && System.nanoTime() >= window[0]) {
          cpuStart = cpu.getAsLong();
          if (stages != null) {
            stages.interval(); // the warm-up
          }
        }
      }
      cpuEnd = cpu.getAsLong();
      if (stages != null) {
        measuredStages = stages.interval();
      }
      stop.set(true);
      for (Future<?> f : futures) {
        try {
          f.get(2, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
          if (failure == null) {
            failure = describe(e.getCause());
          }
        } catch (TimeoutException e) {
          if (failure == null) {
            failure = "a client was still in an operation 2 minutes after the end of the measurement";
          }
        }
      }
    } finally {
      stop.set(true);
      pool.shutdownNow();
    }
    return new Measurement(ops.sum(), retries.sum(), latencies.getIntervalHistogram(), seconds,
        cpuStart < 0 ? 0 : cpuEnd - cpuStart, measuredStages, failure);
  }

  private static String firstFailure(List<Future<?>> futures) throws InterruptedException {
    for (Future<?> f : futures) {
      if (f.isDone()) {
        try {
          f.get();
        } catch (ExecutionException e) {
          return describe(e.getCause());
        }
      }
    }
    return null;
  }

  static String describe(Throwable e) {
    if (e instanceof SQLException se) {
      return "SQLState " + se.getSQLState() + ": " + se.getMessage();
    }
    return e.toString();
  }

  static int freePort() throws java.io.IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
