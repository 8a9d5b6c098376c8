package io.github.natsspring.jetstream.reconcile;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;

import io.github.natsspring.jetstream.reconcile.ChangeRule.Verdict;
import io.github.natsspring.jetstream.reconcile.ManagedResource.StreamResource;

/**
 * One reconciliation against one server: {@link #plan plans} a resource by reading it and comparing every declared
 * setting, {@link #describe describes} a plan without writing, and {@link #apply applies} it as the mode allows,
 * reading the resource back after every write to catch settings the server did not keep.
 */
final class ReconcileRun {

	/** JetStream API error: consumer config replica count exceeds parent stream. */
	private static final int CONSUMER_REPLICAS_EXCEED_STREAM = 10126;

	private final Function<String, JetStreamManagement> management;

	private final ConnectedServer server;

	private final ReconcileMode mode;

	private final Set<String> declaredStreams;

	private final boolean failOnConflict;

	private final LeaderWait leaderWait;

	/** Streams whose replicas this run changed: their consumers may briefly still see the old count. */
	private final Set<String> rescaledStreams = new LinkedHashSet<>();

	/** A run against one JetStream, for every resource whatever domain it names, that never waits for a leader. */
	ReconcileRun(JetStreamManagement jsm, ConnectedServer server, ReconcileMode mode, Set<String> declaredStreams,
			boolean failOnConflict) {
		this((domain) -> jsm, server, mode, declaredStreams, failOnConflict, Duration.ZERO);
	}

	/**
	 * Creates a run.
	 * @param management the JetStream management API of the connection for a resource's domain ({@code null}: the
	 * application's)
	 * @param server the connected server
	 * @param mode what may be written
	 * @param declaredStreams names of all declared streams; their subjects may move between them in one run
	 * @param failOnConflict whether a resource in conflict is left untouched, even where it is found only after a
	 * create lost a race
	 * @param leaderTimeout how long the run waits in all for a JetStream that cannot answer yet (no leader, cluster
	 * not current)
	 */
	ReconcileRun(Function<String, JetStreamManagement> management, ConnectedServer server, ReconcileMode mode,
			Set<String> declaredStreams, boolean failOnConflict, Duration leaderTimeout) {
		this.leaderWait = new LeaderWait(leaderTimeout);
		this.management = management;
		this.server = server;
		this.mode = mode;
		this.declaredStreams = declaredStreams;
		this.failOnConflict = failOnConflict;
	}

	ConnectedServer server() {
		return this.server;
	}

	/** The management API of the JetStream the resource lives in. */
	private JetStreamManagement jsm(ManagedResource<?, ?, ?> resource) {
		return this.management.apply(resource.domain());
	}

	/**
	 * Plans every resource, in order.
	 */
	List<Plan<?, ?, ?>> planAll(List<ManagedResource<?, ?, ?>> resources) throws IOException {
		List<Plan<?, ?, ?>> plans = new ArrayList<>(resources.size());
		for (ManagedResource<?, ?, ?> resource : resources) {
			plans.add(plan(resource));
		}
		return plans;
	}

	<D, C, B> Plan<D, C, B> plan(ManagedResource<D, C, B> resource) throws IOException {
		try {
			C actual = this.leaderWait.call(describe(resource), () -> resource.read(jsm(resource)));
			C compared = (actual != null)
					? this.leaderWait.call(describe(resource), () -> resource.comparable(jsm(resource), actual))
					: resource.build(resource.newBuilder());
			List<Difference> differences = compare(resource, compared, actual != null);
			if (resource instanceof StreamResource stream) {
				differences = checkSubjectsFree(stream, actual == null, differences);
			}
			return new Plan<>(resource, actual, differences, null);
		}
		catch (JetStreamApiException ex) {
			return new Plan<>(resource, null, List.of(), refusal(ex));
		}
	}

	/**
	 * What a plan would do, without writing: the report for {@code validate} mode and for conflicts found before
	 * anything is written.
	 */
	ResourceReport describe(Plan<?, ?, ?> plan) {
		return describe(plan, leftAsIsInThisMode());
	}

	/**
	 * Describes a plan whose editable differences are held back, without writing.
	 * @param leftAsIs why they are not changed (in a mode that would change them)
	 */
	ResourceReport describeHeld(Plan<?, ?, ?> plan, String leftAsIs) {
		return describe(plan, this.mode.mayUpdate() ? Objects.requireNonNull(leftAsIs) : leftAsIsInThisMode());
	}

	/**
	 * @param leftAsIs why editable differences are not changed, {@code null} when the mode would change them
	 */
	private ResourceReport describe(Plan<?, ?, ?> plan, String leftAsIs) {
		if (plan.failure() != null) {
			return report(plan, ResourceStatus.FAILED, List.of(), plan.failure());
		}
		List<Difference> conflicts = plan.conflicts();
		if (!plan.exists()) {
			return report(plan, conflicts.isEmpty() ? ResourceStatus.MISSING : ResourceStatus.CONFLICT, conflicts,
					null);
		}
		if (plan.differences().isEmpty()) {
			return report(plan, ResourceStatus.UNCHANGED, List.of(), null);
		}
		List<Difference> differences = plan.differences()
			.stream()
			.map((d) -> (d.type() == Difference.Type.EDITABLE && leftAsIs != null) ? d.withReason(leftAsIs) : d)
			.toList();
		return report(plan, conflicts.isEmpty() ? ResourceStatus.DRIFT : ResourceStatus.CONFLICT, differences, null);
	}

	private String leftAsIsInThisMode() {
		return this.mode.mayUpdate() ? null
				: "left as is in " + this.mode.name().toLowerCase().replace('_', '-') + " mode";
	}

	/**
	 * Applies a plan as the mode allows: creates a missing resource, changes the editable settings of an existing
	 * one.
	 */
	<D, C, B> ResourceReport apply(Plan<D, C, B> plan) throws IOException {
		return apply(plan, leftAsIsInThisMode());
	}

	/**
	 * Creates a missing resource (as the mode allows) but changes nothing that exists.
	 * @param leftAsIs why an existing resource's editable differences are not changed
	 */
	<D, C, B> ResourceReport createIfMissing(Plan<D, C, B> plan, String leftAsIs) throws IOException {
		return apply(plan, this.mode.mayUpdate() ? Objects.requireNonNull(leftAsIs) : leftAsIsInThisMode());
	}

	private <D, C, B> ResourceReport apply(Plan<D, C, B> plan, String leftAsIs) throws IOException {
		if (plan.failure() != null) {
			return describe(plan, leftAsIs);
		}
		if (!plan.exists()) {
			return this.mode.mayCreate() ? create(plan, true, leftAsIs) : describe(plan, leftAsIs);
		}
		if (plan.differences().isEmpty() || leftAsIs != null || plan.editable().isEmpty()) {
			return describe(plan, leftAsIs);
		}
		return update(plan);
	}

	private <D, C, B> ResourceReport create(Plan<D, C, B> plan, boolean mayRetry, String leftAsIs)
			throws IOException {
		ManagedResource<D, C, B> resource = plan.resource();
		Set<String> conflicting = properties(plan.conflicts());
		B builder = resource.newBuilder();
		for (FieldSpec<D, C, B> field : resource.fields()) {
			if (field.declared(resource.declaration()) != null && !conflicting.contains(field.property())) {
				field.write(builder, resource.declaration());
			}
		}
		try {
			C configuration = resource.build(builder);
			this.leaderWait.call(describe(resource), () -> {
				resource.create(jsm(resource), configuration);
				return null;
			}, (code) -> rescaling(resource, code));
		}
		catch (JetStreamApiException ex) {
			if (ex.getApiErrorCode() == resource.alreadyExistsCode() && mayRetry) {
				// another instance created it in the meantime, differently: reconcile what is there now
				Plan<D, C, B> again = plan(resource);
				if (this.failOnConflict && again.isProblem()) {
					// fail-on-conflict: a resource in conflict is not written to at all
					return describe(again, leftAsIs);
				}
				return again.exists() ? apply(again, leftAsIs) : create(again, false, leftAsIs);
			}
			return report(plan, ResourceStatus.FAILED, plan.conflicts(), refusal(ex));
		}
		return verify(plan, ResourceStatus.CREATED, List.of());
	}

	private <D, C, B> ResourceReport update(Plan<D, C, B> plan) throws IOException {
		ManagedResource<D, C, B> resource = plan.resource();
		List<Difference> editable = plan.editable();
		Set<String> changing = properties(editable);
		B builder = resource.builderFrom(plan.actual());
		for (FieldSpec<D, C, B> field : resource.fields()) {
			if (changing.contains(field.property())) {
				field.writeUpdate(builder, resource.declaration(), plan.actual());
			}
		}
		try {
			C configuration = resource.build(builder);
			this.leaderWait.call(describe(resource), () -> {
				resource.update(jsm(resource), configuration);
				return null;
			}, (code) -> rescaling(resource, code));
			if (resource instanceof StreamResource && changing.contains("replicas")) {
				this.rescaledStreams.add(resource.name());
			}
		}
		catch (JetStreamApiException ex) {
			return report(plan, ResourceStatus.FAILED, plan.differences(), refusal(ex));
		}
		return verify(plan, ResourceStatus.UPDATED, editable);
	}

	/**
	 * Reads the resource back: a declared setting the server did not keep (servers before 2.12 drop fields they do
	 * not know without an error) becomes a warning instead of being hidden.
	 */
	private <D, C, B> ResourceReport verify(Plan<D, C, B> plan, ResourceStatus status, List<Difference> applied)
			throws IOException {
		ManagedResource<D, C, B> resource = plan.resource();
		List<Difference> conflicts = plan.conflicts();
		Set<String> conflicting = properties(conflicts);
		List<Difference> notKept = new ArrayList<>();
		try {
			C after = this.leaderWait.call(describe(resource), () -> resource.read(jsm(resource)));
			if (after == null) {
				return report(plan, ResourceStatus.FAILED, conflicts,
						"the server does not have it right after it was written");
			}
			for (Difference difference : compare(resource,
					this.leaderWait.call(describe(resource), () -> resource.comparable(jsm(resource), after)), true)) {
				if (!conflicting.contains(difference.property())) {
					notKept.add(new Difference(difference.property(), difference.declared(), difference.actual(),
							Difference.Type.NOT_KEPT, notKeptReason()));
				}
			}
		}
		catch (JetStreamApiException ex) {
			return report(plan, ResourceStatus.FAILED, conflicts, refusal(ex));
		}
		Set<String> dropped = properties(notKept);
		List<Difference> differences = new ArrayList<>();
		applied.stream()
			.filter((d) -> !dropped.contains(d.property()))
			.forEach((d) -> differences.add(d.withReason(changed(resource, d.property()))));
		differences.addAll(notKept);
		differences.addAll(conflicts);
		ResourceStatus outcome = !conflicts.isEmpty() ? ResourceStatus.CONFLICT
				: !notKept.isEmpty() ? ResourceStatus.WARNING : status;
		return report(plan, outcome, differences, null);
	}

	/**
	 * "changed", and why, when the code that declared the setting said so (a listener's max-deliver, for example).
	 */
	private static String changed(ManagedResource<?, ?, ?> resource, String property) {
		String reason = resource.reason(property);
		return (reason != null) ? "changed: " + reason : "changed";
	}

	private String notKeptReason() {
		return this.server.isAtLeast("2.12.0") ? "the server did not keep the declared value"
				: "the server did not keep the declared value; " + this.server
						+ " silently drops settings it does not know";
	}

	private <D, C, B> List<Difference> compare(ManagedResource<D, C, B> resource, C configuration, boolean exists) {
		List<Difference> differences = new ArrayList<>();
		for (FieldSpec<D, C, B> field : resource.fields()) {
			Object declared = field.declared(resource.declaration());
			if (declared == null) {
				continue;
			}
			Object actual = field.actual(configuration, declared);
			if (field.same(declared, actual)) {
				continue;
			}
			Verdict verdict = classify(field, declared, actual, exists);
			differences.add(new Difference(field.property(), field.format(declared),
					exists ? field.format(actual) : Values.NOT_SET, verdict.type(), verdict.reason()));
		}
		return differences;
	}

	private Verdict classify(FieldSpec<?, ?, ?> field, Object declared, Object actual, boolean exists) {
		String required = field.requiredVersion(declared);
		if (required != null && !this.server.isAtLeast(required)) {
			return Verdict.requiresNewerServer("needs nats-server " + required + " or newer (connected: "
					+ this.server.version() + ")");
		}
		return exists ? field.rule().check(declared, actual, this.server) : Verdict.EDITABLE;
	}

	/**
	 * NATS refuses a stream whose subjects overlap another stream's: find that before writing anything.
	 */
	private List<Difference> checkSubjectsFree(StreamResource stream, boolean creating, List<Difference> differences)
			throws IOException, JetStreamApiException {
		List<String> subjects = stream.declaration().subjects();
		boolean subjectsChange = differences.stream().anyMatch((d) -> d.property().equals("subjects"));
		if (subjects == null || subjects.isEmpty() || !(creating || subjectsChange)) {
			return differences;
		}
		Set<String> taken = new LinkedHashSet<>();
		for (String subject : subjects) {
			for (String other : this.leaderWait.call(describe(stream), () -> jsm(stream).getStreamNames(subject))) {
				if (!other.equals(stream.name()) && !this.declaredStreams.contains(other)) {
					taken.add("'" + subject + "' is captured by stream " + other);
				}
			}
		}
		if (taken.isEmpty()) {
			return differences;
		}
		List<Difference> result = new ArrayList<>(differences.stream()
			.filter((d) -> !d.property().equals("subjects"))
			.toList());
		result.add(new Difference("subjects", Values.format(subjects),
				differences.stream()
					.filter((d) -> d.property().equals("subjects"))
					.map(Difference::actual)
					.findFirst()
					.orElse(creating ? Values.NOT_SET : Values.format(subjects)),
				Difference.Type.TAKEN, String.join("; ", taken) + " (NATS refuses streams with overlapping subjects)"));
		return result;
	}

	/**
	 * "Consumer replicas exceed the stream's" right after this run scaled the stream up: the new count is not
	 * everywhere yet.
	 */
	private boolean rescaling(ManagedResource<?, ?, ?> resource, int code) {
		return code == CONSUMER_REPLICAS_EXCEED_STREAM && resource.kind() == ResourceKind.CONSUMER
				&& this.rescaledStreams.contains(resource.stream());
	}

	private static String describe(ManagedResource<?, ?, ?> resource) {
		return resource.kind() + " " + ((resource.stream() != null) ? resource.stream() + "/" : "") + resource.name();
	}

	private static String refusal(JetStreamApiException ex) {
		return "the server refused: " + ex.getErrorDescription() + " (error " + ex.getApiErrorCode() + ")";
	}

	private static Set<String> properties(List<Difference> differences) {
		return differences.stream().map(Difference::property).collect(Collectors.toSet());
	}

	private static ResourceReport report(Plan<?, ?, ?> plan, ResourceStatus status, List<Difference> differences,
			String message) {
		ManagedResource<?, ?, ?> resource = plan.resource();
		return new ResourceReport(resource.kind(), resource.name(), resource.stream(), resource.origin().toString(),
				status, differences, message);
	}

	/**
	 * A resource as found on the server, and how it differs from its declaration.
	 *
	 * @param resource the resource
	 * @param actual the server's configuration, {@code null} when missing
	 * @param differences every declared setting that differs, classified
	 * @param failure why it could not be read, {@code null} when it could
	 */
	record Plan<D, C, B>(ManagedResource<D, C, B> resource, C actual, List<Difference> differences, String failure) {

		boolean exists() {
			return this.actual != null;
		}

		List<Difference> conflicts() {
			return this.differences.stream().filter((d) -> d.type().isConflict()).toList();
		}

		List<Difference> editable() {
			return this.differences.stream().filter((d) -> d.type() == Difference.Type.EDITABLE).toList();
		}

		boolean isProblem() {
			return this.failure != null || !conflicts().isEmpty();
		}

	}

}
