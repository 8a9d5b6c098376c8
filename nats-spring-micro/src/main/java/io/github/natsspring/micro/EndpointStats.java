package io.github.natsspring.micro;

/**
 * Statistics of one endpoint of a running service instance, as {@code $SRV.STATS} reports them.
 *
 * @param name the endpoint name
 * @param subject the subject
 * @param queueGroup the queue group, {@code null} for none
 * @param numRequests requests handled since the instance started
 * @param numErrors requests answered with an error
 * @param lastError the last error as {@code code:description}, empty if none
 * @param processingTime total time spent handling requests, in nanoseconds
 * @param averageProcessingTime average time per request, in nanoseconds
 */
public record EndpointStats(String name, String subject, String queueGroup, long numRequests, long numErrors,
		String lastError, long processingTime, long averageProcessingTime) {

}
