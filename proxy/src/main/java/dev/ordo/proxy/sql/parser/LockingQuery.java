package dev.ordo.proxy.sql.parser;

import java.util.List;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * A query with locking clauses: {@code SELECT … FOR UPDATE | FOR NO KEY UPDATE |
 * FOR SHARE | FOR KEY SHARE [OF tables] [NOWAIT | SKIP LOCKED]}. It locks rows of
 * the tables of its top-level {@code FROM} (or only those named after {@code OF}),
 * so it is not a pure read.
 */
public final class LockingQuery extends SqlCall {
  static final SqlOperator OPERATOR = new SqlSpecialOperator("FOR UPDATE", SqlKind.OTHER);

  /** The lock strength of one locking clause. */
  public enum Strength {
    UPDATE("FOR UPDATE", true),
    NO_KEY_UPDATE("FOR NO KEY UPDATE", true),
    SHARE("FOR SHARE", false),
    KEY_SHARE("FOR KEY SHARE", false);

    private final String sql;
    private final boolean exclusive;

    Strength(String sql, boolean exclusive) {
      this.sql = sql;
      this.exclusive = exclusive;
    }

    /** The clause as written, e.g. {@code FOR NO KEY UPDATE}. */
    public String sql() {
      return sql;
    }

    /** Whether the locked rows may then be changed (the tables need exclusive locks). */
    public boolean exclusive() {
      return exclusive;
    }
  }

  /**
   * One locking clause.
   *
   * @param strength the lock strength
   * @param of the tables or aliases named after {@code OF}; empty for every table of the {@code FROM}
   * @param waitPolicy {@code NOWAIT}, {@code SKIP LOCKED}, or null
   */
  public record Clause(Strength strength, List<SqlIdentifier> of, String waitPolicy) {
    public Clause {
      of = List.copyOf(of);
    }
  }

  private SqlNode query;
  private final List<Clause> clauses;

  LockingQuery(SqlParserPos pos, SqlNode query, List<Clause> clauses) {
    super(pos);
    this.query = query;
    this.clauses = List.copyOf(clauses);
  }

  /** The query without its locking clauses. */
  public SqlNode query() {
    return query;
  }

  /** The locking clauses, in the order written. */
  public List<Clause> clauses() {
    return clauses;
  }

  @Override
  public SqlOperator getOperator() {
    return OPERATOR;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return List.of(query);
  }

  @Override
  public void setOperand(int i, SqlNode operand) {
    if (i != 0) {
      throw new IllegalArgumentException("a locking query has one operand, not " + (i + 1));
    }
    query = operand;
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    query.unparse(writer, 0, 0);
    for (Clause c : clauses) {
      writer.keyword(c.strength().sql());
      if (!c.of().isEmpty()) {
        writer.keyword("OF");
        for (SqlIdentifier id : c.of()) {
          id.unparse(writer, 0, 0);
        }
      }
      if (c.waitPolicy() != null) {
        writer.keyword(c.waitPolicy());
      }
    }
  }
}
