package dev.ordo.proxy.sql.parser;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlUpdate;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * PostgreSQL's {@code UPDATE t SET … [FROM tables] [WHERE …] [RETURNING …]}: the
 * target is written, the {@code FROM} tables are read.
 */
public final class ExtendedUpdate extends SqlUpdate {
  private final SqlNode from;
  private final SqlNodeList returning;

  ExtendedUpdate(SqlParserPos pos, SqlNode targetTable, SqlNodeList targetColumnList,
      SqlNodeList sourceExpressionList, SqlNode condition, SqlIdentifier alias,
      SqlNode from, SqlNodeList returning) {
    super(pos, targetTable, targetColumnList, sourceExpressionList, condition, null, alias);
    this.from = from;
    this.returning = returning;
  }

  /** The {@code FROM} clause (tables joined to the target), or null. */
  public SqlNode from() {
    return from;
  }

  /** The {@code RETURNING} list, or null. */
  public SqlNodeList returning() {
    return returning;
  }

  @Override
  public List<SqlNode> getOperandList() {
    List<SqlNode> operands = new ArrayList<>(super.getOperandList());
    operands.add(from);
    operands.add(returning);
    return operands;
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    super.unparse(writer, leftPrec, rightPrec);
    if (from != null) {
      writer.keyword("FROM");
      from.unparse(writer, 0, 0);
    }
    if (returning != null) {
      writer.keyword("RETURNING");
      returning.unparse(writer, 0, 0);
    }
  }
}
