package dev.ordo.proxy.cli;

import dev.ordo.proxy.OrdoNode;
import dev.ordo.proxy.config.CheckpointSettings;
import dev.ordo.proxy.config.ClientSecurity;
import dev.ordo.proxy.config.NodeConfig;
import dev.ordo.proxy.config.ReplicaConfig;
import dev.ordo.sequencer.SequencerConfig;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The {@code ordo} command line. */
@Command(name = "ordo", mixinStandardHelpOptions = true, version = "Ordo " + OrdoNode.VERSION,
    description = "Strictly serializable SQL over ordinary database replicas.",
    subcommands = {OrdoCommand.Serve.class, OrdoCommand.Certs.class, OrdoCommand.User.class,
        CommandLine.HelpCommand.class})
public final class OrdoCommand implements Runnable {

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  public static void main(String[] args) {
    CommandLine cl = new CommandLine(new OrdoCommand());
    File config = configFile(args);
    if (config != null) {
      cl.getSubcommands().get("serve").setDefaultValueProvider(new CommandLine.PropertiesDefaultProvider(config));
    }
    int code = cl.execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  private static File configFile(String[] args) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        return new File(args[i + 1]);
      }
      if (args[i].startsWith("--config=")) {
        return new File(args[i].substring("--config=".length()));
      }
    }
    return null;
  }

  /** {@code ordo serve}: runs one node until interrupted. */
  @Command(name = "serve", mixinStandardHelpOptions = true,
      description = {"Starts an Ordo node and prints its JDBC URL.",
          "With no options: the embedded default, one node with a single-peer log and three H2 replicas "
              + "under ./ordo-data, listening on 127.0.0.1:" + NodeConfig.DEFAULT_PORT + "."})
  static final class Serve implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE",
        description = "Properties file with any of these options as key=value (key = option name without "
            + "dashes, e.g. port=6736, data-dir=/var/lib/ordo). Command-line options win.")
    File config;

    @Option(names = "--port", defaultValue = "" + NodeConfig.DEFAULT_PORT,
        description = "Client port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--data-dir", defaultValue = "ordo-data", paramLabel = "DIR",
        description = "Directory for the log and the embedded replicas (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Spec
    CommandSpec spec;

    @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
        description = "Address to listen on (default: ${DEFAULT-VALUE}). Beyond loopback the node requires "
            + "--user and --password.")
    String bind;

    @Option(names = "--raft-port", defaultValue = "0",
        description = "Port of this node's log peer (default: client port + 1).")
    int raftPort;

    @Option(names = "--raft-bind", paramLabel = "ADDRESS",
        description = "Address the log peer listens on (default: 127.0.0.1 for a single node; with --peers, "
            + "this node's host in the list). Beyond loopback the peers must have certificates (--peer-cert).")
    String raftBind;

    @Option(names = "--peer-cert", paramLabel = "PEM",
        description = "This node's certificate for mutual TLS between log peers ('ordo certs' makes it); with "
            + "--peer-key and --peer-ca.")
    Path peerCert;

    @Option(names = "--peer-key", paramLabel = "PEM", description = "This node's private key (PKCS#8 PEM).")
    Path peerKey;

    @Option(names = "--peer-ca", paramLabel = "PEM",
        description = "The certificate authority whose peers this node accepts (ca.pem of 'ordo certs').")
    Path peerCa;

    @Option(names = "--node-id", defaultValue = "n1", description = "This node's id (default: ${DEFAULT-VALUE}).")
    String nodeId;

    @Option(names = "--peers", split = ",", paramLabel = "ID=HOST:PORT",
        description = "Every log peer of the cluster, this node included (default: this node alone).")
    List<String> peers;

    @Option(names = "--replicas", defaultValue = "3",
        description = "Number of embedded H2 replicas under the data directory (default: ${DEFAULT-VALUE}).")
    int replicaCount;

    @Option(names = "--replica-url", paramLabel = "JDBC_URL",
        description = "A replica given by JDBC URL, H2 (jdbc:h2:...) or PostgreSQL "
            + "(jdbc:postgresql://host:port/db); repeatable, all of one engine; replaces the embedded replicas.")
    List<String> replicaUrls;

    @Option(names = "--replica-user", paramLabel = "USER",
        description = "User for --replica-url databases (default: sa for H2, postgres for PostgreSQL).")
    String replicaUser;

    @Option(names = "--replica-password", paramLabel = "PASSWORD",
        description = "Password for --replica-url databases (or set ORDO_REPLICA_PASSWORD).")
    String replicaPassword;

    @Option(names = "--database", defaultValue = NodeConfig.DEFAULT_DATABASE,
        description = "Database name in the JDBC URL (default: ${DEFAULT-VALUE}).")
    String database;

    @Option(names = "--user", description = "User name clients must give (default: none required); an "
        + "administrator. More users, with roles, in --users.")
    String user;

    @Option(names = "--users", paramLabel = "FILE",
        description = "Users clients log in as, with their roles (app, admin) and password verifiers "
            + "('ordo user' writes it).")
    Path usersFile;

    @Option(names = "--tls-cert", paramLabel = "PEM",
        description = "The node's certificate for client connections: with --tls-key, clients connect with TLS "
            + "(driver property sslmode).")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "The node's private key for client "
        + "connections (PKCS#8 PEM).")
    Path tlsKey;

    @Option(names = "--replica-hosts", split = ",", paramLabel = "HOST",
        description = "Hosts ORDO ADD REPLICA may copy the database to (default: loopback and the hosts of the "
            + "configured replicas).")
    List<String> replicaHosts;

    @Option(names = "--password", description = "Password clients must give with --user "
        + "(or set ORDO_PASSWORD).")
    String password;

    @Option(names = "--time-zone", defaultValue = "UTC",
        description = "Time zone pinned on every replica connection (default: ${DEFAULT-VALUE}).")
    String timeZone;

    @Option(names = "--write-timeout", defaultValue = "PT60S",
        description = "How long a write waits for its outcome (ISO-8601, default: ${DEFAULT-VALUE}).")
    Duration writeTimeout;

    @Option(names = "--idle-in-transaction-timeout", defaultValue = "PT60S",
        description = "An interactive transaction idle this long is rolled back and its locks released "
            + "(ISO-8601, default: ${DEFAULT-VALUE}).")
    Duration idleInTransactionTimeout;

    @Option(names = "--checkpoint-interval", defaultValue = "PT5S",
        description = "Longest time between checkpoints, where replicas compare digests (ISO-8601, PT0S: off; "
            + "default: ${DEFAULT-VALUE}).")
    Duration checkpointInterval;

    @Option(names = "--checkpoint-entries", defaultValue = "10000",
        description = "Most log indexes between checkpoints (default: ${DEFAULT-VALUE}).")
    long checkpointEntries;

    @Option(names = "--table-hash-interval", defaultValue = "PT5M",
        description = "How often a checkpoint also hashes every table's contents on every replica "
            + "(ISO-8601, PT0S: never; default: ${DEFAULT-VALUE}).")
    Duration tableHashInterval;

    @Option(names = "--early-execution", negatable = true,
        defaultValue = "" + NodeConfig.DEFAULT_EARLY_EXECUTION, fallbackValue = "true",
        description = "On the node leading the log, execute entries once ordered and answer statements of "
            + "interactive transactions before their entries are durable; commits still wait for durability "
            + "(default: ${DEFAULT-VALUE}).")
    boolean earlyExecution;

    @Override
    public Integer call() throws Exception {
      NodeConfig cfg = toConfig();
      OrdoNode node = OrdoNode.start(cfg);
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        node.close();
        stopped.countDown();
      }, "ordo-shutdown"));
      if (node.awaitReady(Duration.ofSeconds(60))) {
        System.out.println("Ordo is ready: " + node.jdbcUrl());
      } else {
        System.out.println("Ordo is listening at " + node.jdbcUrl() + " but not ready yet: " + node.status());
      }
      System.out.flush();
      stopped.await();
      return 0;
    }

    /**
     * A password without a user would leave the node open while its operator believes it is not; a node
     * listening beyond loopback without credentials lets anyone who reaches it run any SQL.
     */
    private void checkCredentials(String pw) {
      if (user == null && pw != null) {
        throw new ParameterException(spec.commandLine(), "a password is set (" + (password != null ? "--password"
            : "ORDO_PASSWORD") + ") but no --user: clients would not be asked for it. Give --user too, or drop"
            + " the password to run without authentication on loopback.");
      }
      if (user != null && (pw == null || pw.isEmpty())) {
        throw new ParameterException(spec.commandLine(), "--user " + user + " has no password: give --password"
            + " (or set ORDO_PASSWORD).");
      }
      if (user == null && usersFile == null && !isLoopback(bind)) {
        throw new ParameterException(spec.commandLine(), "refusing to listen on " + bind + " without "
            + "authentication: anyone who reaches it could run any SQL on the replicas. Give --users (or --user and"
            + " --password, or ORDO_PASSWORD), or bind to 127.0.0.1.");
      }
    }

    private SequencerConfig.PeerTls peerTls() {
      int given = (peerCert != null ? 1 : 0) + (peerKey != null ? 1 : 0) + (peerCa != null ? 1 : 0);
      if (given == 0) {
        return null;
      }
      if (given < 3) {
        throw new ParameterException(spec.commandLine(), "mutual TLS between peers needs all of --peer-cert,"
            + " --peer-key and --peer-ca ('ordo certs' makes them)");
      }
      for (Path f : List.of(peerCert, peerKey, peerCa)) {
        if (!java.nio.file.Files.isReadable(f)) {
          throw new ParameterException(spec.commandLine(), "cannot read " + f.toAbsolutePath());
        }
      }
      return new SequencerConfig.PeerTls(peerCert, peerKey, peerCa);
    }

    private static boolean isLoopback(String host) {
      try {
        return java.net.InetAddress.getByName(host).isLoopbackAddress();
      } catch (java.net.UnknownHostException e) {
        return false;
      }
    }

    NodeConfig toConfig() {
      int rp = raftPort != 0 ? raftPort : port + 1;
      NodeConfig cfg = NodeConfig.embedded(dataDir, bind, port, rp, replicaCount);
      List<ReplicaConfig> replicas = cfg.replicas();
      if (replicaUrls != null && !replicaUrls.isEmpty()) {
        replicas = new ArrayList<>();
        for (int i = 0; i < replicaUrls.size(); i++) {
          String rpw = replicaPassword != null ? replicaPassword : System.getenv("ORDO_REPLICA_PASSWORD");
          replicas.add(new ReplicaConfig("r" + (i + 1), replicaUrls.get(i), replicaUser, rpw));
        }
      }
      SequencerConfig log = cfg.log();
      if (peers != null && !peers.isEmpty()) {
        List<SequencerConfig.Peer> ps = peers.stream().map(SequencerConfig.Peer::parse).toList();
        log = new SequencerConfig(nodeId, ps, log.groupName(), log.storageDir(), log.maxBatchPayloads(),
            log.maxBatchBytes(), log.maxInFlight(), log.requestTimeout(), raftBind, null);
      } else {
        log = SequencerConfig.single(nodeId, raftBind != null ? raftBind : "127.0.0.1", rp, log.storageDir());
      }
      log = log.withTls(peerTls());
      try {
        log.requireLoopbackOrTls();
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
      String pw = password != null ? password : System.getenv("ORDO_PASSWORD");
      checkCredentials(pw);
      ClientSecurity security;
      try {
        if (usersFile != null) {
          dev.ordo.proxy.server.Users.load(usersFile);
        }
        security = new ClientSecurity(usersFile, tlsCert, tlsKey, replicaHosts == null ? List.of() : replicaHosts);
      } catch (IllegalArgumentException | java.io.IOException e) {
        throw new ParameterException(spec.commandLine(), e instanceof java.io.IOException
            ? "cannot read the users file " + usersFile + ": " + e : e.getMessage());
      }
      return new NodeConfig(nodeId, database, bind, port, cfg.dataDir(), log, replicas, user,
          user == null ? null : pw, cfg.replicaPoolSize(), timeZone, writeTimeout, cfg.handshakeTimeout(),
          idleInTransactionTimeout, new CheckpointSettings(checkpointInterval, checkpointEntries, tableHashInterval),
          earlyExecution, security);
    }
  }

  /** {@code ordo certs}: a certificate authority and the certificates of a cluster's log peers. */
  @Command(name = "certs", mixinStandardHelpOptions = true,
      description = {"Makes a certificate authority for one cluster and a certificate and key for each log peer, "
          + "for mutual TLS between peers (ordo serve --peer-cert, --peer-key, --peer-ca).",
          "With an existing ca.pem and ca-key.pem in the directory, signs the new peers with them."})
  static final class Certs implements Callable<Integer> {
    @Option(names = "--dir", defaultValue = "ordo-certs", paramLabel = "DIR",
        description = "Where to write ca.pem, ca-key.pem and ID.pem, ID-key.pem per peer (default: "
            + "${DEFAULT-VALUE}; created 0700, keys 0600).")
    Path dir;

    @Option(names = "--days", defaultValue = "825", description = "Validity in days (default: ${DEFAULT-VALUE}).")
    int days;

    @CommandLine.Parameters(paramLabel = "ID=HOST[,HOST...]", arity = "1..*",
        description = "A peer: its node id and every host name or address the other peers reach it by.")
    List<String> peers;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      java.util.Map<String, List<String>> hosts = new java.util.LinkedHashMap<>();
      for (String p : peers) {
        int eq = p.indexOf('=');
        if (eq <= 0 || eq == p.length() - 1) {
          throw new ParameterException(spec.commandLine(), "peer '" + p + "' is not of the form ID=HOST[,HOST...]");
        }
        hosts.put(p.substring(0, eq), List.of(p.substring(eq + 1).split(",")));
      }
      if (days < 1) {
        throw new ParameterException(spec.commandLine(), "--days must be at least 1");
      }
      java.util.Map<String, SequencerConfig.PeerTls> made;
      try {
        made = dev.ordo.sequencer.PeerCertificates.create(dir, hosts, Duration.ofDays(days));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
      System.out.println("Certificate authority: " + dir.resolve(dev.ordo.sequencer.PeerCertificates.CA_CERTIFICATE)
          + " (its key " + dir.resolve(dev.ordo.sequencer.PeerCertificates.CA_KEY)
          + " signs more peers later: keep it off the nodes)");
      for (java.util.Map.Entry<String, SequencerConfig.PeerTls> e : made.entrySet()) {
        SequencerConfig.PeerTls t = e.getValue();
        System.out.println("  " + e.getKey() + ": ordo serve --node-id " + e.getKey() + " --peer-cert "
            + t.certificate() + " --peer-key " + t.privateKey() + " --peer-ca " + t.trusted());
      }
      return 0;
    }
  }

  /** {@code ordo user}: adds a user to a users file, or changes its roles and password. */
  @Command(name = "user", mixinStandardHelpOptions = true,
      description = {"Adds a user to a users file (ordo serve --users), or changes its roles and password. The file "
          + "keeps a SCRAM-SHA-256 verifier, never the password.",
          "The password is read from ORDO_NEW_PASSWORD, or asked for twice on the terminal."})
  static final class User implements Callable<Integer> {
    @Option(names = "--users", required = true, paramLabel = "FILE", description = "The users file (created 0600).")
    Path file;

    @Option(names = "--role", defaultValue = "app", paramLabel = "ROLE",
        description = "app (SQL) or admin (SQL and the ORDO operator commands); default: ${DEFAULT-VALUE}.")
    String role;

    @CommandLine.Parameters(paramLabel = "NAME", description = "The user name.")
    String name;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      java.util.Set<dev.ordo.proxy.server.Users.Role> roles;
      try {
        roles = dev.ordo.proxy.server.Users.roles(role);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
      String pw = System.getenv("ORDO_NEW_PASSWORD");
      if (pw == null) {
        java.io.Console console = System.console();
        if (console == null) {
          throw new ParameterException(spec.commandLine(), "no terminal to ask for the password: set"
              + " ORDO_NEW_PASSWORD");
        }
        char[] first = console.readPassword("Password for %s: ", name);
        char[] again = console.readPassword("Again: ");
        if (first == null || !java.util.Arrays.equals(first, again)) {
          throw new ParameterException(spec.commandLine(), "the two passwords differ");
        }
        pw = new String(first);
      }
      if (pw.length() < 8) {
        throw new ParameterException(spec.commandLine(), "the password is shorter than 8 characters");
      }
      String line = dev.ordo.proxy.server.Users.line(name, roles,
          dev.ordo.driver.wire.Scram.Verifier.of(pw, dev.ordo.driver.wire.Scram.DEFAULT_ITERATIONS));
      List<String> lines = new ArrayList<>();
      boolean replaced = false;
      if (java.nio.file.Files.exists(file)) {
        for (String l : java.nio.file.Files.readAllLines(file)) {
          String s = l.strip();
          if (!s.startsWith("#") && s.contains("=") && s.substring(0, s.indexOf('=')).strip().equals(name)) {
            lines.add(line);
            replaced = true;
          } else {
            lines.add(l);
          }
        }
      } else {
        lines.add("# Ordo users: name = role[,role] SCRAM-SHA-256 verifier (ordo user writes these lines)");
        try {
          java.nio.file.Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
              java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
          java.nio.file.Files.createFile(file);
        }
      }
      if (!replaced) {
        lines.add(line);
      }
      java.nio.file.Files.write(file, lines);
      System.out.println((replaced ? "Changed " : "Added ") + name + " (" + role + ") in " + file);
      return 0;
    }
  }
}
