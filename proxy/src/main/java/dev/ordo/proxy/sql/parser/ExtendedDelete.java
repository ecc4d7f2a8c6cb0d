package dev.ordo.proxy.sql.parser;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.sql.SqlDelete;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * PostgreSQL's {@code DELETE FROM t [USING tables] [WHERE …] [RETURNING …]}: the
 * target is written, the {@code USING} tables are read.
 */
public final class ExtendedDelete extends SqlDelete {
  private final SqlNode using;
  private final SqlNodeList returning;

  ExtendedDelete(SqlParserPos pos, SqlNode targetTable, SqlNode condition, SqlIdentifier alias,
      SqlNode using, SqlNodeList returning) {
    super(pos, targetTable, condition, null, alias);
    this.using = using;
    this.returning = returning;
  }

  /** The {@code USING} clause (tables joined to the target), or null. */
  public SqlNode using() {
    return using;
  }

  /** The {@code RETURNING} list, or null. */
  public SqlNodeList returning() {
    return returning;
  }

  @Override
  public List<SqlNode> getOperandList() {
    List<SqlNode> operands = new ArrayList<>(super.getOperandList());
    operands.add(using);
    operands.add(returning);
    return operands;
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    super.unparse(writer, leftPrec, rightPrec);
    if (using != null) {
      writer.keyword("USING");
      using.unparse(writer, 0, 0);
    }
    if (returning != null) {
      writer.keyword("RETURNING");
      returning.unparse(writer, 0, 0);
    }
  }
}
