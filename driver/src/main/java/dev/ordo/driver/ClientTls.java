package dev.ordo.driver;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * TLS to a node, as pgjdbc's {@code sslmode} says: {@code disable} (none), {@code require} (encrypted, the node's
 * certificate not checked), {@code verify-ca} (signed by a trusted authority) or {@code verify-full} (that, and
 * it names the host of the URL). {@code ssl=true} alone means {@code verify-full}. Trusted authorities are those
 * of {@code sslrootcert} (a PEM file) or else the JVM's.
 */
final class ClientTls {
  enum Mode { DISABLE, REQUIRE, VERIFY_CA, VERIFY_FULL }

  private final Mode mode;
  private final SSLContext context;

  private ClientTls(Mode mode, SSLContext context) {
    this.mode = mode;
    this.context = context;
  }

  /** The TLS the properties ask for, or null for none. */
  static ClientTls of(Properties props) throws SQLException {
    Mode mode = mode(props);
    if (mode == Mode.DISABLE) {
      return null;
    }
    try {
      TrustManager[] trust;
      if (mode == Mode.REQUIRE) {
        trust = new TrustManager[] {new TrustAll()};
      } else {
        String root = OrdoProperty.SSL_ROOT_CERT.get(props);
        KeyStore store = null;
        if (root != null) {
          store = KeyStore.getInstance(KeyStore.getDefaultType());
          store.load(null, null);
          try (InputStream in = Files.newInputStream(Path.of(root))) {
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
              store.setCertificateEntry("ca" + i++, c);
            }
          }
        }
        TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        f.init(store);
        trust = f.getTrustManagers();
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust, null);
      return new ClientTls(mode, context);
    } catch (IOException | GeneralSecurityException e) {
      throw SqlExceptions.create(SqlState.UNABLE_TO_CONNECT, "cannot set up TLS (sslmode="
          + mode.name().toLowerCase(Locale.ROOT).replace('_', '-') + ", sslrootcert="
          + OrdoProperty.SSL_ROOT_CERT.get(props) + "): " + e.getMessage());
    }
  }

  private static Mode mode(Properties props) throws SQLException {
    String given = OrdoProperty.SSL_MODE.get(props);
    if (given == null) {
      return Boolean.parseBoolean(OrdoProperty.SSL.get(props)) ? Mode.VERIFY_FULL : Mode.DISABLE;
    }
    switch (given.trim().toLowerCase(Locale.ROOT)) {
      case "disable":
        return Mode.DISABLE;
      case "require":
        return Mode.REQUIRE;
      case "verify-ca":
        return Mode.VERIFY_CA;
      case "verify-full":
        return Mode.VERIFY_FULL;
      default:
        throw SqlExceptions.create(SqlState.UNABLE_TO_CONNECT, "sslmode=" + given + " is not one of disable,"
            + " require, verify-ca or verify-full");
    }
  }

  /** Wraps a connected socket and completes the TLS handshake. */
  Socket wrap(Socket plain, String host, int port) throws IOException {
    SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true);
    SSLParameters p = s.getSSLParameters();
    if (mode == Mode.VERIFY_FULL) {
      p.setEndpointIdentificationAlgorithm("HTTPS");
    }
    s.setSSLParameters(p);
    s.startHandshake();
    return s;
  }

  /** {@code require}: encrypted, but any certificate is accepted. */
  private static final class TrustAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
