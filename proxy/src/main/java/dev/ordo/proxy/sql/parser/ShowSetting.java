package dev.ordo.proxy.sql.parser;

import java.util.List;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/** PostgreSQL's {@code SHOW name | ALL | TIME ZONE | TRANSACTION ISOLATION LEVEL}. */
public final class ShowSetting extends SqlCall {
  static final SqlOperator OPERATOR = new SqlSpecialOperator("SHOW", SqlKind.OTHER);

  private final String name;

  ShowSetting(SqlParserPos pos, String name) {
    super(pos);
    this.name = name;
  }

  /** The setting shown, as written. */
  public String name() {
    return name;
  }

  @Override
  public SqlOperator getOperator() {
    return OPERATOR;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return List.of();
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    writer.keyword("SHOW");
    writer.identifier(name, false);
  }
}
