package io.github.natsspring.jetstream.reconcile;

import java.util.List;
import java.util.function.Function;

import io.nats.client.api.Placement;
import io.nats.client.api.StreamConfiguration;

/**
 * The {@code placement} setting that streams and buckets share. Only the declared parts are compared and written:
 * declaring tags leaves the server's cluster as it is, and the other way round. Tags compare as a set.
 */
final class PlacementField {

	private PlacementField() {
	}

	static <D> FieldSpec<D, StreamConfiguration, StreamConfiguration.Builder> of(
			Function<D, PlacementDeclaration> placement) {
		return FieldSpec.<D, StreamConfiguration, StreamConfiguration.Builder>of("placement",
				(d) -> Spec.of(placement.apply(d)), (c) -> Spec.of(c.getPlacement()),
				(b, d) -> b.placement(Spec.of(placement.apply(d)).toPlacement()))
			.compareWithin(PlacementField::declaredParts)
			.updateWith((b, d, c) -> b.placement(Spec.of(placement.apply(d)).over(Spec.of(c.getPlacement()))
				.toPlacement()));
	}

	/** The parts of the server's placement the declaration speaks about. */
	private static Object declaredParts(Object declared, Object actual) {
		Spec wanted = (Spec) declared;
		Spec found = (actual != null) ? (Spec) actual : Spec.NONE;
		return new Spec((wanted.cluster() != null) ? found.cluster() : null,
				(wanted.tags() != null) ? found.tags() : null);
	}

	/**
	 * A placement, normalised: blank cluster and empty tags are not set, tags sorted.
	 */
	record Spec(String cluster, List<String> tags) {

		static final Spec NONE = new Spec(null, null);

		static Spec of(PlacementDeclaration declaration) {
			if (declaration == null) {
				return null;
			}
			Spec spec = normalised(declaration.cluster(), declaration.tags());
			return (spec.cluster() == null && spec.tags() == null) ? null : spec;
		}

		static Spec of(Placement placement) {
			return (placement != null) ? normalised(placement.getCluster(), placement.getTags()) : NONE;
		}

		private static Spec normalised(String cluster, List<String> tags) {
			List<String> sorted = (tags != null && !tags.isEmpty())
					? tags.stream().map(String::trim).filter((tag) -> !tag.isEmpty()).sorted().distinct().toList()
					: null;
			return new Spec(Values.text(cluster), (sorted != null && !sorted.isEmpty()) ? sorted : null);
		}

		/** This placement, with what it leaves undeclared taken from the server's. */
		Spec over(Spec actual) {
			return new Spec((this.cluster != null) ? this.cluster : actual.cluster(),
					(this.tags != null) ? this.tags : actual.tags());
		}

		Placement toPlacement() {
			return Placement.builder().cluster(this.cluster).tags(this.tags).build();
		}

		@Override
		public String toString() {
			if (this.cluster == null && this.tags == null) {
				return Values.NOT_SET;
			}
			return ((this.cluster != null) ? "cluster " + this.cluster : "")
					+ ((this.cluster != null && this.tags != null) ? ", " : "")
					+ ((this.tags != null) ? "tags " + this.tags : "");
		}

	}

}
