package dev.ordo.proxy.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.ordo.driver.wire.KeyRequest;
import dev.ordo.proxy.config.Backend;
import dev.ordo.proxy.replica.LockManager.Decision;
import dev.ordo.proxy.replica.LockManager.Mode;
import dev.ordo.proxy.sql.Analyzer;
import dev.ordo.proxy.txn.TxnEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Lock decisions as scenarios, in the style of etcd-raft's datadriven tests: each file under
 * {@code src/test/resources/locks} is a sequence of commands, each with its input and the output it must give.
 * The lock sets come from {@link LockSets} against the catalog of a real (in-memory) H2 database built by the
 * file's {@code catalog} command, and the decisions from {@link LockManager}, following the scheduler's logical
 * rules: a one-shot entry's locks go as soon as they are granted, a deadlock victim's transaction ends, and a
 * release grants what waited, in order.
 *
 * <pre>
 * catalog                     DDL, one statement per line, run on a fresh database
 * stmt TXN [params=1,'x',…]  one statement of interactive transaction TXN (a STMT entry)
 * oneshot [params=…]          an autocommit statement (a ONE_SHOT entry)
 * commit TXN / rollback TXN   the end of TXN
 * </pre>
 * Run with {@code -Dordo.rewrite=true} to write the outputs the code gives now into the files (then read the
 * diff: it is the change in behaviour).
 */
class LockScenarioTest {
  private static final Path DIR = Path.of("src/test/resources/locks");
  private static final AtomicInteger DATABASES = new AtomicInteger();

  static Stream<Path> scenarios() throws IOException {
    try (Stream<Path> files = Files.list(DIR)) {
      return files.filter(p -> p.toString().endsWith(".txt")).sorted().toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void scenario(Path file) throws Exception {
    List<Case> cases = parse(Files.readAllLines(file, StandardCharsets.UTF_8));
    assertFalse(cases.isEmpty(), file + " has no cases");
    StringBuilder rewritten = new StringBuilder();
    try (Driver driver = new Driver()) {
      for (Case c : cases) {
        String actual = driver.run(c);
        c.comments().forEach(l -> rewritten.append(l).append('\n'));
        rewritten.append(c.header()).append('\n');
        c.input().forEach(l -> rewritten.append(l).append('\n'));
        rewritten.append("----\n").append(actual).append("\n\n");
        if (!Boolean.getBoolean("ordo.rewrite")) {
          assertEquals(c.expected(), actual, file.getFileName() + ", line " + c.line() + ": " + c.header());
        }
      }
    }
    if (Boolean.getBoolean("ordo.rewrite")) {
      Files.writeString(file, rewritten.toString().stripTrailing() + "\n", StandardCharsets.UTF_8);
    }
  }

  /** One command: the comments before it, its line in the file, its header, its input and the output expected. */
  private record Case(List<String> comments, int line, String header, List<String> input, String expected) {}

  private static List<Case> parse(List<String> lines) {
    List<Case> cases = new ArrayList<>();
    List<String> comments = new ArrayList<>();
    int i = 0;
    while (i < lines.size()) {
      String l = lines.get(i);
      if (l.isBlank() || l.startsWith("#")) {
        if (l.startsWith("#")) {
          comments.add(l);
        }
        i++;
        continue;
      }
      int at = i + 1;
      String header = l.strip();
      List<String> input = new ArrayList<>();
      i++;
      while (i < lines.size() && !lines.get(i).equals("----")) {
        input.add(lines.get(i++));
      }
      i++; // ----
      List<String> expected = new ArrayList<>();
      while (i < lines.size() && !lines.get(i).isBlank()) {
        expected.add(lines.get(i++));
      }
      cases.add(new Case(List.copyOf(comments), at, header, input, String.join("\n", expected)));
      comments.clear();
    }
    return cases;
  }

  /** The scheduler's logical layer over a real catalog: lock sets, grants, waits, victims and releases. */
  private static final class Driver implements AutoCloseable {
    private final Connection db;
    private final LockSets sets = new LockSets(new Analyzer());
    private final LockManager<Req> locks = new LockManager<>();
    private Catalog catalog;
    private int requests;

    private record Req(String txn, boolean oneShot, int n) {}

    Driver() throws SQLException {
      db = DriverManager.getConnection("jdbc:h2:mem:scenario" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1");
    }

    String run(Case c) throws SQLException {
      String[] words = c.header().split("\\s+");
      String sql = String.join("\n", c.input()).strip();
      switch (words[0]) {
        case "catalog" -> {
          try (Statement s = db.createStatement()) {
            for (String ddl : c.input()) {
              if (!ddl.isBlank()) {
                s.execute(ddl);
              }
            }
          }
          catalog = Catalog.load(db, Backend.H2);
          return "ok";
        }
        case "stmt" -> {
          String txn = words[1];
          if (locks.isWaiting(txn)) {
            return "error: " + txn + " is waiting; a client sends nothing until it is answered";
          }
          TxnEntry e = new TxnEntry(TxnEntry.Kind.STMT, "n", 1, ++requests, "n:" + txn, false, 0, false,
              KeyRequest.NONE, List.of(new TxnEntry.Statement(sql, params(words))));
          return request(txn, e, false);
        }
        case "oneshot" -> {
          TxnEntry e = TxnEntry.oneShot("n", 1, ++requests, 0, false, KeyRequest.NONE,
              List.of(new TxnEntry.Statement(sql, params(words))));
          return request("oneshot-" + requests, e, true);
        }
        case "commit", "rollback" -> {
          StringBuilder out = new StringBuilder(words[1] + " ends");
          release(words[1], out);
          return out.toString();
        }
        default -> throw new IllegalArgumentException("unknown command: " + c.header());
      }
    }

    private String request(String txn, TxnEntry e, boolean oneShot) {
      Req req = new Req(txn, oneShot, requests);
      Map<String, Mode> set = sets.of(e, catalog);
      Decision d = locks.request(txn, set, req);
      StringBuilder out = new StringBuilder(txn + " asks " + describe(set));
      switch (d) {
        case GRANTED -> {
          out.append("\n").append(txn).append(" granted");
          if (oneShot) {
            release(txn, out);
          }
        }
        case WAITING -> out.append("\n").append(txn).append(" waits");
        case DEADLOCK -> {
          out.append("\n").append(txn).append(" is the deadlock victim (40001): its transaction ends");
          release(txn, out);
        }
      }
      return out.toString();
    }

    /** Releases {@code txn}'s locks, and one-shot entries' locks as they are granted, noting every grant. */
    private void release(String txn, StringBuilder out) {
      Deque<String> todo = new ArrayDeque<>(List.of(txn));
      while (!todo.isEmpty()) {
        for (Req granted : locks.release(todo.poll())) {
          out.append("\n").append(granted.txn()).append(" granted (waited)");
          if (granted.oneShot()) {
            todo.add(granted.txn());
          }
        }
      }
    }

    private static String describe(Map<String, Mode> set) {
      StringBuilder b = new StringBuilder();
      new TreeMap<>(set).forEach((r, m) -> b.append(b.length() == 0 ? "" : ", ").append(LockManager.describe(r))
          .append(' ').append(m));
      return b.toString();
    }

    private static List<Object> params(String[] words) {
      List<Object> out = new ArrayList<>();
      for (String w : words) {
        if (w.startsWith("params=")) {
          for (String p : w.substring("params=".length()).split(",")) {
            out.add(p.startsWith("'") ? p.substring(1, p.length() - 1) : p.equals("null") ? null : Long.valueOf(p));
          }
        }
      }
      return out;
    }

    @Override
    public void close() throws SQLException {
      try (Statement s = db.createStatement()) {
        s.execute("SHUTDOWN");
      } finally {
        db.close();
      }
    }
  }
}
