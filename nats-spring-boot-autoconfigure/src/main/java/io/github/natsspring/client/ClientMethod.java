package io.github.natsspring.client;

/**
 * One method of a client interface, ready to be called: its subject, arguments and reply handling are worked out.
 */
interface ClientMethod {

	/**
	 * Sends what the arguments describe.
	 * @param args the arguments of the call (never {@code null})
	 * @return what the method returns
	 */
	Object invoke(Object[] args);

}
