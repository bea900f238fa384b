package io.sluice.functions.io.sqs;

import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Sends messages with {@code SendMessageBatch}: up to 10 entries and 256 KB of bodies and attributes per call, in
 * order; entries a call reports failed are sent again (a call that throws is the SDK's to retry), up to
 * {@code attempts} attempts in all, after which {@link #send} throws and names how many failed and the first error
 * code (never a body). A FIFO queue gets the split as group id and the message id as deduplication id.
 */
final class SqsBatchSender {

    /** @param id deterministic id (attribute {@code id}; FIFO deduplication id); {@code body} is ASCII */
    record Message(String id, String group, String body) {
        int bytes() {
            return body.length() + "id".length() + "String".length() + id.length();
        }
    }

    private final SqsClient sqs;
    private final String queueUrl;
    private final int callBytes;
    private final int entriesPerCall;
    private final int attempts;
    private final boolean fifo;

    SqsBatchSender(SqsClient sqs, String queueUrl, int callBytes, int entriesPerCall, int attempts) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.callBytes = callBytes;
        this.entriesPerCall = entriesPerCall;
        this.attempts = attempts;
        this.fifo = queueUrl.endsWith(".fifo");
    }

    /** @throws SqsDeadLetterException if some message is still refused after the last attempt */
    void send(List<Message> messages) {
        List<Message> due = messages;
        String lastError = null;
        for (int attempt = 1; attempt <= attempts && !due.isEmpty(); attempt++) {
            if (attempt > 1) {
                pause(attempt);
            }
            List<Message> failed = new ArrayList<>();
            for (List<Message> call : calls(due)) {
                SendMessageBatchResponse response = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl)
                        .entries(entries(call)));
                for (BatchResultErrorEntry error : response.failed()) {
                    failed.add(call.get(Integer.parseInt(error.id().substring(1))));
                    lastError = error.code() + (error.senderFault() ? " (sender fault)" : "");
                }
            }
            due = failed;
        }
        if (!due.isEmpty()) {
            throw new SqsDeadLetterException(due.size() + " dead letters refused by the queue after " + attempts
                    + " attempts; last error [" + lastError + "]");
        }
    }

    /** Consecutive runs of at most {@code entriesPerCall} messages and {@code callBytes} bytes. */
    private List<List<Message>> calls(List<Message> messages) {
        List<List<Message>> calls = new ArrayList<>();
        List<Message> call = new ArrayList<>();
        int bytes = 0;
        for (Message m : messages) {
            if (!call.isEmpty() && (call.size() == entriesPerCall || bytes + m.bytes() > callBytes)) {
                calls.add(call);
                call = new ArrayList<>();
                bytes = 0;
            }
            call.add(m);
            bytes += m.bytes();
        }
        if (!call.isEmpty()) {
            calls.add(call);
        }
        return calls;
    }

    private List<SendMessageBatchRequestEntry> entries(List<Message> call) {
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>(call.size());
        for (int i = 0; i < call.size(); i++) {
            Message m = call.get(i);
            SendMessageBatchRequestEntry.Builder entry = SendMessageBatchRequestEntry.builder()
                    .id("m" + i)   // unique within the call; maps a failure back to its message
                    .messageBody(m.body())
                    .messageAttributes(Map.of("id", MessageAttributeValue.builder().dataType("String")
                            .stringValue(m.id()).build()));
            if (fifo) {
                entry.messageGroupId(m.group()).messageDeduplicationId(m.id());
            }
            entries.add(entry.build());
        }
        return entries;
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(50L * (attempt - 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SqsDeadLetterException("interrupted while resending dead letters");
        }
    }

    /** The queue kept refusing dead letters: the batch fails and is retried. */
    static final class SqsDeadLetterException extends RuntimeException {
        SqsDeadLetterException(String message) {
            super(message);
        }
    }
}
