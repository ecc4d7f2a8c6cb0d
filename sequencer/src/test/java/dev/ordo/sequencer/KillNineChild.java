package dev.ordo.sequencer;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The child process of {@link KillNineIT}: runs a single-peer sequencer on the
 * given directory and port and appends until it is killed, printing one line
 * {@code ACK <index> <sub> <payload> END} per acknowledged append.
 */
public final class KillNineChild {
  private KillNineChild() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int port = Integer.parseInt(args[1]);
    int writers = Integer.parseInt(args[2]);
    PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false, "UTF-8");
    RatisSequencer sequencer = RatisSequencer.start(SequencerConfig.single("p1", "127.0.0.1", port, dir));
    for (int w = 0; w < writers; w++) {
      int writer = w;
      Thread.ofPlatform().start(() -> {
        for (int n = 0; ; n++) {
          String payload = "k9-" + writer + "-" + n;
          try {
            LogPosition p = sequencer.append(SequencerTestSupport.bytes(payload)).get(30, TimeUnit.SECONDS);
            synchronized (out) {
              out.println("ACK " + p.index() + " " + p.sub() + " " + payload + " END");
              out.flush();
            }
          } catch (Exception e) {
            System.err.println("append of " + payload + " failed: " + e);
          }
        }
      });
    }
  }
}
