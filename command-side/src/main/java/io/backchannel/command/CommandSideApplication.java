package io.backchannel.command;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The command side on its own, for the distributed shape (Axon Server stores the events). */
@SpringBootApplication
public class CommandSideApplication {

    public static void main(String[] args) {
        System.setProperty("axoniq.update-checker.disabled", "true");
        System.setProperty("spring.config.name", "command-side");
        SpringApplication.run(CommandSideApplication.class, args);
    }
}
