package dev.ordo.proxy.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.ordo.driver.wire.KeyRequest;
import dev.ordo.proxy.config.Backend;
import dev.ordo.proxy.replica.LockManager.Mode;
import dev.ordo.proxy.sql.Analyzer;
import dev.ordo.proxy.txn.Outcome;
import dev.ordo.proxy.txn.TxnEntry;
import dev.ordo.sequencer.LogPosition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The scheduler's decisions as scenarios, in the style of etcd-raft's datadriven tests: each file under
 * {@code src/test/resources/locks} is a sequence of commands, each with its input and the output it must give.
 * Entries go to the replica scheduler's logical layer itself ({@link LogicalScheduler}), with the catalog of a
 * real (in-memory) H2 database built by the file's {@code catalog} command; the output is every decision it
 * makes: the locks an entry asks for, grants, waits, deadlock victims, ends, refusals, catalog reloads. A
 * one-shot entry's DDL is run on that database when it is granted, so a reload sees it.
 *
 * <pre>
 * catalog                          DDL, one statement per line, run on a fresh database
 * stmt TXN [params=1,'x',…] [node=N]  one statement of interactive transaction TXN (a STMT entry; the
 *                                  first of TXN begins it), of node N (default n)
 * oneshot [params=…]               an autocommit statement (a ONE_SHOT entry)
 * commit TXN / rollback TXN        the end of TXN
 * abort-owner N [incarnation=I]    an ABORT_OWNER entry: node N's transactions of incarnations before I
 *                                  (default: all of them, the leader's verdict on a silent node)
 * checkpoint                       a CHECKPOINT that hashes every table (S locks on each)
 * restart [from=F] [keep=K] [replayed=A,B]  a fresh scheduler (as after a restart, or a step-down that lost
 *                                  the entries after K) is fed entries F..K again (numbered from 1 in the
 *                                  order they were given); A, B ended before the restart: nothing of them runs
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

  /** The logical layer over a real catalog, its decisions written down as they are made. */
  private static final class Driver implements AutoCloseable {
    private final Connection db;
    private final LockSets sets = new LockSets(new Analyzer());
    private LogicalScheduler<Req> logic;
    /** Every entry given so far, in log order (a restart feeds some of them again). */
    private final List<Req> history = new ArrayList<>();
    private final java.util.Set<String> begun = new java.util.HashSet<>();
    private StringBuilder out = new StringBuilder();
    private Req current;

    /** An entry at its position, named as the scenario names it. */
    private record Req(String name, TxnEntry entry, LogPosition pos) implements LogicalScheduler.Work {}

    Driver() throws SQLException {
      db = DriverManager.getConnection("jdbc:h2:mem:scenario" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1");
      logic = scheduler(java.util.Set.of());
    }

    private LogicalScheduler<Req> scheduler(java.util.Set<String> replayed) throws SQLException {
      return new LogicalScheduler<>(sets, Catalog.load(db, Backend.H2), false, replayed, new Recorder());
    }

    String run(Case c) throws SQLException, ReplicaFault {
      String[] words = c.header().split("\\s+");
      String sql = String.join("\n", c.input()).strip();
      out = new StringBuilder();
      int n = history.size() + 1;
      switch (words[0]) {
        case "catalog" -> {
          try (Statement s = db.createStatement()) {
            for (String ddl : c.input()) {
              if (!ddl.isBlank()) {
                s.execute(ddl);
              }
            }
          }
          logic = scheduler(java.util.Set.of());
          return "ok";
        }
        case "stmt" -> {
          String txn = words[1];
          if (logic.isWaiting(txn)) {
            return "error: " + txn + " is waiting; a client sends nothing until it is answered";
          }
          TxnEntry e = new TxnEntry(TxnEntry.Kind.STMT, option(words, "node", "n"), 1, n, txn, begun.add(txn), 0,
              false, KeyRequest.NONE, List.of(new TxnEntry.Statement(sql, params(words))));
          feed(new Req(txn, e, new LogPosition(n, 0)), true);
        }
        case "oneshot" -> feed(new Req("oneshot-" + n, TxnEntry.oneShot("n", 1, n, 0, false, KeyRequest.NONE,
            List.of(new TxnEntry.Statement(sql, params(words)))), new LogPosition(n, 0)), true);
        case "commit", "rollback" -> {
          TxnEntry.Kind kind = words[0].equals("commit") ? TxnEntry.Kind.COMMIT : TxnEntry.Kind.ROLLBACK;
          feed(new Req(words[1], new TxnEntry(kind, "n", 1, n, words[1], false, 0, false, KeyRequest.NONE,
              List.of()), new LogPosition(n, 0)), false);
        }
        case "abort-owner" -> feed(new Req("abort-owner-" + n, new TxnEntry(TxnEntry.Kind.ABORT_OWNER, words[1],
            Long.parseLong(option(words, "incarnation", String.valueOf(Long.MAX_VALUE))), n, "", false, 0, false,
            KeyRequest.NONE, List.of()), new LogPosition(n, 0)), false);
        case "checkpoint" -> feed(new Req("checkpoint-" + n, TxnEntry.checkpoint("n", 1, n, 0, true),
            new LogPosition(n, 0)), true);
        case "restart" -> {
          int from = Integer.parseInt(option(words, "from", "1"));
          int keep = Integer.parseInt(option(words, "keep", String.valueOf(history.size())));
          java.util.Set<String> replayed = new java.util.HashSet<>();
          for (String name : option(words, "replayed", "").split(",")) {
            history.stream().filter(r -> r.name().equals(name)).forEach(r -> replayed.add(r.entry().txnId()));
          }
          List<Req> again = new ArrayList<>(history.subList(from - 1, keep));
          history.subList(keep, history.size()).clear(); // lost with the leadership
          begun.clear();
          history.forEach(r -> begun.add(r.entry().txn()));
          logic = scheduler(replayed);
          for (Req r : again) {
            out.append(out.length() == 0 ? "" : "\n").append("@").append(r.pos().index()).append(' ')
                .append(r.entry().kind()).append(' ').append(r.name());
            feed(r, false);
          }
        }
        default -> throw new IllegalArgumentException("unknown command: " + c.header());
      }
      return out.toString();
    }

    private void feed(Req r, boolean asks) throws ReplicaFault {
      if (!history.contains(r)) {
        history.add(r);
      }
      if (asks && r.entry().kind() == TxnEntry.Kind.CHECKPOINT) {
        Map<String, Mode> set = new TreeMap<>();
        logic.catalog().userTables().forEach(t -> set.put(t, Mode.S));
        line(r.name() + " asks " + describe(set));
      } else if (asks) {
        line(r.name() + " asks " + describe(logic.lockSet(r.entry())));
      }
      current = r;
      int before = out.length();
      logic.process(r);
      if (out.length() == before) {
        line(r.name() + " waits");
      }
    }

    private void line(String text) {
      out.append(out.length() == 0 ? "" : "\n").append(text);
    }

    /** Writes each decision down. */
    private final class Recorder implements LogicalScheduler.Actions<Req> {
      @Override
      public void opened(Req work, String txnId) {
        // Not a decision: the physical layer's note that work begins.
      }

      @Override
      public void run(LogicalScheduler.Grant<Req> grant) {
        Req r = grant.work();
        line(r.name() + " granted" + (r == current ? "" : " (waited)") + (grant.replay() ? ", nothing runs" : ""));
        if (!grant.replay() && r.entry().kind() == TxnEntry.Kind.ONE_SHOT && Analyzer.isDdl(sql(r))) {
          try (Statement s = db.createStatement()) {
            s.execute(sql(r));
          } catch (SQLException e) {
            throw new IllegalStateException(e);
          }
        }
      }

      @Override
      public void end(LogicalScheduler.End<Req> end) {
        if (end.answersWork()) {
          line(end.txn() + " ends" + (end.replay() ? ", nothing runs" : ""));
        } else if (end.work().entry().kind() != TxnEntry.Kind.STMT) {
          line(end.txn() + " ends (" + end.how() + ")" + (end.replay() ? ", nothing runs" : ""));
        }
      }

      @Override
      public void answer(Req work, Outcome outcome) {
        if (outcome instanceof Outcome.Failed f && f.sqlState().equals("40001") && work == current
            && f.message().startsWith("could not serialize")) {
          line(work.name() + " is the deadlock victim (40001): its transaction ends");
        } else if (outcome instanceof Outcome.Failed f) {
          line(work.name() + " fails " + f.sqlState() + ": " + f.message());
        } else {
          line(work.name() + " done");
        }
      }

      @Override
      public Catalog reloadCatalog(Req after) {
        line("catalog reloaded after " + after.name());
        try {
          return Catalog.load(db, Backend.H2);
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      }
    }

    private static String sql(Req r) {
      return r.entry().statements().get(0).sql();
    }

    private static String option(String[] words, String name, String otherwise) {
      for (String w : words) {
        if (w.startsWith(name + "=")) {
          return w.substring(name.length() + 1);
        }
      }
      return otherwise;
    }

    private static String describe(Map<String, Mode> set) {
      StringBuilder b = new StringBuilder();
      new TreeMap<>(set).forEach((r, m) -> b.append(b.length() == 0 ? "" : ", ").append(LockManager.describe(r))
          .append(' ').append(m));
      return b.toString();
    }

    private static List<Object> params(String[] words) {
      List<Object> out = new ArrayList<>();
      String given = option(words, "params", null);
      if (given != null) {
        for (String p : given.split(",")) {
          out.add(p.startsWith("'") ? p.substring(1, p.length() - 1) : p.equals("null") ? null : Long.valueOf(p));
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
