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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Jepsen's bank workload over JDBC: accounts {@code bank(id INT PRIMARY KEY,
 * balance BIGINT)} start with equal balances; a {@code :transfer} reads two
 * balances and moves an amount from one to the other (rolled back, so
 * {@code :fail}, if the source would go negative); a {@code :read} reads every
 * balance in one read-only transaction. Under any serializable execution every
 * read sees the initial total and no negative balance: {@link #check}.
 */
public final class BankWorkload extends TxnClients {
  public static final Keyword TRANSFER = Keyword.of("transfer");
  public static final Keyword READ = Keyword.of("read");
  static final Keyword FROM = Keyword.of("from");
  static final Keyword TO = Keyword.of("to");
  static final Keyword AMOUNT = Keyword.of("amount");

  /**
   * What to run.
   *
   * @param url JDBC URL
   * @param clients concurrent clients
   * @param duration how long
   * @param accounts number of accounts
   * @param balance initial balance of each
   * @param seed randomness seed
   */
  public record Config(String url, int clients, Duration duration, int accounts, long balance, long seed) {}

  /**
   * The outcome of {@link #check}.
   *
   * @param reads {@code :ok} reads checked
   * @param transfers {@code :ok} transfers
   * @param problems reads with a wrong total, a missing account or a negative balance (empty if valid)
   */
  public record Result(int reads, int transfers, List<String> problems) {
    public boolean valid() {
      return problems.isEmpty();
    }
  }

  private final Config config;

  public BankWorkload(Config config) {
    super(config.url(), "sa", "", -1, config.clients(), config.duration(), config.seed());
    this.config = config;
  }

  /** Creates the accounts. */
  public static void setUp(String url, int accounts, long balance) throws SQLException {
    try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
      s.executeUpdate("CREATE TABLE bank (id INT PRIMARY KEY, balance BIGINT NOT NULL)");
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO bank VALUES (?, ?)")) {
        for (int a = 0; a < accounts; a++) {
          ps.setInt(1, a);
          ps.setLong(2, balance);
          ps.addBatch();
        }
        ps.executeBatch();
      }
    }
  }

  @Override
  protected Invocation generate(Random random) {
    if (random.nextInt(5) == 0) {
      return new Invocation(READ, null);
    }
    int from = random.nextInt(config.accounts());
    int to = (from + 1 + random.nextInt(config.accounts() - 1)) % config.accounts();
    Map<Keyword, Object> v = new LinkedHashMap<>();
    v.put(FROM, (long) from);
    v.put(TO, (long) to);
    v.put(AMOUNT, 1L + random.nextInt(5));
    return new Invocation(TRANSFER, v);
  }

  @Override
  protected Object execute(Connection c, Invocation op) throws SQLException {
    if (op.f().equals(READ)) {
      return readAll(c);
    }
    @SuppressWarnings("unchecked")
    Map<Keyword, Object> v = (Map<Keyword, Object>) op.value();
    int from = ((Long) v.get(FROM)).intValue();
    int to = ((Long) v.get(TO)).intValue();
    long amount = (Long) v.get(AMOUNT);
    long fromBalance = balance(c, from);
    balance(c, to);
    if (fromBalance < amount) {
      throw new SQLException("insufficient funds in " + from, ABORTED_BY_CLIENT);
    }
    try (PreparedStatement ps = c.prepareStatement("UPDATE bank SET balance = balance + ? WHERE id = ?")) {
      ps.setLong(1, -amount);
      ps.setInt(2, from);
      ps.addBatch();
      ps.setLong(1, amount);
      ps.setInt(2, to);
      ps.addBatch();
      ps.executeBatch();
    }
    return v;
  }

  private static long balance(Connection c, int id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT balance FROM bank WHERE id = ?")) {
      ps.setInt(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("no account " + id, "22000");
        }
        return rs.getLong(1);
      }
    }
  }

  /** Every balance, by account. */
  public static Map<Long, Long> readAll(Connection c) throws SQLException {
    Map<Long, Long> out = new TreeMap<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id, balance FROM bank")) {
      while (rs.next()) {
        out.put(rs.getLong(1), rs.getLong(2));
      }
    }
    return out;
  }

  /** Checks that every {@code :ok} read saw all accounts, the initial total, and no negative balance. */
  public static Result check(List<Op> history, int accounts, long total) {
    int reads = 0;
    int transfers = 0;
    List<String> problems = new ArrayList<>();
    for (Op op : history) {
      if (op.type() != Op.Type.OK || !op.isClient()) {
        continue;
      }
      if (op.f().equals(TRANSFER)) {
        transfers++;
      } else if (op.f().equals(READ)) {
        reads++;
        @SuppressWarnings("unchecked")
        Map<Long, Long> balances = (Map<Long, Long>) op.value();
        long sum = balances.values().stream().mapToLong(Long::longValue).sum();
        boolean negative = balances.values().stream().anyMatch(b -> b < 0);
        if (balances.size() != accounts || sum != total || negative) {
          problems.add("op " + op.index() + " read " + balances + " (total " + sum + ", expected " + total + ")");
        }
      }
    }
    return new Result(reads, transfers, problems);
  }
}
