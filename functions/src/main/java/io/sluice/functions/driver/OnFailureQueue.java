package io.sluice.functions.driver;

import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Replays the on-failure records waiting in a queue (the operator's dead-letter queue, its on-failure destination):
 * each message is deleted only once its range is settled ({@link OnFailureReplay.Result#settled}); a message that is
 * not an on-failure record (a dead letter) is left alone. Received messages stay invisible during the pass, so it
 * sees each message once and stops when the queue has nothing else to show; at its end the messages it kept are made
 * visible again (for the queue's other readers, and the next pass).
 *
 * <pre>{@code
 * OnFailureQueue.Pass pass = new OnFailureQueue(sqs, queueUrl, replay).drain(false, 1000, r -> System.out.println(r.describe()));
 * }</pre>
 */
public final class OnFailureQueue {

    /** Long enough to replay ten ranges; a message not deleted by then shows again in a later pass. */
    static final int VISIBILITY_SECONDS = 900;

    /**
     * One pass over the queue.
     *
     * @param results a result per on-failure record, in the order received
     * @param others  messages that were not on-failure records (left in the queue)
     * @param deleted messages deleted (their ranges settled)
     */
    public record Pass(List<OnFailureReplay.Result> results, long others, long deleted) {
    }

    private final SqsClient sqs;
    private final String queueUrl;
    private final OnFailureReplay replay;

    public OnFailureQueue(SqsClient sqs, String queueUrl, OnFailureReplay replay) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.replay = replay;
    }

    /**
     * Receives up to {@code maxMessages} messages, replays each on-failure record and deletes the settled ones
     * (none with {@code dryRun}).
     *
     * @throws RuntimeException if SQS, the store or the stream fails; what was settled before is deleted
     */
    public Pass drain(boolean dryRun, int maxMessages, Consumer<OnFailureReplay.Result> onResult) {
        List<OnFailureReplay.Result> results = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        long deleted = 0;
        List<String> kept = new ArrayList<>();
        try {
            deleted = receive(dryRun, maxMessages, onResult, results, seen, kept);
        } finally {
            for (String handle : kept) {
                try {
                    sqs.changeMessageVisibility(b -> b.queueUrl(queueUrl).receiptHandle(handle).visibilityTimeout(0));
                } catch (RuntimeException e) {
                    // it shows again when its visibility timeout ends
                }
            }
        }
        long others = seen.size() - results.size();
        return new Pass(results, others, deleted);
    }

    private long receive(boolean dryRun, int maxMessages, Consumer<OnFailureReplay.Result> onResult,
                         List<OnFailureReplay.Result> results, Set<String> seen, List<String> kept) {
        long deleted = 0;
        while (seen.size() < maxMessages) {
            int want = Math.min(10, maxMessages - seen.size());
            List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(want)
                    .waitTimeSeconds(1).visibilityTimeout(VISIBILITY_SECONDS)).messages();
            if (messages.isEmpty() || messages.stream().allMatch(m -> seen.contains(m.messageId()))) {
                break;
            }
            for (Message m : messages) {
                if (!seen.add(m.messageId())) {
                    continue;
                }
                OnFailureRecord range;
                try {
                    range = OnFailureRecord.parse(m.body());
                } catch (IllegalArgumentException notOne) {
                    kept.add(m.receiptHandle());
                    continue;
                }
                OnFailureReplay.Result result = replay.replay(range, dryRun);
                results.add(result);
                onResult.accept(result);
                if (result.settled() && !dryRun) {
                    sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
                    deleted++;
                } else {
                    kept.add(m.receiptHandle());
                }
            }
        }
        return deleted;
    }
}
