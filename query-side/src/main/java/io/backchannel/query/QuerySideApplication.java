package io.backchannel.query;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The query side on its own, for the distributed shape: projections into MongoDB, fed by Axon Server. */
@SpringBootApplication
public class QuerySideApplication {

    public static void main(String[] args) {
        System.setProperty("spring.config.name", "query-side");
        Startup.run(QuerySideApplication.class, args);
    }
}
