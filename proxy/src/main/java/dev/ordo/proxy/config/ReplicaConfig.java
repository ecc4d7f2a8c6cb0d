package dev.ordo.proxy.config;

import java.util.Objects;

/**
 * One replica database of a node.
 *
 * @param name a short name used in logs and status ({@code r1}, ...)
 * @param jdbcUrl the backend JDBC URL ({@code jdbc:h2:...})
 * @param user backend user
 * @param password backend password
 */
public record ReplicaConfig(String name, String jdbcUrl, String user, String password) {
  public ReplicaConfig {
    Objects.requireNonNull(name, "replica name");
    Objects.requireNonNull(jdbcUrl, "replica jdbcUrl");
    if (!jdbcUrl.startsWith("jdbc:h2:")) {
      throw new IllegalArgumentException("replica " + name + ": jdbcUrl '" + jdbcUrl
          + "' is not an H2 URL; this Ordo supports H2 replicas (jdbc:h2:...)");
    }
    user = user == null ? "sa" : user;
    password = password == null ? "" : password;
  }

  @Override
  public String toString() {
    return name + "=" + jdbcUrl + " (user " + user + ")";
  }
}
