package dev.ordo.proxy.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How clients prove who they are and what they may do, beyond the one account of {@link NodeConfig#user()}.
 *
 * @param usersFile a file of users, their roles and SCRAM-SHA-256 verifiers ({@code ordo user} writes it), or null
 * @param tlsCertificate the node's certificate chain for client connections (PEM), or null for no TLS
 * @param tlsKey the node's private key for client connections (PKCS#8 PEM), with {@code tlsCertificate}
 * @param replicaHosts the hosts {@code ORDO ADD REPLICA} may copy a database to; empty: the hosts of the node's
 *     configured replicas and loopback
 */
public record ClientSecurity(Path usersFile, Path tlsCertificate, Path tlsKey, List<String> replicaHosts) {
  /** No users file, no TLS, the default replica hosts. */
  public static final ClientSecurity NONE = new ClientSecurity(null, null, null, List.of());

  public ClientSecurity {
    replicaHosts = List.copyOf(Objects.requireNonNull(replicaHosts, "replicaHosts"));
    if ((tlsCertificate == null) != (tlsKey == null)) {
      throw new IllegalArgumentException("client TLS needs both a certificate and a key");
    }
  }

  public boolean tls() {
    return tlsCertificate != null;
  }
}
