package dev.ordo.driver.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import org.junit.jupiter.api.Test;

/** SCRAM-SHA-256 between the driver and a node: right passwords pass, nothing else does, and no side is fooled. */
class ScramTest {
  private static String exchange(Scram.Verifier stored, String password) {
    Scram.Client client = new Scram.Client(password);
    Scram.Server server = new Scram.Server(stored, client.first());
    String serverFinal = server.verify(client.finalMessage(server.first()));
    if (serverFinal != null) {
      assertTrue(client.verifyServerFinal(serverFinal), "the client accepts the node's proof");
    }
    return serverFinal;
  }

  @Test
  void theRightPasswordPassesAndOthersDoNot() {
    Scram.Verifier v = Scram.Verifier.of("correct horse", Scram.DEFAULT_ITERATIONS);
    assertNotNull(exchange(v, "correct horse"));
    assertNull(exchange(v, "correct hors"));
    assertNull(exchange(v, ""));
    assertNull(exchange(Scram.decoy("nobody", new byte[32]), "correct horse"), "an unknown user never passes");
  }

  @Test
  void verifiersRoundTripInPostgresqlsFormAndHoldNoPassword() {
    Scram.Verifier v = Scram.Verifier.of("s3cret-ü", 4096);
    String text = v.toString();
    assertTrue(text.matches("SCRAM-SHA-256\\$4096:[A-Za-z0-9+/=]+\\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+"), text);
    assertFalse(text.contains("s3cret"));
    Scram.Verifier back = Scram.Verifier.parse(text);
    assertArrayEquals(v.storedKey(), back.storedKey());
    assertNotNull(exchange(back, "s3cret-ü"));
    assertThrows(IllegalArgumentException.class, () -> Scram.Verifier.parse("md5abc"));
    assertThrows(IllegalArgumentException.class, () -> Scram.Verifier.parse("SCRAM-SHA-256$x:a$b:c"));
  }

  /** RFC 7677's example: the keys of password "pencil" with its salt and 4096 iterations, as PostgreSQL stores them. */
  @Test
  void derivesTheKeysOfTheRfcExample() {
    byte[] salt = Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ==");
    Scram.Verifier v = Scram.Verifier.of("pencil", salt, 4096);
    // ServerSignature of the RFC's exchange, recomputed from the ServerKey derived here.
    String authMessage = "n=user,r=rOprNGfwEbeRWgbNEkqO,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
        + "s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    byte[] signature = hmac(v.serverKey(), authMessage);
    assertEquals("6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=", Base64.getEncoder().encodeToString(signature));
  }

  @Test
  void tamperedOrReplayedMessagesFail() {
    Scram.Verifier v = Scram.Verifier.of("pw", Scram.DEFAULT_ITERATIONS);
    Scram.Client client = new Scram.Client("pw");
    Scram.Server server = new Scram.Server(v, client.first());
    String proof = client.finalMessage(server.first());
    // The same proof against a new exchange (a new server nonce) fails.
    Scram.Client other = new Scram.Client("pw");
    Scram.Server second = new Scram.Server(v, other.first());
    assertNull(second.verify(proof));
    // A flipped proof fails.
    String flipped = proof.substring(0, proof.length() - 3) + (proof.endsWith("A==") ? "B==" : "A==");
    assertNull(server.verify(flipped));
    assertNotNull(server.verify(proof));
    // A server that does not know the verifier cannot satisfy the client.
    assertFalse(client.verifyServerFinal("v=" + Base64.getEncoder().encodeToString(new byte[32])));
    assertThrows(IllegalArgumentException.class, () -> new Scram.Server(v, "p=tls-server-end-point,,n=,r=x"));
    Scram.Client c3 = new Scram.Client("pw");
    assertThrows(IllegalArgumentException.class, () -> c3.finalMessage("r=not-my-nonce,s=AAAA,i=4096"));
  }

  private static byte[] hmac(byte[] key, String message) {
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(message.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.security.GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }
}
