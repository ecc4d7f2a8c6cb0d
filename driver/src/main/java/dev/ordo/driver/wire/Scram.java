package dev.ordo.driver.wire;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * SCRAM-SHA-256 (RFC 5802, RFC 7677), as PostgreSQL uses it: the password never crosses the wire, the node keeps
 * only a verifier from which the password cannot be used to log in elsewhere, and the client checks that the node
 * knows the verifier too. The user name travels in {@link Request.Hello}; the SCRAM messages carry an empty
 * {@code n=}, as PostgreSQL's do. No channel binding ({@code n,,}). Passwords are normalised with Unicode NFKC
 * (a simplification of SASLprep that agrees with it on every printable ASCII password).
 */
public final class Scram {
  public static final String MECHANISM = "SCRAM-SHA-256";
  /** Iterations for new verifiers: PostgreSQL's default. */
  public static final int DEFAULT_ITERATIONS = 4096;
  private static final String GS2_HEADER = "n,,";
  private static final SecureRandom RANDOM = new SecureRandom();

  private Scram() {
  }

  /**
   * What a node keeps of a password, written as PostgreSQL writes it:
   * {@code SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>} (Base64).
   */
  public record Verifier(int iterations, byte[] salt, byte[] storedKey, byte[] serverKey) {
    /** A verifier of {@code password} with a new random salt. */
    public static Verifier of(String password, int iterations) {
      byte[] salt = new byte[16];
      RANDOM.nextBytes(salt);
      return of(password, salt, iterations);
    }

    static Verifier of(String password, byte[] salt, int iterations) {
      byte[] salted = salted(password, salt, iterations);
      byte[] clientKey = hmac(salted, "Client Key");
      return new Verifier(iterations, salt, sha256(clientKey), hmac(salted, "Server Key"));
    }

    /**
     * Reads the form {@link #toString()} writes.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static Verifier parse(String s) {
      String prefix = MECHANISM + "$";
      if (s == null || !s.startsWith(prefix)) {
        throw new IllegalArgumentException("a verifier starts with " + prefix);
      }
      String[] parts = s.substring(prefix.length()).split("\\$");
      String[] head = parts.length == 2 ? parts[0].split(":") : new String[0];
      String[] keys = parts.length == 2 ? parts[1].split(":") : new String[0];
      if (head.length != 2 || keys.length != 2) {
        throw new IllegalArgumentException("a verifier is " + prefix + "<iterations>:<salt>$<StoredKey>:<ServerKey>");
      }
      try {
        int iterations = Integer.parseInt(head[0]);
        if (iterations < 1) {
          throw new IllegalArgumentException("iterations must be positive");
        }
        Base64.Decoder d = Base64.getDecoder();
        return new Verifier(iterations, d.decode(head[1]), d.decode(keys[0]), d.decode(keys[1]));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("iterations '" + head[0] + "' is not a number", e);
      }
    }

    @Override
    public String toString() {
      Base64.Encoder e = Base64.getEncoder();
      return MECHANISM + "$" + iterations + ":" + e.encodeToString(salt) + "$" + e.encodeToString(storedKey) + ":"
          + e.encodeToString(serverKey);
    }
  }

  /** The client's side of one exchange. */
  public static final class Client {
    private final String password;
    private final String nonce = nonce();
    private String authMessage;
    private byte[] saltedPassword;

    public Client(String password) {
      this.password = password == null ? "" : password;
    }

    /** The client-first-message. */
    public String first() {
      return GS2_HEADER + firstBare();
    }

    private String firstBare() {
      return "n=,r=" + nonce;
    }

    /**
     * The client-final-message (with its proof) in answer to the server's first message.
     *
     * @throws IllegalArgumentException if the server's message is malformed or does not extend this nonce
     */
    public String finalMessage(String serverFirst) {
      String serverNonce = attribute(serverFirst, 'r');
      if (!serverNonce.startsWith(nonce) || serverNonce.length() == nonce.length()) {
        throw new IllegalArgumentException("the node's nonce does not extend the driver's");
      }
      byte[] salt = Base64.getDecoder().decode(attribute(serverFirst, 's'));
      int iterations = Integer.parseInt(attribute(serverFirst, 'i'));
      if (iterations < 1 || iterations > 10_000_000) {
        throw new IllegalArgumentException("iteration count " + iterations + " is out of range");
      }
      String withoutProof = "c=" + Base64.getEncoder().encodeToString(GS2_HEADER.getBytes(StandardCharsets.UTF_8))
          + ",r=" + serverNonce;
      authMessage = firstBare() + "," + serverFirst + "," + withoutProof;
      saltedPassword = salted(password, salt, iterations);
      byte[] clientKey = hmac(saltedPassword, "Client Key");
      byte[] signature = hmac(sha256(clientKey), authMessage);
      byte[] proof = xor(clientKey, signature);
      return withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof);
    }

    /** Whether the server's final message proves it holds this password's verifier. */
    public boolean verifyServerFinal(String serverFinal) {
      if (authMessage == null || serverFinal == null) {
        return false;
      }
      try {
        byte[] expected = hmac(hmac(saltedPassword, "Server Key"), authMessage);
        return MessageDigest.isEqual(expected, Base64.getDecoder().decode(attribute(serverFinal, 'v')));
      } catch (IllegalArgumentException e) {
        return false;
      }
    }
  }

  /** The node's side of one exchange. */
  public static final class Server {
    private final Verifier verifier;
    private final String clientFirstBare;
    private final String serverFirst;
    private final String nonce;

    /**
     * Starts an exchange.
     *
     * @param verifier the user's verifier; for an unknown user pass {@link #decoy}, so that the answer does not
     *     tell whether the user exists
     * @throws IllegalArgumentException if the client's first message is malformed
     */
    public Server(Verifier verifier, String clientFirst) {
      this.verifier = verifier;
      if (clientFirst == null || !clientFirst.startsWith(GS2_HEADER)) {
        throw new IllegalArgumentException("the client's first SCRAM message must start with '" + GS2_HEADER
            + "' (no channel binding)");
      }
      clientFirstBare = clientFirst.substring(GS2_HEADER.length());
      String clientNonce = attribute(clientFirstBare, 'r');
      if (clientNonce.isEmpty() || clientNonce.length() > 256) {
        throw new IllegalArgumentException("the client's nonce is empty or too long");
      }
      nonce = clientNonce + nonce();
      serverFirst = "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(verifier.salt()) + ",i="
          + verifier.iterations();
    }

    /** The server-first-message. */
    public String first() {
      return serverFirst;
    }

    /** The server-final-message if the client's proof is right, else null. */
    public String verify(String clientFinal) {
      try {
        int p = clientFinal.lastIndexOf(",p=");
        if (p < 0) {
          return null;
        }
        String withoutProof = clientFinal.substring(0, p);
        if (!attribute(withoutProof, 'r').equals(nonce)) {
          return null;
        }
        byte[] proof = Base64.getDecoder().decode(clientFinal.substring(p + 3));
        String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
        byte[] signature = hmac(verifier.storedKey(), authMessage);
        if (proof.length != signature.length) {
          return null;
        }
        byte[] clientKey = xor(proof, signature);
        if (!MessageDigest.isEqual(sha256(clientKey), verifier.storedKey())) {
          return null;
        }
        return "v=" + Base64.getEncoder().encodeToString(hmac(verifier.serverKey(), authMessage));
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
  }

  /**
   * A verifier for a user that does not exist: its salt is derived from the name and {@code secret} (fixed for
   * the node's life), so asking twice gives the same salt, as for a real user; no password matches it.
   */
  public static Verifier decoy(String user, byte[] secret) {
    byte[] salt = java.util.Arrays.copyOf(hmac(secret, "salt:" + user), 16);
    byte[] noKey = new byte[32];
    RANDOM.nextBytes(noKey);
    return new Verifier(DEFAULT_ITERATIONS, salt, noKey, noKey);
  }

  private static String attribute(String message, char name) {
    for (String part : message.split(",")) {
      if (part.length() >= 2 && part.charAt(0) == name && part.charAt(1) == '=') {
        return part.substring(2);
      }
    }
    throw new IllegalArgumentException("SCRAM message lacks '" + name + "='");
  }

  private static String nonce() {
    byte[] b = new byte[18];
    RANDOM.nextBytes(b);
    return Base64.getEncoder().encodeToString(b);
  }

  private static byte[] salted(String password, byte[] salt, int iterations) {
    try {
      char[] normalized = Normalizer.normalize(password, Normalizer.Form.NFKC).toCharArray();
      PBEKeySpec spec = new PBEKeySpec(normalized, salt, iterations, 256);
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM lacks PBKDF2WithHmacSHA256", e);
    }
  }

  private static byte[] hmac(byte[] key, String message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM lacks HmacSHA256", e);
    }
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM lacks SHA-256", e);
    }
  }

  private static byte[] xor(byte[] a, byte[] b) {
    byte[] out = new byte[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = (byte) (a[i] ^ b[i]);
    }
    return out;
  }
}
