package dev.ordo.proxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code ordo serve} refuses to start open to the network, or with a password nobody is asked for. */
class ServeCredentialsTest {
  private static String refusal(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new OrdoCommand());
    cl.setErr(new PrintWriter(err));
    assertEquals(2, cl.execute(args), err.toString());
    return err.toString();
  }

  @Test
  void aBindBeyondLoopbackWithoutCredentialsIsRefused() {
    String err = refusal("serve", "--bind", "0.0.0.0");
    assertTrue(err.contains("refusing to listen on 0.0.0.0 without authentication"), err);
  }

  @Test
  void aPasswordWithoutAUserIsRefused() {
    String err = refusal("serve", "--password", "secret");
    assertTrue(err.contains("a password is set (--password) but no --user"), err);
  }

  @Test
  void aUserWithoutAPasswordIsRefused() {
    String err = refusal("serve", "--user", "app");
    assertTrue(err.contains("--user app has no password"), err);
  }

  @Test
  void theLogPeerListensOnLoopbackUnlessTold() {
    OrdoCommand.Serve open = new OrdoCommand.Serve();
    new CommandLine(open).parseArgs("--bind", "0.0.0.0", "--user", "app", "--password", "secret");
    assertEquals("127.0.0.1", open.toConfig().log().listenHost(), "clients beyond loopback, the log peer not");
    String err = refusal("serve", "--raft-bind", "0.0.0.0");
    assertTrue(err.contains("would listen on 0.0.0.0 without TLS") && err.contains("ordo certs"), err);
    err = refusal("serve", "--peers", "n1=10.1.2.3:7001,n2=10.1.2.4:7001,n3=10.1.2.5:7001", "--node-id", "n1");
    assertTrue(err.contains("would listen on 10.1.2.3 without TLS"), err);
    err = refusal("serve", "--peer-cert", "n1.pem");
    assertTrue(err.contains("needs all of --peer-cert, --peer-key and --peer-ca"), err);
  }

  @Test
  void certsMakesWhatServeTakes(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path certs = dir.resolve("certs");
    assertEquals(0, new CommandLine(new OrdoCommand()).execute("certs", "--dir", certs.toString(),
        "n1=10.1.2.3,node1.example", "n2=10.1.2.4"));
    for (String f : java.util.List.of("ca.pem", "ca-key.pem", "n1.pem", "n1-key.pem", "n2.pem", "n2-key.pem")) {
      assertTrue(java.nio.file.Files.size(certs.resolve(f)) > 100, f);
    }
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
        java.nio.file.Files.getPosixFilePermissions(certs.resolve("n1-key.pem"))));
    java.security.cert.X509Certificate n1;
    try (var in = java.nio.file.Files.newInputStream(certs.resolve("n1.pem"))) {
      n1 = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
          .generateCertificate(in);
    }
    String names = n1.getSubjectAlternativeNames().toString();
    assertTrue(names.contains("10.1.2.3") && names.contains("node1.example"), names);
    java.security.cert.X509Certificate ca;
    try (var in = java.nio.file.Files.newInputStream(certs.resolve("ca.pem"))) {
      ca = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
          .generateCertificate(in);
    }
    n1.verify(ca.getPublicKey()); // signed by the authority
    // A later peer is signed by the same authority.
    assertEquals(0, new CommandLine(new OrdoCommand()).execute("certs", "--dir", certs.toString(), "n3=10.1.2.5"));
    java.security.cert.X509Certificate n3;
    try (var in = java.nio.file.Files.newInputStream(certs.resolve("n3.pem"))) {
      n3 = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
          .generateCertificate(in);
    }
    n3.verify(ca.getPublicKey());
    OrdoCommand.Serve tls = new OrdoCommand.Serve();
    new CommandLine(tls).parseArgs("--peers", "n1=10.1.2.3:7001,n2=10.1.2.4:7001,n3=10.1.2.5:7001",
        "--node-id", "n1", "--peer-cert", certs.resolve("n1.pem").toString(), "--peer-key",
        certs.resolve("n1-key.pem").toString(), "--peer-ca", certs.resolve("ca.pem").toString());
    assertEquals("10.1.2.3", tls.toConfig().log().listenHost());
    assertEquals(certs.resolve("ca.pem"), tls.toConfig().log().tls().trusted());
  }

  @Test
  void loopbackWithoutCredentialsAndABindWithThemPassTheCheck() {
    OrdoCommand.Serve loopback = new OrdoCommand.Serve();
    new CommandLine(loopback).parseArgs("--bind", "127.0.0.2");
    assertEquals("127.0.0.2", loopback.toConfig().bindHost());
    OrdoCommand.Serve open = new OrdoCommand.Serve();
    new CommandLine(open).parseArgs("--bind", "0.0.0.0", "--user", "app", "--password", "secret");
    assertEquals("app", open.toConfig().user());
  }
}
