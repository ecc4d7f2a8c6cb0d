package dev.ordo.proxy.config;

import java.util.Objects;

/**
 * One replica database of a node.
 *
 * @param name a short name used in logs and status ({@code r1}, ...)
 * @param jdbcUrl the backend JDBC URL ({@code jdbc:h2:...} or {@code jdbc:postgresql://...})
 * @param user backend user
 * @param password backend password
 */
public record ReplicaConfig(String name, String jdbcUrl, String user, String password) {
  public ReplicaConfig {
    Objects.requireNonNull(name, "replica name");
    Objects.requireNonNull(jdbcUrl, "replica jdbcUrl");
    Backend backend;
    try {
      backend = Backend.of(jdbcUrl);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("replica " + name + ": " + e.getMessage(), e);
    }
    user = user == null ? (backend == Backend.H2 ? "sa" : "postgres") : user;
    password = password == null ? "" : password;
  }

  /** The engine of this replica. */
  public Backend backend() {
    return Backend.of(jdbcUrl);
  }

  @Override
  public String toString() {
    return name + "=" + jdbcUrl + " (user " + user + ")";
  }
}
