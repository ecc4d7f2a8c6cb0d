package dev.ordo.sqltests.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.SplittableRandom;

/**
 * Money transfers written the way an ORM writes them: load both accounts
 * ({@code SELECT balance FROM accounts WHERE id = ?}, twice), then update both
 * ({@code balance - ?} on the source, {@code balance + ?} on the destination),
 * then commit. A few accounts are hot: each of the two accounts is drawn from
 * the hot set with a fixed probability, otherwise from the rest. Two
 * transfers that read the same account and then both update it conflict on
 * every system (a lock upgrade or a write-write conflict), so aborts are part
 * of the result. Invariant: the sum of all balances never changes.
 */
final class TransferWorkload implements Workload {
  static final long INITIAL_BALANCE = 10_000;

  private final int accounts;
  private final int hot;
  private final double hotProbability;

  TransferWorkload(int accounts, int hot, double hotProbability) {
    int cold = accounts - hot;
    boolean drawable = hotProbability >= 1 ? hot >= 2 : hotProbability <= 0 ? cold >= 2 : hot >= 1 && cold >= 1;
    if (hot < 0 || cold < 0 || hotProbability < 0 || hotProbability > 1 || !drawable) {
      throw new IllegalArgumentException("every transfer needs two different accounts from where it draws them: got "
          + accounts + " accounts, " + hot + " hot, hot probability " + hotProbability);
    }
    this.accounts = accounts;
    this.hot = hot;
    this.hotProbability = hotProbability;
  }

  @Override
  public String describe() {
    return String.format("transfer: %d accounts, %d hot (ids 1-%d), each account of a transfer hot with"
        + " probability %.0f %%; read both balances, then update both", accounts, hot, hot, 100 * hotProbability);
  }

  @Override
  public void load(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.executeUpdate("CREATE TABLE accounts (id INT PRIMARY KEY, balance BIGINT NOT NULL)");
    }
    Workload.insertRows(c, "INSERT INTO accounts(id, balance) VALUES (?, " + INITIAL_BALANCE + ")", accounts, 0);
  }

  /** An account id: from the hot set (1..hot) with {@code hotProbability}, otherwise from the others. */
  int pick(SplittableRandom random) {
    if (hot > 0 && (hotProbability >= 1 || random.nextDouble() < hotProbability)) {
      return 1 + random.nextInt(hot);
    }
    return hot + 1 + random.nextInt(accounts - hot);
  }

  /** Source and destination of a transfer: two different accounts, each drawn by {@link #pick}. */
  int[] pair(SplittableRandom random) {
    int from = pick(random);
    int to;
    do {
      to = pick(random);
    } while (to == from);
    return new int[] {from, to};
  }

  @Override
  public Client client(Connection c, SplittableRandom random) throws SQLException {
    PreparedStatement read = c.prepareStatement("SELECT balance FROM accounts WHERE id = ?");
    PreparedStatement debit = c.prepareStatement("UPDATE accounts SET balance = balance - ? WHERE id = ?");
    PreparedStatement credit = c.prepareStatement("UPDATE accounts SET balance = balance + ? WHERE id = ?");
    return new Client() {
      int from;
      int to;
      long amount;

      @Override
      public void next() {
        int[] p = pair(random);
        from = p[0];
        to = p[1];
        amount = 1 + random.nextInt(100);
      }

      @Override
      public void attempt() throws SQLException {
        balance(read, from);
        balance(read, to);
        Workload.update(debit, amount, from);
        Workload.update(credit, amount, to);
      }
    };
  }

  private static long balance(PreparedStatement read, int id) throws SQLException {
    read.setInt(1, id);
    try (ResultSet rs = read.executeQuery()) {
      if (!rs.next()) {
        throw new IllegalStateException("account " + id + " is missing");
      }
      return rs.getLong(1);
    }
  }

  /** The sum of balances is what was loaded, and no account is missing. */
  @Override
  public Check check(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*), coalesce(sum(balance), 0) FROM accounts")) {
      rs.next();
      long n = rs.getLong(1);
      long sum = rs.getLong(2);
      long expected = accounts * INITIAL_BALANCE;
      return new Check(n + " accounts, balances sum to " + sum + " (loaded " + expected + ")",
          n == accounts && sum == expected);
    }
  }
}
