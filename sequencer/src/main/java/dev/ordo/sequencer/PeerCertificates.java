package dev.ordo.sequencer;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority for one cluster and a certificate for each of its peers, as PEM files: what
 * {@link SequencerConfig.PeerTls} reads. Keys are EC P-256, certificates are signed with SHA-256 and name their
 * peer's hosts as subject alternative names (IP addresses or DNS names), for both server and client use, since
 * every peer is both. The authority's key signs more peers later: keep it offline once the cluster is made.
 */
public final class PeerCertificates {
  /** The authority's certificate, which every peer trusts. */
  public static final String CA_CERTIFICATE = "ca.pem";
  /** The authority's private key. */
  public static final String CA_KEY = "ca-key.pem";

  private static final SecureRandom RANDOM = new SecureRandom();

  private PeerCertificates() {
  }

  /**
   * Writes, into {@code dir} (created private, 0700), the authority (unless {@code ca.pem} and {@code ca-key.pem}
   * are there already, which then sign) and, for each peer, {@code <id>.pem} and {@code <id>-key.pem} (0600).
   *
   * @param peerHosts peer id → the hosts (names or addresses) other peers reach it by
   * @param validity how long the certificates are valid from now
   * @return each peer's TLS settings
   * @throws IOException if a file cannot be read or written, or the existing authority cannot be read
   */
  public static Map<String, SequencerConfig.PeerTls> create(Path dir, Map<String, List<String>> peerHosts,
      Duration validity) throws IOException {
    PrivateDirectories.create(dir);
    Path caCert = dir.resolve(CA_CERTIFICATE);
    Path caKeyFile = dir.resolve(CA_KEY);
    try {
      X509Certificate ca;
      PrivateKey caKey;
      if (Files.exists(caCert) && Files.exists(caKeyFile)) {
        ca = readCertificate(caCert);
        caKey = readKey(caKeyFile);
      } else {
        KeyPair pair = newKeyPair();
        X500Name name = new X500Name("CN=Ordo cluster authority " + Long.toHexString(RANDOM.nextLong()));
        X509v3CertificateBuilder b = builder(name, name, pair, validity);
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        b.addExtension(Extension.subjectKeyIdentifier, false,
            new JcaX509ExtensionUtils().createSubjectKeyIdentifier(pair.getPublic()));
        ca = sign(b, pair.getPrivate());
        caKey = pair.getPrivate();
        writePrivate(caKeyFile, pem("PRIVATE KEY", caKey.getEncoded()));
        Files.writeString(caCert, pem("CERTIFICATE", ca.getEncoded()));
      }
      Map<String, SequencerConfig.PeerTls> out = new LinkedHashMap<>();
      for (Map.Entry<String, List<String>> peer : peerHosts.entrySet()) {
        String id = peer.getKey();
        if (!id.matches("[A-Za-z0-9_.-]+")) {
          throw new IllegalArgumentException("peer id '" + id + "': use letters, digits, '_', '.' and '-' only");
        }
        KeyPair pair = newKeyPair();
        X509v3CertificateBuilder b = builder(X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()),
            new X500Name("CN=" + id), pair, validity);
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
            new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
        b.addExtension(Extension.subjectAlternativeName, false, alternativeNames(id, peer.getValue()));
        JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
        b.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(ca));
        X509Certificate cert = sign(b, caKey);
        Path certFile = dir.resolve(id + ".pem");
        Path keyFile = dir.resolve(id + "-key.pem");
        Files.writeString(certFile, pem("CERTIFICATE", cert.getEncoded()));
        writePrivate(keyFile, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        out.put(id, new SequencerConfig.PeerTls(certFile, keyFile, caCert));
      }
      return out;
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IOException("cannot make certificates in " + dir + ": " + e, e);
    }
  }

  private static GeneralNames alternativeNames(String id, List<String> hosts) {
    List<GeneralName> names = new ArrayList<>();
    for (String host : hosts) {
      String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
      boolean address = h.matches("[0-9.]+") || h.contains(":");
      if (address) {
        try {
          InetAddress.getByName(h); // a literal: no lookup
        } catch (IOException e) {
          throw new IllegalArgumentException("peer " + id + ": '" + host + "' is not an IP address", e);
        }
      }
      names.add(new GeneralName(address ? GeneralName.iPAddress : GeneralName.dNSName, h));
    }
    if (names.isEmpty()) {
      throw new IllegalArgumentException("peer " + id + ": give at least one host it is reached by");
    }
    return new GeneralNames(names.toArray(new GeneralName[0]));
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return g.generateKeyPair();
  }

  private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair pair,
      Duration validity) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(issuer, new BigInteger(127, RANDOM).add(BigInteger.ONE),
        Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(validity)), subject, pair.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key)
      throws OperatorCreationException, GeneralSecurityException, CertIOException {
    return new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private static void writePrivate(Path file, String text) throws IOException {
    Files.deleteIfExists(file);
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException notPosix) {
      Files.createFile(file);
    }
    Files.writeString(file, text);
  }

  private static X509Certificate readCertificate(Path file) throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(file)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  private static PrivateKey readKey(Path file) throws IOException, GeneralSecurityException {
    String text = Files.readString(file);
    String body = text.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
    return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
  }
}
