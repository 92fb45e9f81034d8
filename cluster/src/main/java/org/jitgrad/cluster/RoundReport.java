package org.jitgrad.cluster;

/**
 * What one averaging round did, seen from one member.
 *
 * @param round         the round's number (0, 1, ...)
 * @param contributors  members whose contribution the round counted
 * @param weight        the round's total weight {@code Σ n_i}
 * @param adopted       whether this member took the average (false when the total weight was 0: nobody
 *                      trained, every member keeps the model it has)
 * @param bytesSent     payload this member sent: its parameters as floats, 4 bytes each
 * @param bytesReceived payload this member received: the averaged parameters, 4 bytes each
 * @param sendNanos     time to add this member's chunks and report them
 * @param waitNanos     time waiting for the other members
 * @param readNanos     time to read the averages and write them into the parameters
 */
public record RoundReport(long round, int contributors, double weight, boolean adopted, long bytesSent, long bytesReceived,
                          long sendNanos, long waitNanos, long readNanos) {}
