package io.github.natsspring.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * A JFR recording around the rounds of one side of a pair, summarised as the top frames of CPU samples
 * ({@code jdk.ExecutionSample}), the threads they ran on, and the top allocation sites
 * ({@code jdk.ObjectAllocationSample}, weighted by the bytes each sample stands for).
 */
final class Profiler {

	private static final int TOP = 12;

	private final Recording recording;

	private final Path file;

	private Profiler(Recording recording, Path file) {
		this.recording = recording;
		this.file = file;
	}

	static Profiler start(Path file) throws IOException, ParseException {
		Files.createDirectories(file.getParent());
		Recording recording = new Recording(Configuration.getConfiguration("profile"));
		recording.enable("jdk.ExecutionSample").withPeriod(java.time.Duration.ofMillis(2));
		recording.enable("jdk.ObjectAllocationSample").with("throttle", "2000/s");
		recording.setToDisk(true);
		recording.start();
		return new Profiler(recording, file);
	}

	/**
	 * Stops recording and summarises it.
	 * @param operations the operations done while recording
	 * @return the summary as Markdown
	 * @throws IOException if the recording cannot be written or read
	 */
	String stop(long operations) throws IOException {
		this.recording.stop();
		this.recording.dump(this.file);
		this.recording.close();
		Map<String, Long> topFrames = new HashMap<>();
		Map<String, Long> threads = new HashMap<>();
		Map<String, Long> allocations = new HashMap<>();
		long samples = 0;
		long allocated = 0;
		for (RecordedEvent event : RecordingFile.readAllEvents(this.file)) {
			String type = event.getEventType().getName();
			if (type.equals("jdk.ExecutionSample")) {
				samples++;
				topFrames.merge(frame(event.getStackTrace(), 0), 1L, Long::sum);
				threads.merge(threadGroup(event.getThread("sampledThread")), 1L, Long::sum);
			}
			else if (type.equals("jdk.ObjectAllocationSample")) {
				long weight = event.getLong("weight");
				allocated += weight;
				String site = event.getClass("objectClass").getName() + " ← " + allocationSite(event.getStackTrace());
				allocations.merge(site, weight, Long::sum);
			}
		}
		long sampleCount = samples;
		StringBuilder out = new StringBuilder();
		out.append(String.format(Locale.ROOT, "CPU samples: %d; allocation (sampled estimate): %.0f B/op%n%n", samples,
				(double) allocated / Math.max(1, operations)));
		out.append("| threads | % of CPU samples |\n|---|---:|\n");
		top(threads, TOP).forEach((name, count) -> out.append(row(name, percent(count, sampleCount))));
		out.append("\n| top frame (CPU) | % |\n|---|---:|\n");
		top(topFrames, TOP).forEach((name, count) -> out.append(row(name, percent(count, sampleCount))));
		out.append("\n| allocation (class ← site) | B/op |\n|---|---:|\n");
		top(allocations, TOP).forEach((name, weight) -> out.append(
				row(name, String.format(Locale.ROOT, "%.1f", (double) weight / Math.max(1, operations)))));
		return out.toString();
	}

	private static String row(String name, String value) {
		return "| `" + name.replace("|", "\\|") + "` | " + value + " |\n";
	}

	private static String percent(long count, long total) {
		return String.format(Locale.ROOT, "%.1f", 100.0 * count / Math.max(1, total));
	}

	private static Map<String, Long> top(Map<String, Long> counts, int limit) {
		return counts.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Long>comparingByValue().reversed())
			.limit(limit)
			.collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
	}

	private static String frame(RecordedStackTrace stack, int index) {
		if (stack == null || stack.getFrames().size() <= index) {
			return "?";
		}
		return describe(stack.getFrames().get(index));
	}

	private static String describe(RecordedFrame frame) {
		String type = frame.getMethod().getType().getName();
		return type.substring(type.lastIndexOf('.') + 1) + "." + frame.getMethod().getName();
	}

	/**
	 * The first frame outside the JDK's collections, strings and reflection: where the allocation was asked for.
	 */
	private static String allocationSite(RecordedStackTrace stack) {
		if (stack == null) {
			return "?";
		}
		List<RecordedFrame> frames = stack.getFrames();
		for (RecordedFrame frame : frames) {
			String type = frame.getMethod().getType().getName();
			if (!type.startsWith("java.") && !type.startsWith("jdk.") && !type.startsWith("sun.")) {
				return describe(frame);
			}
		}
		return frames.isEmpty() ? "?" : describe(frames.get(0));
	}

	private static String threadGroup(jdk.jfr.consumer.RecordedThread thread) {
		if (thread == null) {
			return "?";
		}
		String name = (thread.getJavaName() != null) ? thread.getJavaName() : thread.getOSName();
		return name.replaceAll("[-_ ]?\\d+$", "").replaceAll("\\d+", "N");
	}


}
