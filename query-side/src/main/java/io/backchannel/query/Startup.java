package io.backchannel.query;

import org.springframework.boot.SpringApplication;

/**
 * How a process that holds the query side's MongoDB clients starts: it serves, or it exits with status 1 once
 * Spring has reported why it could not start. It would not exit on its own: Spring Boot gives the synchronous
 * (token store) and the reactive (projections) MongoDB client each a Netty event-loop group but shuts down only
 * the last one, and the other's threads would keep a server that never started alive, to a supervisor (compose,
 * systemd) indistinguishable from a slow start.
 */
public final class Startup {

    private Startup() {
    }

    public static void run(Class<?> application, String[] args) {
        System.setProperty("axoniq.update-checker.disabled", "true");
        try {
            SpringApplication.run(application, args);
        } catch (RuntimeException failedToStart) {
            System.exit(1);
        }
    }
}
