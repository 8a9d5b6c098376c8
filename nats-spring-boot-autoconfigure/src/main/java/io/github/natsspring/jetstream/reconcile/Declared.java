package io.github.natsspring.jetstream.reconcile;

/**
 * A declaration with its resolved name and where it came from.
 *
 * @param <D> the declaration type
 * @param name the resource name (the explicit {@code name}, else the map key)
 * @param declaration the declaration
 * @param origin where it was declared
 */
public record Declared<D>(String name, D declaration, DeclarationOrigin origin) {

}
