package dev.ordo.proxy.server;

/**
 * What every client connection of a node shares.
 *
 * @param nodeId the node's id, in messages
 * @param database the database name clients must ask for
 * @param user the user clients must give, or null for none
 * @param password the password clients must give with {@code user}
 * @param serverVersion the version reported to drivers
 * @param backend the replicas' engine, reported to drivers
 */
public record ServerSettings(String nodeId, String database, String user, String password, String serverVersion,
    String backend) {}
