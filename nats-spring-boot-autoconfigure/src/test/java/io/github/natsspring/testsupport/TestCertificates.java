package io.github.natsspring.testsupport;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Generates a throw-away CA with server and client certificates as PEM files, for TLS and mTLS tests.
 */
public final class TestCertificates {

	private static final AtomicLong serial = new AtomicLong(System.currentTimeMillis());

	private final Path directory;

	private TestCertificates(Path directory) {
		this.directory = directory;
	}

	/**
	 * Writes {@code <name>-ca.pem}, {@code <name>-server.pem/-server-key.pem} (for 127.0.0.1 and localhost) and
	 * {@code <name>-client.pem/-client-key.pem} into the directory.
	 * @param directory where to write
	 * @param name file name prefix
	 * @return the certificates
	 */
	public static TestCertificates create(Path directory, String name) {
		try {
			KeyPair caKeys = keyPair();
			X500Name caName = new X500Name("CN=" + name + " test CA");
			X509Certificate ca = sign(caName, caKeys, caName, caKeys, true, null, null);
			KeyPair serverKeys = keyPair();
			X509Certificate server = sign(new X500Name("CN=localhost"), serverKeys, caName, caKeys, false,
					new GeneralNames(new GeneralName[] { new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
							new GeneralName(GeneralName.dNSName, "localhost") }),
					KeyPurposeId.id_kp_serverAuth);
			KeyPair clientKeys = keyPair();
			X509Certificate client = sign(new X500Name("CN=app"), clientKeys, caName, caKeys, false, null,
					KeyPurposeId.id_kp_clientAuth);
			write(directory.resolve(name + "-ca.pem"), ca);
			write(directory.resolve(name + "-server.pem"), server);
			write(directory.resolve(name + "-server-key.pem"), serverKeys.getPrivate());
			write(directory.resolve(name + "-client.pem"), client);
			write(directory.resolve(name + "-client-key.pem"), clientKeys.getPrivate());
			return new TestCertificates(directory.resolve(name));
		}
		catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException ex) {
			throw new IllegalStateException(ex);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static KeyPair keyPair() throws GeneralSecurityException {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
		generator.initialize(256);
		return generator.generateKeyPair();
	}

	private static X509Certificate sign(X500Name subject, KeyPair subjectKeys, X500Name issuer, KeyPair issuerKeys,
			boolean ca, GeneralNames altNames, KeyPurposeId purpose)
			throws IOException, GeneralSecurityException, org.bouncycastle.operator.OperatorCreationException {
		Instant now = Instant.now();
		X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
				BigInteger.valueOf(serial.incrementAndGet()), Date.from(now.minus(1, ChronoUnit.HOURS)),
				Date.from(now.plus(1, ChronoUnit.DAYS)), subject, subjectKeys.getPublic());
		builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
		if (ca) {
			builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
		}
		else {
			builder.addExtension(Extension.keyUsage, true,
					new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment | KeyUsage.keyAgreement));
			builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
		}
		if (altNames != null) {
			builder.addExtension(Extension.subjectAlternativeName, false, altNames);
		}
		ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate());
		return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
	}

	private static void write(Path file, Object object) throws IOException {
		StringWriter text = new StringWriter();
		try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
			writer.writeObject((object instanceof java.security.PrivateKey key)
					? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null) : object);
		}
		Files.writeString(file, text.toString());
	}

	public Path ca() {
		return sibling("-ca.pem");
	}

	public Path serverCertificate() {
		return sibling("-server.pem");
	}

	public Path serverKey() {
		return sibling("-server-key.pem");
	}

	public Path clientCertificate() {
		return sibling("-client.pem");
	}

	public Path clientKey() {
		return sibling("-client-key.pem");
	}

	private Path sibling(String suffix) {
		return this.directory.resolveSibling(this.directory.getFileName() + suffix);
	}

}
