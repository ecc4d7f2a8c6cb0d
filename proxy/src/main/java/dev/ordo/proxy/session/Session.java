package dev.ordo.proxy.session;

import dev.ordo.driver.SqlState;
import dev.ordo.driver.wire.ColumnInfo;
import dev.ordo.driver.wire.KeyRequest;
import dev.ordo.driver.wire.Request;
import dev.ordo.driver.wire.Response;
import dev.ordo.driver.wire.ResultData;
import dev.ordo.proxy.config.Backend;
import dev.ordo.proxy.replica.Jdbc;
import dev.ordo.proxy.sql.Analysis;
import dev.ordo.proxy.sql.Analyzer;
import dev.ordo.proxy.txn.Coordinator;
import dev.ordo.proxy.txn.Outcome;
import dev.ordo.proxy.txn.TxnEntry;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client session: turns each request into a read, a write through the log,
 * a metadata call or a refusal, and answers it. Requests of one session are
 * handled one at a time, in order.
 */
public final class Session {
  private static final Logger log = LoggerFactory.getLogger(Session.class);

  private final String id;
  private final Analyzer analyzer;
  private final Coordinator coordinator;
  private final Transaction txn;
  private final String backend;
  private final boolean ddlCommits;
  /** The catalog name metadata answers report, or null for the replicas' own. */
  private final String catalog;

  /** Whether this session may run the operator commands. */
  private final boolean admin;
  /** The session's user, or null. */
  private final String user;

  /**
   * @param backend the replicas' engine ({@code H2}, ...): on H2, DDL inside a
   *     transaction commits it first, as H2 itself does
   * @param database the database name clients connect to: on PostgreSQL, whose
   *     replica databases each have a name of their own, metadata answers
   *     report it as the catalog
   * @param admin whether the session's user may run the operator commands ({@code ORDO …})
   * @param user the session's user, or null when the node requires none
   */
  public Session(String id, Analyzer analyzer, Coordinator coordinator, ScheduledExecutorService timer,
      Duration idleTimeout, String backend, String database, boolean admin, String user) {
    this.admin = admin;
    this.user = user;
    this.id = id;
    this.analyzer = analyzer;
    this.coordinator = coordinator;
    this.txn = new Transaction(id, coordinator, timer, idleTimeout);
    this.backend = backend;
    this.ddlCommits = "H2".equalsIgnoreCase(backend);
    this.catalog = Backend.POSTGRESQL.productName().equalsIgnoreCase(backend) ? database : null;
  }

  /** Answers one request (never {@code Hello} or {@code Close}, which the connection handles). */
  public Response handle(Request request) {
    txn.busy();
    try {
      return switch (request) {
        case Request.Execute e -> execute(e);
        case Request.Batch b -> batch(b);
        case Request.Metadata m -> coordinator.read(c -> MetadataCall.invoke(c.getMetaData(), m, catalog));
        case Request.EndTxn t -> txn.end(t.commit());
        case Request.Ping p -> ping();
        case Request.Hello h -> error(SqlState.PROTOCOL_VIOLATION, "this session is already open; Hello is sent once");
        case Request.Auth a -> error(SqlState.PROTOCOL_VIOLATION, "this session is already open; Auth is sent"
            + " once, in answer to the node's challenge");
        case Request.Close c -> new Response.Ok();
      };
    } catch (SQLException e) {
      return new Response.Error(nz(e.getSQLState()), e.getErrorCode(), e.getMessage(), -1);
    } catch (RuntimeException e) {
      log.error("{}: internal error handling {}", id, request.getClass().getSimpleName(), e);
      return error(SqlState.INTERNAL_ERROR, "Ordo internal error while handling "
          + request.getClass().getSimpleName() + ": " + e + ". The node's log has the stack trace.");
    } finally {
      txn.idle();
    }
  }

  /** The client went away: an open transaction is rolled back through the log. */
  public void close() {
    txn.close();
  }

  /** Liveness ({@code Connection.isValid}): a healthy replica, and a log whose majority answers. */
  private Response ping() {
    if (!coordinator.canServe()) {
      return error(SqlState.CANNOT_CONNECT_NOW, "no replica of this node is healthy: "
          + coordinator.describeReplicas());
    }
    String log = coordinator.logUnavailable();
    return log == null ? new Response.Ok() : error(SqlState.CANNOT_CONNECT_NOW, log);
  }

  /** {@code SELECT ordo_last_commit()}: this session's fencing token, answered by the node itself. */
  private static final java.util.regex.Pattern LAST_COMMIT = java.util.regex.Pattern.compile(
      "\\s*SELECT\\s+ORDO_LAST_COMMIT\\s*\\(\\s*\\)\\s*;?\\s*", java.util.regex.Pattern.CASE_INSENSITIVE);

  /**
   * The log position of this session's last committed write as one number, or NULL before the first: one row,
   * one BIGINT column {@code ORDO_LAST_COMMIT}. It rises with log order on every node (a fencing token).
   */
  private Response lastCommit() {
    long token = txn.lastCommit();
    ColumnInfo col = ColumnInfo.simple("ORDO_LAST_COMMIT", java.sql.Types.BIGINT, "BIGINT", Long.class.getName());
    return new Response.Rows(new ResultData(List.of(col), List.<Object[]>of(new Object[] {token < 0 ? null
        : token})));
  }

  private Response execute(Request.Execute e) throws SQLException {
    if (Analyzer.firstKeywords(e.sql(), 2).equals("EXPLAIN ORDO")) {
      return explain(e.sql());
    }
    if (e.params().isEmpty() && LAST_COMMIT.matcher(e.sql()).matches()) {
      return lastCommit();
    }
    if (Analyzer.firstKeyword(e.sql()).equals("ORDO")) {
      if (!admin) {
        return error(SqlState.INSUFFICIENT_PRIVILEGE, "ORDO commands copy, wipe or show the node's replicas and"
            + " need the admin role; user '" + user + "' has the app role. Run them as a user with the admin role"
            + " (ordo user --role admin)");
      }
      return OrdoCommands.run(e.sql(), (e.flags() & Request.FLAG_AUTOCOMMIT) != 0, coordinator.admin());
    }
    boolean autocommit = (e.flags() & Request.FLAG_AUTOCOMMIT) != 0;
    boolean readOnly = (e.flags() & Request.FLAG_READ_ONLY) != 0;
    long analysing = System.nanoTime();
    Analysis a = analyzer.analyze(e.sql());
    coordinator.stages().since(dev.ordo.proxy.txn.Stages.Stage.ANALYSIS, analysing);
    switch (a.kind()) {
      case REFUSED:
        return error(SqlState.FEATURE_NOT_SUPPORTED, "Ordo refuses this statement: " + a.reason() + ".");
      case FORBIDDEN:
        return error(SqlState.INSUFFICIENT_PRIVILEGE, "Ordo refuses this statement: " + a.reason() + ".");
      case TRANSACTION_CONTROL:
        return transactionControl(a, autocommit, e.sql());
      default:
        break;
    }
    if (readOnly && !a.isRead()) {
      if (!autocommit) {
        return txn.refuseInReadOnly("cannot run a write in a read-only transaction (" + a.reason()
            + "); call Connection.setReadOnly(false) before the transaction starts");
      }
      return error(SqlState.READ_ONLY_SQL_TRANSACTION, "cannot run a write in a read-only "
          + (autocommit ? "connection" : "transaction") + " (" + a.reason()
          + "); call Connection.setReadOnly(false) first");
    }
    if (!autocommit) {
      if (readOnly) {
        return txn.snapshotRead(e);
      }
      if (Analyzer.isDdl(e.sql()) && !coordinator.backend().transactionalDdl()) {
        return ddlInTransaction(e);
      }
      if (a.isRead() && readsOnlyCatalog(a)) {
        // Like a DatabaseMetaData call: the catalog as of now, from the local replica, outside the log.
        return txn.aside(() -> read(e));
      }
      return txn.statement(false, e.keys(), List.of(new TxnEntry.Statement(e.sql(), e.params())),
          Session::statementResponse);
    }
    if (txn.open()) {
      return autocommitInTransaction();
    }
    if (a.isRead()) {
      return read(e);
    }
    Outcome o = write(false, e.keys(), List.of(new TxnEntry.Statement(e.sql(), e.params())));
    if (o instanceof Outcome.Failed f) {
      return new Response.Error(nz(f.sqlState()), f.vendorCode(), f.message(), -1);
    }
    return statementResponse((Outcome.Done) o, e.keys());
  }

  /** A one-shot entry through the log; a commit's position becomes the session's last commit. */
  private Outcome write(boolean batch, KeyRequest keys, List<TxnEntry.Statement> statements) throws SQLException {
    Coordinator.Submitted s = coordinator.writeAt(batch, keys, statements);
    if (s.outcome() instanceof Outcome.Done) {
      txn.committedAt(s.position());
    }
    return s.outcome();
  }

  /**
   * DDL with autocommit off. H2 commits the open transaction when it meets DDL
   * and runs the DDL as its own transaction (even when the DDL then fails); so
   * does Ordo on H2 replicas: the open transaction is committed through the
   * log, the DDL is one log entry of its own, and the statements after it form
   * a new transaction. On PostgreSQL, whose DDL is transactional, DDL is an
   * ordinary statement of the transaction and does not come here.
   */
  private Response ddlInTransaction(Request.Execute e) throws SQLException {
    if (!ddlCommits) {
      return error(SqlState.FEATURE_NOT_SUPPORTED, "DDL cannot run inside an interactive transaction on "
          + backend + " replicas yet: " + Analyzer.firstKeyword(e.sql()) + " was refused. Run it with autocommit"
          + " on, as its own transaction.");
    }
    return txn.commitThen(() -> {
      Outcome o = write(false, e.keys(), List.of(new TxnEntry.Statement(e.sql(), e.params())));
      if (o instanceof Outcome.Failed f) {
        return new Response.Error(nz(f.sqlState()), f.vendorCode(), f.message(), -1);
      }
      return statementResponse((Outcome.Done) o, e.keys());
    });
  }

  /** Schemas that describe the catalog rather than hold data. */
  private static final java.util.Set<String> CATALOG_SCHEMAS = java.util.Set.of("INFORMATION_SCHEMA", "PG_CATALOG");

  /**
   * Whether a query reads only the catalog ({@code INFORMATION_SCHEMA}, {@code
   * pg_catalog}, and on PostgreSQL unqualified {@code pg_…} names, which
   * PostgreSQL looks up in {@code pg_catalog} first). Inside a read-write
   * transaction such a query is answered the way {@code DatabaseMetaData} calls
   * are: at the linearizable read index on the local replica, outside the
   * transaction. On H2 the transaction's own
   * work cannot change the catalog (DDL never runs inside one); on PostgreSQL
   * such a query does not see the transaction's own uncommitted DDL. It takes
   * no lock that would make DDL of other sessions wait for it.
   */
  private boolean readsOnlyCatalog(Analysis a) {
    if (a.tablesRead().isEmpty()) {
      return false;
    }
    boolean postgres = coordinator.backend() == Backend.POSTGRESQL;
    for (String t : a.tablesRead()) {
      int dot = t.indexOf('.');
      boolean catalogTable = dot < 0
          ? postgres && t.startsWith("PG_") // PostgreSQL searches pg_catalog first for unqualified names
          : CATALOG_SCHEMAS.contains(t.substring(0, dot));
      if (!catalogTable) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code EXPLAIN ORDO <statement>}: how Ordo would run the statement, without
   * running it: whether Calcite parsed it, its route, the locks it asks for and
   * the text sent to the replicas.
   */
  private Response explain(String sql) {
    int at = sql.toUpperCase(Locale.ROOT).indexOf("ORDO") + 4;
    String stmt = sql.substring(at).strip();
    Analysis a = analyzer.analyze(stmt);
    java.util.List<String> locks = new java.util.ArrayList<>();
    boolean ddl = Analyzer.isDdl(stmt);
    if (a.globalLock()) {
      locks.add("X global");
    } else {
      a.tablesRead().forEach(t -> locks.add("S " + t));
      a.tablesWritten().forEach(t -> locks.add("X " + t));
      a.sequences().forEach(q -> locks.add("X sequence " + q));
      if (a.advisoryLock()) {
        locks.add("X advisory locks");
      }
    }
    String route = switch (a.kind()) {
      case READ -> "read at the linearizable read index (through the log inside a read-write transaction)";
      case WRITE -> "write through the log";
      case TRANSACTION_CONTROL -> "transaction control";
      case REFUSED -> "refused (0A000)";
      case FORBIDDEN -> "refused (42501)";
    };
    java.util.List<Object[]> rows = java.util.List.of(
        new Object[] {"parsed", String.valueOf(a.parsed())},
        new Object[] {"kind", a.kind().name()},
        new Object[] {"route", route},
        new Object[] {"reason", a.reason()},
        new Object[] {"locks", String.join(", ", locks) + (a.globalLock() ? ""
            : ddl ? " (plus S global; DDL locks exactly the names it changes, and replicas reload their catalog"
                + " after it)"
            : " (plus S global; replicas add the foreign-key closure from their catalog)")},
        new Object[] {"rewrites", rewrites(stmt)},
        new Object[] {"sql sent to replicas", stmt});
    java.util.List<dev.ordo.driver.wire.ColumnInfo> cols = java.util.List.of(
        dev.ordo.driver.wire.ColumnInfo.simple("PROPERTY", java.sql.Types.VARCHAR, "VARCHAR", "java.lang.String"),
        dev.ordo.driver.wire.ColumnInfo.simple("VALUE", java.sql.Types.VARCHAR, "VARCHAR", "java.lang.String"));
    return new Response.Rows(new dev.ordo.driver.wire.ResultData(cols, rows));
  }

  /**
   * What replicas change in the statement before running it: time functions
   * become literals of the transaction's (or statement's) log time, shown here
   * with this node's clock as an example; random-value calls in a write become
   * literals drawn from the log entry's identity, shown here for an example entry.
   */
  private String rewrites(String stmt) {
    dev.ordo.proxy.config.Backend b = coordinator.backend();
    String replicaView = dev.ordo.proxy.sql.ExplainDeterminism.describe(stmt, coordinator.schema(), b,
        coordinator.timeZone());
    if (replicaView != null) {
      return replicaView;
    }
    boolean random = analyzer.analyze(stmt).kind() == Analysis.Kind.WRITE && !Analyzer.isDdl(stmt)
        && dev.ordo.proxy.sql.Nondeterminism.hasCalls(stmt);
    boolean time = dev.ordo.proxy.sql.TimeFunctions.hasCalls(stmt, b);
    if (!random && !time) {
      return "none";
    }
    java.util.List<String> what = new java.util.ArrayList<>();
    String text = stmt;
    if (random) {
      what.add("random values (random(), UUID generators, random bytes) become literals drawn from the log entry's"
          + " identity, the same on every replica (the values below are an example)");
      text = dev.ordo.proxy.sql.Nondeterminism.rewrite(text, 0L, b);
    }
    if (time) {
      java.time.Instant now = java.time.Instant.now();
      what.add("time functions become literals of the transaction's log time (statement_timestamp() and"
          + " clock_timestamp(): the statement's), the same on every replica; with this node's clock now");
      text = dev.ordo.proxy.sql.TimeFunctions.rewrite(text, now, now, coordinator.timeZone(), b);
    }
    return String.join("; ", what) + ": " + text;
  }

  private static Response statementResponse(Outcome.Done c, KeyRequest keys) {
    if (c.rows() != null) {
      return new Response.Rows(c.rows());
    }
    return new Response.Update(c.counts()[0], keys.kind() == KeyRequest.Kind.NONE ? null : c.keys());
  }

  private static Response batchResponse(Outcome.Done c, KeyRequest keys) {
    return new Response.BatchDone(c.counts(), keys.kind() == KeyRequest.Kind.NONE ? null : c.keys());
  }

  private Response read(Request.Execute e) throws SQLException {
    return coordinator.read(c -> {
      c.setReadOnly(true);
      try {
        return runQuery(c, e);
      } finally {
        c.setReadOnly(false);
      }
    });
  }

  /** Runs a client's statement directly on a replica connection and answers with its result. */
  static Response runQuery(java.sql.Connection c, Request.Execute e) throws SQLException {
    try (Statement st = e.params().isEmpty() ? c.createStatement() : c.prepareStatement(e.sql())) {
      st.setMaxRows(Math.max(0, e.maxRows()));
      boolean rows;
      if (st instanceof PreparedStatement ps) {
        Jdbc.bind(ps, e.params());
        rows = ps.execute();
      } else {
        rows = st.execute(e.sql());
      }
      if (!rows) {
        return new Response.Update(st.getLargeUpdateCount(), null);
      }
      try (ResultSet rs = st.getResultSet()) {
        return new Response.Rows(Jdbc.materialise(rs, e.maxRows()));
      }
    }
  }

  /**
   * A request marked autocommit while this session's transaction is open: the driver ends the transaction
   * before it leaves autocommit off, so only a confused client sends one. Run, it could wait for its own
   * transaction's locks, and everything ordered after it with it.
   */
  private static Response autocommitInTransaction() {
    return new Response.Error(SqlState.ACTIVE_SQL_TRANSACTION.code(), "an autocommit request arrived while this"
        + " connection's transaction is open; commit or roll it back first (Connection.setAutoCommit(true)"
        + " commits it)");
  }

  private Response batch(Request.Batch b) throws SQLException {
    boolean autocommit = (b.flags() & Request.FLAG_AUTOCOMMIT) != 0;
    List<TxnEntry.Statement> stmts = new ArrayList<>(b.items().size());
    for (int i = 0; i < b.items().size(); i++) {
      Request.BatchItem item = b.items().get(i);
      Analysis a = analyzer.analyze(item.sql());
      if (a.kind() == Analysis.Kind.FORBIDDEN) {
        return new Response.Error(SqlState.INSUFFICIENT_PRIVILEGE.code(), 0, "batch item " + i
            + " is refused: " + a.reason(), i);
      }
      if (a.kind() == Analysis.Kind.REFUSED || a.kind() == Analysis.Kind.TRANSACTION_CONTROL) {
        return new Response.Error(SqlState.FEATURE_NOT_SUPPORTED.code(), 0, "batch item " + i
            + " is refused: " + a.reason() + "; a batch runs as one transaction and may hold only data changes", i);
      }
      if ((b.flags() & Request.FLAG_READ_ONLY) != 0 && !a.isRead()) {
        return new Response.Error(SqlState.READ_ONLY_SQL_TRANSACTION.code(), 0, "batch item " + i
            + " is a write in a read-only connection; call Connection.setReadOnly(false) first", i);
      }
      if (!autocommit && Analyzer.isDdl(item.sql()) && !coordinator.backend().transactionalDdl()) {
        return new Response.Error(SqlState.FEATURE_NOT_SUPPORTED.code(), 0, "batch item " + i + " is DDL, which "
            + "a batch inside an open transaction cannot hold; execute it as a statement of its own, or run the"
            + " batch with autocommit on", i);
      }
      stmts.add(new TxnEntry.Statement(item.sql(), item.params()));
    }
    if (stmts.isEmpty()) {
      return new Response.BatchDone(new long[0], null);
    }
    if (!autocommit) {
      return txn.statement(true, b.keys(), stmts, Session::batchResponse);
    }
    if (txn.open()) {
      return autocommitInTransaction();
    }
    Outcome o = write(true, b.keys(), stmts);
    if (o instanceof Outcome.Failed f) {
      return new Response.Error(nz(f.sqlState()), f.vendorCode(), f.message(), f.statement());
    }
    return batchResponse((Outcome.Done) o, b.keys());
  }

  private Response transactionControl(Analysis a, boolean autocommit, String sql) throws SQLException {
    String what = a.reason().toUpperCase(Locale.ROOT);
    if (what.equals("COMMIT") || what.equals("END") || what.equals("ROLLBACK") || what.equals("ABORT")) {
      if (autocommit) {
        // There is no open transaction; like PostgreSQL, this does nothing.
        return new Response.Update(0, null);
      }
      Response r = txn.end(what.equals("COMMIT") || what.equals("END"));
      return r instanceof Response.Ok ? new Response.Update(0, null) : r;
    }
    if (what.equals("SAVEPOINT") || what.equals("ROLLBACK TO") || what.equals("RELEASE")) {
      if (autocommit) {
        return error(SqlState.FEATURE_NOT_SUPPORTED, what + " needs a transaction: call "
            + "Connection.setAutoCommit(false) first (or use Connection.setSavepoint).");
      }
      return txn.statement(false, KeyRequest.NONE, List.of(new TxnEntry.Statement(sql, List.of())),
          Session::statementResponse);
    }
    if (what.startsWith("SET TRANSACTION") || what.startsWith("SET SESSION")
        || ((what.equals("BEGIN") || what.equals("START")) && !autocommit)) {
      // Every Ordo transaction is strictly serializable; a weaker level is granted as this stronger one.
      // With autocommit off a transaction is always open, so BEGIN changes nothing.
      return new Response.Update(0, null);
    }
    return error(SqlState.FEATURE_NOT_SUPPORTED, what + " as SQL is not supported: use the JDBC API "
        + "(Connection.setAutoCommit(false), commit(), rollback()) to control transactions.");
  }

  private static Response error(SqlState state, String message) {
    return new Response.Error(state.code(), message);
  }

  private static String nz(String state) {
    return state == null ? SqlState.INTERNAL_ERROR.code() : state;
  }
}
