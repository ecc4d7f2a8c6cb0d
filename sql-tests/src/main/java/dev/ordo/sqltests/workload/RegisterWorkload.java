package dev.ordo.sqltests.workload;

import dev.ordo.sqltests.history.Keyword;
import dev.ordo.sqltests.history.Op;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Jepsen's rw-register workload over JDBC: transactions of 1–3 micro-operations
 * {@code [:r k v]} / {@code [:w k v]} on registers {@code reg(k INT PRIMARY KEY,
 * v BIGINT)} that start {@code nil}; every written value is unique. The
 * history is Jepsen's {@code :txn} format, so Elle's rw-register checker can
 * read it; {@link #check} is a cheaper sanity check of necessary conditions
 * for strict serializability (see there).
 */
public final class RegisterWorkload extends TxnClients {
  static final Keyword R = Keyword.of("r");
  static final Keyword W = Keyword.of("w");

  /**
   * What to run.
   *
   * @param url JDBC URL
   * @param clients concurrent clients
   * @param duration how long
   * @param keys number of registers
   * @param seed randomness seed
   */
  public record Config(String url, int clients, Duration duration, int keys, long seed) {}

  /**
   * The outcome of {@link #check}.
   *
   * @param okTxns {@code :ok} transactions checked
   * @param reads non-nil reads checked
   * @param problems violations found (empty if none)
   */
  public record Result(int okTxns, int reads, List<String> problems) {
    public boolean valid() {
      return problems.isEmpty();
    }
  }

  private final Config config;
  private final AtomicLong values = new AtomicLong();

  public RegisterWorkload(Config config) {
    super(config.url(), "sa", "", -1, config.clients(), config.duration(), config.seed());
    this.config = config;
  }

  /** Creates one nil register per key. */
  public static void setUp(String url, int keys) throws SQLException {
    try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
      s.executeUpdate("CREATE TABLE reg (k INT PRIMARY KEY, v BIGINT)");
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO reg VALUES (?, NULL)")) {
        for (int k = 0; k < keys; k++) {
          ps.setInt(1, k);
          ps.addBatch();
        }
        ps.executeBatch();
      }
    }
  }

  @Override
  protected Invocation generate(Random random) {
    int n = 1 + random.nextInt(3);
    List<List<Object>> txn = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      long key = random.nextInt(config.keys());
      txn.add(random.nextBoolean() ? Arrays.asList(R, key, null) : Arrays.asList(W, key, values.incrementAndGet()));
    }
    return new Invocation(Op.TXN, txn);
  }

  @Override
  @SuppressWarnings("unchecked")
  protected Object execute(Connection c, Invocation op) throws SQLException {
    List<List<Object>> txn = (List<List<Object>>) op.value();
    List<List<Object>> done = new ArrayList<>(txn.size());
    for (List<Object> m : txn) {
      int key = ((Long) m.get(1)).intValue();
      if (m.get(0).equals(W)) {
        try (PreparedStatement ps = c.prepareStatement("UPDATE reg SET v = ? WHERE k = ?")) {
          ps.setLong(1, (Long) m.get(2));
          ps.setInt(2, key);
          if (ps.executeUpdate() != 1) {
            throw new SQLException("register " + key + " has no row", "22000");
          }
        }
        done.add(m);
      } else {
        try (PreparedStatement ps = c.prepareStatement("SELECT v FROM reg WHERE k = ?")) {
          ps.setInt(1, key);
          try (ResultSet rs = ps.executeQuery()) {
            Long v = null;
            if (rs.next()) {
              long x = rs.getLong(1);
              v = rs.wasNull() ? null : x;
            }
            done.add(Arrays.asList(R, m.get(1), v));
          }
        }
      }
    }
    return done;
  }

  private record Write(Op invoke, Op completion, boolean last) {}

  /**
   * Checks necessary conditions of strict serializability on the {@code :ok}
   * transactions: (1) a read inside a transaction that wrote the key sees its
   * own last write; (2) any other non-nil read returns a value some
   * transaction wrote to that key as its last write of the key, that
   * transaction was invoked before the read completed and did not
   * {@code :fail} (no garbage, aborted or intermediate reads); (3) a nil read
   * only when no write of the key was acknowledged before the reading
   * transaction began; (4) no stale read: the value read was not overwritten by
   * a write acknowledged before the reading transaction began and invoked after
   * the read value's writer was acknowledged.
   */
  @SuppressWarnings("unchecked")
  public static Result check(List<Op> history) {
    Map<Long, Op> invokes = new HashMap<>();
    Map<Long, Write> writes = new HashMap<>();
    Map<Long, List<Write>> okWritesByKey = new HashMap<>();
    Map<Op, Op> invokeOf = new HashMap<>();
    Map<Object, Op> pending = new HashMap<>();
    List<Op> okTxns = new ArrayList<>();
    for (Op op : history) {
      if (!op.isClient() || !op.f().equals(Op.TXN)) {
        continue;
      }
      if (op.type() == Op.Type.INVOKE) {
        pending.put(op.process(), op);
        continue;
      }
      Op inv = pending.remove(op.process());
      if (inv == null) {
        continue;
      }
      invokeOf.put(op, inv);
      List<List<Object>> txn = (List<List<Object>>) inv.value();
      Map<Long, Long> lastWrite = new HashMap<>();
      for (List<Object> m : txn) {
        if (m.get(0).equals(W)) {
          lastWrite.put((Long) m.get(1), (Long) m.get(2));
        }
      }
      for (List<Object> m : txn) {
        if (m.get(0).equals(W)) {
          long key = (Long) m.get(1);
          long value = (Long) m.get(2);
          Write w = new Write(inv, op, lastWrite.get(key) == value);
          writes.put(value, w);
          if (op.type() == Op.Type.OK && w.last()) {
            okWritesByKey.computeIfAbsent(key, k -> new ArrayList<>()).add(w);
          }
        }
      }
      if (op.type() == Op.Type.OK) {
        okTxns.add(op);
      }
    }
    int reads = 0;
    List<String> problems = new ArrayList<>();
    for (Op ok : okTxns) {
      Op inv = invokeOf.get(ok);
      Map<Long, Long> own = new HashMap<>();
      for (List<Object> m : (List<List<Object>>) ok.value()) {
        long key = (Long) m.get(1);
        if (m.get(0).equals(W)) {
          own.put(key, (Long) m.get(2));
          continue;
        }
        Long v = (Long) m.get(2);
        if (own.containsKey(key)) {
          if (!own.get(key).equals(v)) {
            problems.add("op " + ok.index() + " read " + v + " from key " + key + " after writing " + own.get(key));
          }
          continue;
        }
        List<Write> keyWrites = okWritesByKey.getOrDefault(key, List.of());
        if (v == null) {
          for (Write w : keyWrites) {
            if (w.completion().time() < inv.time()) {
              problems.add("op " + ok.index() + " read nil from key " + key + " after op "
                  + w.completion().index() + " wrote it");
              break;
            }
          }
          continue;
        }
        reads++;
        Write w = writes.get(v);
        if (w == null || !((List<List<Object>>) w.invoke().value()).stream()
            .anyMatch(x -> x.get(0).equals(W) && x.get(1).equals(key) && x.get(2).equals(v))) {
          problems.add("op " + ok.index() + " read " + v + " from key " + key + ", never written there");
        } else if (w.completion().type() == Op.Type.FAIL) {
          problems.add("op " + ok.index() + " read " + v + " from key " + key + ", written by failed op "
              + w.completion().index());
        } else if (!w.last()) {
          problems.add("op " + ok.index() + " read " + v + " from key " + key + ", an intermediate write of op "
              + w.completion().index());
        } else if (w.invoke().time() > ok.time()) {
          problems.add("op " + ok.index() + " read " + v + " from key " + key + " before op "
              + w.invoke().index() + " wrote it");
        } else if (w.completion().type() == Op.Type.OK) {
          for (Write later : keyWrites) {
            if (later.invoke().time() > w.completion().time() && later.completion().time() < inv.time()) {
              problems.add("op " + ok.index() + " read " + v + " from key " + key + " (op "
                  + w.completion().index() + ") though op " + later.completion().index()
                  + " overwrote it before the read began");
              break;
            }
          }
        }
      }
    }
    return new Result(okTxns.size(), reads, problems);
  }
}
