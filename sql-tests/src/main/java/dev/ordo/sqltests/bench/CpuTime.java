package dev.ordo.sqltests.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * CPU time spent by a system under benchmark, so the 2-core limit shows: this
 * JVM (the clients, and the Ordo node or H2 server running in it) plus server
 * processes (PostgreSQL postmasters and their backends), read from
 * {@code /proc}. Linux only; elsewhere only this JVM is counted.
 */
final class CpuTime {
  /** Clock ticks per second of {@code /proc/<pid>/stat} times (USER_HZ: 100 on Linux). */
  private static final long TICKS_PER_SECOND = 100;

  private CpuTime() {}

  /** CPU time of this JVM, every thread, in nanoseconds. */
  static long jvmNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /**
   * CPU time of this JVM plus the process trees rooted at {@code pids} (each
   * process, its live children, and the children it has reaped), in nanoseconds.
   */
  static LongSupplier jvmPlus(List<Long> pids) {
    return () -> {
      long sum = jvmNanos();
      for (long pid : pids) {
        sum += treeNanos(pid);
      }
      return sum;
    };
  }

  private static long treeNanos(long root) {
    long ticks = 0;
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) procs::iterator) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        long[] stat = stat(p.resolve("stat"));
        if (stat == null) {
          continue;
        }
        long pid = Long.parseLong(name);
        if (pid == root) {
          ticks += stat[1] + stat[2] + stat[3] + stat[4]; // its own time and its reaped children's
        } else if (stat[0] == root) {
          ticks += stat[1] + stat[2];
        }
      }
    } catch (IOException | RuntimeException e) {
      return 0; // no /proc: only the JVM is counted
    }
    return ticks * 1_000_000_000L / TICKS_PER_SECOND;
  }

  /** ppid, utime, stime, cutime, cstime of a {@code /proc/<pid>/stat} file, or null if it is gone. */
  private static long[] stat(Path file) {
    String s;
    try {
      s = Files.readString(file);
    } catch (IOException e) {
      return null;
    }
    // The command name (field 2) is in parentheses and may contain spaces: fields are counted after its ')'.
    String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
    // f[0] is field 3 (state): ppid is field 4, utime 14, stime 15, cutime 16, cstime 17.
    return new long[] {Long.parseLong(f[1]), Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]),
        Long.parseLong(f[14])};
  }
}
