package io.backchannel.gateway.messaging;

import java.time.Duration;

/**
 * A send the store did not confirm in time. It may still be stored; a retry with the same
 * {@code clientMsgId} is safe and answers with the original receipt if it was.
 */
public class SendUnconfirmedException extends RuntimeException {

    SendUnconfirmedException(Duration waited) {
        super("the message was not confirmed within " + (waited.toMillis() % 1000 == 0 ? waited.toSeconds() + " s"
                : waited.toMillis() + " ms") + " and may or may not be stored; retry with the same clientMsgId",
                null, false, false);
    }
}
