package io.backchannel.standalone.reliability;

import io.backchannel.api.message.SendMessageCommand;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.springframework.beans.factory.annotation.Autowired;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Test-only fault injection into the command side: a send whose text is {@code held} waits before its handler
 * until released, as a command does when its store stops answering. Added to a test server
 * as an extra source; deliberately not {@code @Configuration} (see {@link ProjectionFaults}).
 */
class CommandStalls {

    static final String HELD = "held";

    private final CountDownLatch released = new CountDownLatch(1);

    @Autowired
    void holdSends(CommandBus commandBus) {
        commandBus.registerHandlerInterceptor((MessageHandlerInterceptor<CommandMessage<?>>) (unitOfWork, chain) -> {
            if (unitOfWork.getMessage().getPayload() instanceof SendMessageCommand send && HELD.equals(send.text())
                    && !released.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("a held send was never released");
            }
            return chain.proceed();
        });
    }

    void release() {
        released.countDown();
    }
}
