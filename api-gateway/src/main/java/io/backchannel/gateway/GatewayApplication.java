package io.backchannel.gateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The gateway on its own, for the distributed shape; run as many as needed behind a load balancer. */
@SpringBootApplication
public class GatewayApplication {

    public static void main(String[] args) {
        System.setProperty("axoniq.update-checker.disabled", "true");
        System.setProperty("spring.config.name", "api-gateway");
        SpringApplication.run(GatewayApplication.class, args);
    }
}
