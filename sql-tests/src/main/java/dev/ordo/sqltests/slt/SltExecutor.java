package dev.ordo.sqltests.slt;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import net.hydromatic.sqllogictest.ISqlTestOperation;
import net.hydromatic.sqllogictest.OptionsParser;
import net.hydromatic.sqllogictest.SltSqlStatement;
import net.hydromatic.sqllogictest.SltTestFile;
import net.hydromatic.sqllogictest.SqlTestQuery;
import net.hydromatic.sqllogictest.SqlTestQueryOutputDescription;
import net.hydromatic.sqllogictest.TestStatistics;
import net.hydromatic.sqllogictest.executors.JdbcExecutor;

/**
 * sqllogictest's {@link JdbcExecutor} over one JDBC database for one file,
 * recording what every record did ({@link Step}). Statements run through the
 * library's {@link #statement}; a query's verdict is the library's own
 * {@link #validate}, given a result set that also records the values it reads
 * (rendered exactly as sqllogictest renders them) so that two sides can be
 * compared value by value. As in the library, a statement that had to succeed
 * and failed abandons the rest of the file.
 */
public final class SltExecutor extends JdbcExecutor {
  private final Consumer<Connection> session;
  private List<String> lastValues = List.of();

  /**
   * @param db the database to run on
   * @param session applied to the connection once it is open (session settings), or null
   */
  public SltExecutor(Database db, Consumer<Connection> session) {
    this(ParsedFile.quietOptions(), db, session);
  }

  private SltExecutor(OptionsParser.SuppliedOptions options, Database db, Consumer<Connection> session) {
    super(options, db.url(), db.user(), db.password());
    this.session = session;
  }

  @Override
  public void establishConnection() throws SQLException {
    super.establishConnection();
    if (session != null) {
      session.accept(getConnection());
    }
  }

  /**
   * Runs every record of {@code file} on a new connection, and closes it.
   *
   * @param side the side's name, for the result
   * @param health asked before each record: why the database cannot serve correctly any more, or null; once it
   *     answers, the rest of the file is not run
   */
  public FileRun run(ParsedFile file, String side, Supplier<String> health) throws SQLException {
    long t0 = System.nanoTime();
    establishConnection();
    Recording stats = new Recording();
    List<Step> steps = new ArrayList<>(file.operations().size());
    Step abortedBy = null;
    int notRun = 0;
    try {
      for (int i = 0; i < file.operations().size(); i++) {
        ISqlTestOperation op = file.operations().get(i);
        int line = file.lines()[i];
        String sql = ParsedFile.sqlOf(op);
        boolean isQuery = op instanceof SqlTestQuery;
        if (abortedBy != null) {
          steps.add(new Step(i, line, isQuery, sql, Step.Outcome.NOT_RUN, List.of(), null, null));
          if (isQuery) {
            notRun++;
          }
          continue;
        }
        String why = health == null ? null : health.get();
        if (why != null) {
          abortedBy = new Step(i, line, isQuery, sql, Step.Outcome.NOT_RUN, List.of(), null,
              "stopped before this record: " + why);
          steps.add(abortedBy);
          notRun += isQuery ? 1 : 0;
          continue;
        }
        if (op instanceof SltSqlStatement st) {
          Step s;
          try {
            // The library swallows the error of a statement expected to fail; asking it to succeed shows the error.
            statement(st.shouldPass ? st : new SltSqlStatement(st.statement, true));
            s = new Step(i, line, false, sql, Step.Outcome.OK, List.of(), null, null);
          } catch (SQLException e) {
            s = new Step(i, line, false, sql, Step.Outcome.ERROR, List.of(), e.getSQLState(), e.getMessage());
            if (st.shouldPass) {
              abortedBy = s;
            }
          }
          steps.add(s);
        } else {
          steps.add(query((SqlTestQuery) op, i, line, stats));
        }
      }
    } finally {
      closeConnection();
    }
    return new FileRun(file.name(), side, steps, stats.getPassedTestCount(), stats.getFailedTestCount(),
        stats.getIgnoredTestCount(), notRun, file.excludedQueries(), abortedBy, System.nanoTime() - t0, List.of());
  }

  /** A run in which no record ran: the side could not run the file at all, for {@code reason}. */
  static FileRun abandoned(ParsedFile file, String side, String reason) {
    List<Step> steps = new ArrayList<>();
    int queries = 0;
    for (int i = 0; i < file.operations().size(); i++) {
      ISqlTestOperation op = file.operations().get(i);
      boolean isQuery = op instanceof SqlTestQuery;
      queries += isQuery ? 1 : 0;
      steps.add(new Step(i, file.lines()[i], isQuery, ParsedFile.sqlOf(op), Step.Outcome.NOT_RUN, List.of(), null,
          i == 0 ? reason : null));
    }
    return new FileRun(file.name(), side, steps, 0, 0, 0, queries, file.excludedQueries(),
        steps.isEmpty() ? null : steps.get(0), 0, List.of());
  }

  /** Runs one query as the library's {@code query} does, and records its step. */
  private Step query(SqlTestQuery q, int index, int line, Recording stats) {
    int passedBefore = stats.getPassedTestCount();
    stats.last = null;
    lastValues = List.of();
    try (Statement stmt = getConnection().createStatement();
        ResultSet rs = stmt.executeQuery(q.getQuery())) {
      validate(q, rs, q.outputDescription, stats);
    } catch (Throwable t) {
      stats.addFailure(new TestStatistics.FailedTestDescription(q, null, "", t));
      String state = t instanceof SQLException se ? se.getSQLState() : null;
      return new Step(index, line, true, q.getQuery(), Step.Outcome.ERROR, List.of(), state,
          t.getMessage() != null ? t.getMessage() : t.toString());
    }
    boolean passed = stats.getPassedTestCount() > passedBefore;
    return new Step(index, line, true, q.getQuery(), passed ? Step.Outcome.PASSED : Step.Outcome.FAILED,
        lastValues, null, passed || stats.last == null ? null : stats.last.error);
  }

  /**
   * The library's verdict on a result, reading it through a recorder of the
   * values it renders; those values, sorted as the record asks, become the
   * step's result.
   */
  @Override
  public boolean validate(SqlTestQuery query, ResultSet rs, SqlTestQueryOutputDescription description,
      TestStatistics statistics) throws SQLException, NoSuchAlgorithmException {
    ValueRecorder recorder = new ValueRecorder(rs);
    ResultSet recorded = (ResultSet) Proxy.newProxyInstance(ResultSet.class.getClassLoader(),
        new Class<?>[] {ResultSet.class}, recorder);
    try {
      return super.validate(query, recorded, description, statistics);
    } finally {
      lastValues = sorted(recorder.values, description.columnTypes.length(), description.getOrder());
    }
  }

  /** Rows of {@code width} values, sorted as sqllogictest sorts them before comparing. */
  static List<String> sorted(List<String> values, int width, SqlTestQueryOutputDescription.SortOrder order) {
    if (width == 0 || values.size() % width != 0) {
      return values;
    }
    switch (order) {
      case VALUE -> {
        List<String> v = new ArrayList<>(values);
        v.sort(null);
        return v;
      }
      case ROW -> {
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < values.size(); i += width) {
          rows.add(values.subList(i, i + width));
        }
        rows.sort(ROW_ORDER);
        List<String> v = new ArrayList<>(values.size());
        rows.forEach(v::addAll);
        return v;
      }
      default -> {
        return values;
      }
    }
  }

  private static final Comparator<List<String>> ROW_ORDER = (a, b) -> {
    for (int i = 0; i < a.size(); i++) {
      int c = a.get(i).compareTo(b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return 0;
  };

  @Override
  public TestStatistics execute(SltTestFile file, OptionsParser.SuppliedOptions options) {
    throw new UnsupportedOperationException("use run(ParsedFile, side): it records every record's outcome");
  }

  /** Statistics that keep the last failure the library reported. */
  private static final class Recording extends TestStatistics {
    FailedTestDescription last;

    Recording() {
      super(false, 0);
    }

    @Override
    public boolean addFailure(FailedTestDescription failure) {
      last = failure;
      return super.addFailure(failure);
    }
  }

  /**
   * Passes every call to the real result set and records each value the
   * library reads, rendered as the library renders it: {@code getDouble} as
   * {@code %.3f}, {@code getLong} as {@code %d} (or {@code 0} when it is not a
   * number: a data exception, whatever class the driver gives it), {@code getString} with characters outside {@code ' '..'~'} as
   * {@code @}; SQL NULL as {@code NULL}.
   */
  private static final class ValueRecorder implements InvocationHandler {
    private final ResultSet rs;
    final List<String> values = new ArrayList<>();

    ValueRecorder(ResultSet rs) {
      this.rs = rs;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      boolean byIndex = args != null && args.length == 1 && args[0] instanceof Integer;
      if (byIndex) {
        int col = (Integer) args[0];
        switch (method.getName()) {
          case "getDouble" -> {
            double d = rs.getDouble(col);
            values.add(rs.wasNull() ? "NULL" : String.format("%.3f", d));
            return d;
          }
          case "getLong" -> {
            try {
              long v = rs.getLong(col);
              values.add(rs.wasNull() ? "NULL" : String.format("%d", v));
              return v;
            } catch (SQLDataException | NumberFormatException e) {
              values.add("0");
              throw e;
            } catch (java.sql.SQLException e) {
              // The library reads a conversion error as 0 when the driver reports it as SQLDataException, as
              // the JDBC specification has it. PostgreSQL's driver reports it as a plain SQLException with
              // SQLState 22003: the same error, so it is read the same way.
              if (e.getSQLState() != null && e.getSQLState().startsWith("22")) {
                values.add("0");
                throw new SQLDataException(e.getMessage(), e.getSQLState(), e);
              }
              throw e;
            }
          }
          case "getString" -> {
            String s = rs.getString(col);
            values.add(s == null ? "NULL" : printable(s));
            return s;
          }
          default -> {
            // any other call goes through unchanged
          }
        }
      }
      try {
        return method.invoke(rs, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }

    private static String printable(String s) {
      StringBuilder b = new StringBuilder(s.length());
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        b.append(c < ' ' || c > '~' ? '@' : c);
      }
      return b.toString();
    }
  }
}
