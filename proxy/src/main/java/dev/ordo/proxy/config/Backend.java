package dev.ordo.proxy.config;

import java.util.Locale;

/** The database engine of a node's replicas. All replicas of one node use the same engine. */
public enum Backend {
  H2("H2", "jdbc:h2:"),
  POSTGRESQL("PostgreSQL", "jdbc:postgresql:");

  private final String productName;
  private final String urlPrefix;

  Backend(String productName, String urlPrefix) {
    this.productName = productName;
    this.urlPrefix = urlPrefix;
  }

  /** The product name that clients see in {@code DatabaseMetaData}. */
  public String productName() {
    return productName;
  }

  /** The engine of a replica JDBC URL. */
  public static Backend of(String jdbcUrl) {
    String url = jdbcUrl.toLowerCase(Locale.ROOT);
    for (Backend b : values()) {
      if (url.startsWith(b.urlPrefix)) {
        return b;
      }
    }
    throw new IllegalArgumentException("replica JDBC URL '" + jdbcUrl + "' is neither H2 (jdbc:h2:...) nor "
        + "PostgreSQL (jdbc:postgresql://host:port/database); Ordo replicates to H2 or PostgreSQL databases");
  }

  /** Whether DDL takes part in transactions (PostgreSQL) or commits implicitly (H2). */
  public boolean transactionalDdl() {
    return this == POSTGRESQL;
  }
}
