package io.github.natsspring.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

import io.nats.client.NKey;
import io.nats.client.support.JsonSerializable;
import io.nats.client.support.JwtUtils;

/**
 * Decentralized authentication for tests, without nsc: an operator, one account and one user, signed with fresh
 * NKeys. Gives the server configuration block (operator JWT, memory resolver preloaded with the account) and a
 * user {@code .creds} file.
 */
public final class OperatorMode {

	private final String serverConfig;

	private final String accountPublicKey;

	private final NKey accountKey;

	private OperatorMode(String serverConfig, String accountPublicKey, NKey accountKey) {
		this.serverConfig = serverConfig;
		this.accountPublicKey = accountPublicKey;
		this.accountKey = accountKey;
	}

	public static OperatorMode create() {
		try {
			NKey operator = NKey.createOperator(null);
			NKey account = NKey.createAccount(null);
			String operatorPub = new String(operator.getPublicKey());
			String accountPub = new String(account.getPublicKey());
			String operatorJwt = JwtUtils.issueJWT(operator, operatorPub, "test-operator", null,
					JwtUtils.currentTimeSeconds(), operatorPub, claim("{\"type\":\"operator\",\"version\":2}"));
			String accountJwt = JwtUtils.issueJWT(operator, accountPub, "test-account", null,
					JwtUtils.currentTimeSeconds(), operatorPub,
					claim("{\"type\":\"account\",\"version\":2,\"limits\":{\"subs\":-1,\"data\":-1,\"payload\":-1,"
							+ "\"imports\":-1,\"exports\":-1,\"wildcards\":true,\"conn\":-1,\"leaf\":-1,"
							+ "\"mem_storage\":-1,\"disk_storage\":-1,\"streams\":-1,\"consumer\":-1}}"));
			String config = "operator: \"" + operatorJwt + "\"\nresolver: MEMORY\nresolver_preload: {\n  " + accountPub
					+ ": \"" + accountJwt + "\"\n}\n";
			return new OperatorMode(config, accountPub, account);
		}
		catch (GeneralSecurityException | IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static JsonSerializable claim(String json) {
		return () -> json;
	}

	/**
	 * The block to add to the server configuration.
	 * @return operator, resolver and preload settings
	 */
	public String serverConfig() {
		return this.serverConfig;
	}

	/**
	 * Writes a {@code .creds} file for a new user of the account.
	 * @param file where to write
	 * @return the file
	 */
	public Path writeUserCredentials(Path file) {
		try {
			NKey user = NKey.createUser(null);
			String jwt = JwtUtils.issueUserJWT(this.accountKey, this.accountPublicKey, new String(user.getPublicKey()),
					"test-user");
			String creds = String.format(JwtUtils.NATS_USER_JWT_FORMAT, jwt, new String(user.getSeed()));
			Files.writeString(file, creds, StandardCharsets.UTF_8);
			return file;
		}
		catch (GeneralSecurityException | IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
