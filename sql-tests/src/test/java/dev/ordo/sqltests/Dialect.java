package dev.ordo.sqltests;

import dev.ordo.proxy.config.Backend;
import java.util.Locale;

/** What differs between H2 and PostgreSQL in the tests that run against both. */
public record Dialect(Backend backend) {
  /** An unquoted identifier as the backend stores it: upper case on H2, lower case on PostgreSQL. */
  public String ident(String name) {
    return backend == Backend.H2 ? name.toUpperCase(Locale.ROOT) : name.toLowerCase(Locale.ROOT);
  }

  /** The key of a table in the default schema in {@link Nodes#contents}. */
  public String table(String name) {
    return "\"" + ident("public") + "\".\"" + ident(name) + "\"";
  }

  /** A variable-length binary column type. */
  public String binary(int length) {
    return backend == Backend.H2 ? "VARBINARY(" + length + ")" : "BYTEA";
  }

  /** The product name clients see. */
  public String productName() {
    return backend.productName();
  }
}
