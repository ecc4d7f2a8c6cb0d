package dev.ordo.sqltests.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.SplittableRandom;

/**
 * TPC-B-like transactions: read an account balance; update the account, its
 * teller and its branch by a random delta; insert a history row. Invariant:
 * the branch, teller, account and history totals agree.
 */
final class TpcbWorkload implements Workload {
  private final int branches;
  private final int tellersPerBranch;
  private final int accountsPerBranch;
  private final boolean updateFirst;

  TpcbWorkload(int branches, int tellersPerBranch, int accountsPerBranch, boolean updateFirst) {
    this.branches = branches;
    this.tellersPerBranch = tellersPerBranch;
    this.accountsPerBranch = accountsPerBranch;
    this.updateFirst = updateFirst;
  }

  @Override
  public String describe() {
    return String.format("tpcb: %d branches, %d tellers, %d accounts; %s", branches, branches * tellersPerBranch,
        branches * accountsPerBranch, updateFirst ? "update then read the account" : "read then update the account");
  }

  @Override
  public void load(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.executeUpdate("CREATE TABLE pgbench_branches (bid INT PRIMARY KEY, bbalance BIGINT NOT NULL,"
          + " filler CHAR(88))");
      st.executeUpdate("CREATE TABLE pgbench_tellers (tid INT PRIMARY KEY, bid INT NOT NULL,"
          + " tbalance BIGINT NOT NULL, filler CHAR(84))");
      st.executeUpdate("CREATE TABLE pgbench_accounts (aid INT PRIMARY KEY, bid INT NOT NULL,"
          + " abalance BIGINT NOT NULL, filler CHAR(84))");
      st.executeUpdate("CREATE TABLE pgbench_history (tid INT NOT NULL, bid INT NOT NULL, aid INT NOT NULL,"
          + " delta INT NOT NULL, mtime TIMESTAMP NOT NULL, filler CHAR(22))");
    }
    Workload.insertRows(c, "INSERT INTO pgbench_branches(bid, bbalance) VALUES (?, 0)", branches, 0);
    Workload.insertRows(c, "INSERT INTO pgbench_tellers(tid, bid, tbalance) VALUES (?, ?, 0)",
        branches * tellersPerBranch, tellersPerBranch);
    Workload.insertRows(c, "INSERT INTO pgbench_accounts(aid, bid, abalance) VALUES (?, ?, 0)",
        branches * accountsPerBranch, accountsPerBranch);
  }

  @Override
  public Client client(Connection c, SplittableRandom random) throws SQLException {
    PreparedStatement select = c.prepareStatement("SELECT abalance FROM pgbench_accounts WHERE aid = ?");
    PreparedStatement account = c.prepareStatement("UPDATE pgbench_accounts SET abalance = abalance + ? WHERE aid = ?");
    PreparedStatement teller = c.prepareStatement("UPDATE pgbench_tellers SET tbalance = tbalance + ? WHERE tid = ?");
    PreparedStatement branch = c.prepareStatement("UPDATE pgbench_branches SET bbalance = bbalance + ? WHERE bid = ?");
    PreparedStatement history =
        c.prepareStatement("INSERT INTO pgbench_history(tid, bid, aid, delta, mtime) VALUES (?, ?, ?, ?, ?)");
    return new Client() {
      int tid;
      int bid;
      int aid;
      int delta;

      @Override
      public void next() {
        tid = 1 + random.nextInt(branches * tellersPerBranch);
        bid = (tid - 1) / tellersPerBranch + 1;
        aid = 1 + random.nextInt(branches * accountsPerBranch);
        delta = random.nextInt(-5000, 5001);
      }

      @Override
      public void attempt() throws SQLException {
        if (updateFirst) {
          Workload.update(account, delta, aid);
        }
        select.setInt(1, aid);
        try (ResultSet rs = select.executeQuery()) {
          if (!rs.next()) {
            throw new IllegalStateException("account " + aid + " is missing");
          }
        }
        if (!updateFirst) {
          Workload.update(account, delta, aid);
        }
        Workload.update(teller, delta, tid);
        Workload.update(branch, delta, bid);
        history.setInt(1, tid);
        history.setInt(2, bid);
        history.setInt(3, aid);
        history.setInt(4, delta);
        history.setTimestamp(5, new Timestamp(System.currentTimeMillis()));
        history.executeUpdate();
      }
    };
  }

  /** TPC-B's consistency condition: branch, teller, account and history totals agree. */
  @Override
  public Check check(Connection c) throws SQLException {
    String sql = "SELECT (SELECT coalesce(sum(bbalance), 0) FROM pgbench_branches),"
        + " (SELECT coalesce(sum(tbalance), 0) FROM pgbench_tellers),"
        + " (SELECT coalesce(sum(abalance), 0) FROM pgbench_accounts),"
        + " (SELECT coalesce(sum(delta), 0) FROM pgbench_history)";
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      long b = rs.getLong(1);
      long t = rs.getLong(2);
      long a = rs.getLong(3);
      long h = rs.getLong(4);
      return new Check("branches " + b + ", tellers " + t + ", accounts " + a + ", history " + h,
          b == t && t == a && a == h);
    }
  }
}
