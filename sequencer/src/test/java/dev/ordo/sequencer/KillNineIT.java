package dev.ordo.sequencer;

import static dev.ordo.sequencer.SequencerTestSupport.freePorts;
import static dev.ordo.sequencer.SequencerTestSupport.readAll;
import static dev.ordo.sequencer.SequencerTestSupport.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Kills a process that is appending (SIGKILL) and checks that every acknowledged append survived. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class KillNineIT {
  private static final Pattern ACK = Pattern.compile("ACK (\\d+) (\\d+) (k9-\\d+-\\d+) END");
  private static final int ACKS_BEFORE_KILL = 300;

  @TempDir
  Path dir;

  @Test
  void everyAcknowledgedAppendSurvivesKillNine() throws Exception {
    Path storage = dir.resolve("log");
    int port = freePorts(1)[0];
    String java = ProcessHandle.current().info().command().orElseThrow();
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        KillNineChild.class.getName(), storage.toString(), Integer.toString(port), "8");
    pb.redirectError(dir.resolve("child-stderr.txt").toFile());
    Process child = pb.start();

    Map<LogPosition, String> acked = new HashMap<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        Matcher m = ACK.matcher(line);
        if (m.matches()) { // a line cut short by the kill does not match, and does not count
          acked.put(new LogPosition(Long.parseLong(m.group(1)), Integer.parseInt(m.group(2))), m.group(3));
          if (acked.size() == ACKS_BEFORE_KILL) {
            // SIGKILL: appends in flight die with it. Through the handle, so that the
            // lines already in the pipe can still be read (Process.destroy* closes it).
            child.toHandle().destroyForcibly();
          }
        }
      }
    } finally {
      child.destroyForcibly();
      child.waitFor(30, TimeUnit.SECONDS);
    }
    assertTrue(acked.size() >= ACKS_BEFORE_KILL, () -> "the child acknowledged only " + acked.size()
        + " appends; its stderr: " + readQuietly(dir.resolve("child-stderr.txt")));

    long maxIndex = acked.keySet().stream().mapToLong(LogPosition::index).max().orElseThrow();
    try (RatisSequencer recovered = RatisSequencer.start(SequencerConfig.single("p1", "127.0.0.1", port, storage))) {
      List<LogEntry> entries = readAll(recovered, maxIndex, 1000);
      System.out.printf("killed after %d acknowledged appends (last at index %d); the recovered log holds %d"
          + " payloads up to index %d%n", acked.size(), maxIndex, entries.size(), recovered.committedIndex());
      Map<LogPosition, String> logged = new HashMap<>();
      for (LogEntry e : entries) {
        logged.put(e.position(), string(e.payload()));
      }
      acked.forEach((position, payload) -> assertEquals(payload, logged.get(position), () -> "at " + position));
      assertEquals(entries.size(), entries.stream().map(e -> string(e.payload())).distinct().count(),
          "no payload is logged twice");
      assertTrue(recovered.append(SequencerTestSupport.bytes("after-kill")).get(20, TimeUnit.SECONDS).index() > maxIndex);
    }
  }

  private static String readQuietly(Path file) {
    try {
      return Files.readString(file);
    } catch (Exception e) {
      return "(unreadable: " + e + ")";
    }
  }
}
