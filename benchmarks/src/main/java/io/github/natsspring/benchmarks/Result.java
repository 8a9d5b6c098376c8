package io.github.natsspring.benchmarks;

/**
 * One scenario measured both ways.
 *
 * @param scenario what was measured
 * @param ours the measurement through nats-spring-boot
 * @param raw the same through raw jnats
 * @param unit "ms" (less is better) or "msg/s" (more is better)
 */
record Result(String scenario, double ours, double raw, String unit) {

	/** How fast ours is relative to raw jnats: 1.00 is as fast, 0.50 half as fast. */
	double relativeSpeed() {
		return "ms".equals(this.unit) ? this.raw / this.ours : this.ours / this.raw;
	}

	String format() {
		return String.format("%-52s %14s %14s %10.2f", this.scenario, value(this.ours), value(this.raw),
				relativeSpeed());
	}

	private String value(double value) {
		return "ms".equals(this.unit) ? String.format("%,.0f ms", value) : String.format("%,.0f msg/s", value);
	}

}
