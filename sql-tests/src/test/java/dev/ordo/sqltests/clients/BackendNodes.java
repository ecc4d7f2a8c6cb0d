package dev.ordo.sqltests.clients;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.ordo.proxy.OrdoNode;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/**
 * One running node per backend for the tests of one class, started on first
 * use, each with a small HikariCP pool on its URL; closed with the class.
 */
final class BackendNodes implements AutoCloseable {
  private final Path dir;
  private final Map<Backend, OrdoNode> nodes = new EnumMap<>(Backend.class);
  private final Map<Backend, HikariDataSource> pools = new EnumMap<>(Backend.class);

  BackendNodes(Path dir) {
    this.dir = dir;
  }

  OrdoNode node(Backend backend) throws Exception {
    OrdoNode n = nodes.get(backend);
    if (n == null) {
      n = backend.start(dir.resolve(backend.name().toLowerCase(java.util.Locale.ROOT)));
      nodes.put(backend, n);
    }
    return n;
  }

  /** A pool of up to 8 connections to the backend's node, configured as an application would. */
  HikariDataSource pool(Backend backend) throws Exception {
    HikariDataSource ds = pools.get(backend);
    if (ds == null) {
      HikariConfig hc = new HikariConfig();
      hc.setJdbcUrl(node(backend).jdbcUrl());
      hc.setMaximumPoolSize(8);
      hc.setConnectionTimeout(30_000);
      hc.setPoolName("ordo-" + backend.name().toLowerCase(java.util.Locale.ROOT));
      ds = new HikariDataSource(hc);
      pools.put(backend, ds);
    }
    return ds;
  }

  @Override
  public void close() {
    pools.values().forEach(HikariDataSource::close);
    nodes.values().forEach(OrdoNode::close);
  }
}
