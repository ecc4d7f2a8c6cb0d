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

/** PostgreSQL's {@code LOCK [TABLE] [ONLY] names [IN mode MODE] [NOWAIT]}. */
public final class LockTable extends SqlCall {
  static final SqlOperator OPERATOR = new SqlSpecialOperator("LOCK TABLE", SqlKind.OTHER);

  private final List<SqlIdentifier> tables;
  private final String mode;

  LockTable(SqlParserPos pos, List<SqlIdentifier> tables, String mode) {
    super(pos);
    this.tables = List.copyOf(tables);
    this.mode = mode;
  }

  /** The tables locked. */
  public List<SqlIdentifier> tables() {
    return tables;
  }

  /** The lock mode as written, e.g. {@code ACCESS EXCLUSIVE} (PostgreSQL's default when none is written). */
  public String mode() {
    return mode;
  }

  @Override
  public SqlOperator getOperator() {
    return OPERATOR;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return List.copyOf(tables);
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    writer.keyword("LOCK TABLE");
    for (SqlIdentifier t : tables) {
      t.unparse(writer, 0, 0);
    }
    writer.keyword("IN " + mode + " MODE");
  }
}
