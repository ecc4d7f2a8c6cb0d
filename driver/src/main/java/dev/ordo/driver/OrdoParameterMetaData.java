package dev.ordo.driver;

import java.sql.ParameterMetaData;
import java.sql.SQLException;
import java.sql.Types;

/**
 * Parameter descriptions of a prepared statement. The driver knows only how
 * many {@code ?} markers there are: nothing is prepared on the node, so every
 * parameter is an IN parameter of unknown type ({@link Types#OTHER}) and
 * unknown nullability.
 */
final class OrdoParameterMetaData implements ParameterMetaData {
  private final int count;

  OrdoParameterMetaData(int count) {
    this.count = count;
  }

  private void check(int param) throws SQLException {
    if (param < 1 || param > count) {
      throw SqlExceptions.create(SqlState.INVALID_PARAMETER_VALUE, "The parameter index is out of range: " + param
          + ", number of parameters: " + count + ".");
    }
  }

  @Override
  public int getParameterCount() {
    return count;
  }

  @Override
  public int isNullable(int param) throws SQLException {
    check(param);
    return parameterNullableUnknown;
  }

  @Override
  public boolean isSigned(int param) throws SQLException {
    check(param);
    return false;
  }

  @Override
  public int getPrecision(int param) throws SQLException {
    check(param);
    return 0;
  }

  @Override
  public int getScale(int param) throws SQLException {
    check(param);
    return 0;
  }

  @Override
  public int getParameterType(int param) throws SQLException {
    check(param);
    return Types.OTHER;
  }

  @Override
  public String getParameterTypeName(int param) throws SQLException {
    check(param);
    return "unknown";
  }

  @Override
  public String getParameterClassName(int param) throws SQLException {
    check(param);
    return Object.class.getName();
  }

  @Override
  public int getParameterMode(int param) throws SQLException {
    check(param);
    return parameterModeIn;
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    throw SqlExceptions.create(SqlState.INVALID_PARAMETER_VALUE, "This ParameterMetaData does not wrap a "
        + iface.getName() + ".");
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return iface.isInstance(this);
  }
}
