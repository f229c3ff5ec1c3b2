package io.backchannel.query;

import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.mongodb.core.query.Update;

import java.util.List;

import static io.backchannel.query.ProjectionContext.inOneBatch;
import static io.backchannel.query.Projections.byId;
import static org.assertj.core.api.Assertions.assertThat;

/** How the writes of a processor batch reach MongoDB. */
class EventWritesTest {

    @RegisterExtension
    static final MongoFixture mongo = new MongoFixture();

    private static final String COLLECTION = "notes";

    @Test
    void ofTheWritesKeptForLastOnlyTheLastOfEachKeyIsSentAndAfterTheBatchsOtherWrites() {
        inOneBatch(() -> {
            keepLast("a", 1);
            keepLast("b", 1);
            keepLast("a", 2);
            EventWrites.save(mongo.template(), COLLECTION, new Document("_id", "a").append("seen", List.of(0)));
            EventWrites.save(mongo.template(), COLLECTION, new Document("_id", "b").append("seen", List.of(0)));
        });

        assertThat(seen("a")).containsExactly(0, 2);
        assertThat(seen("b")).containsExactly(0, 1);
    }

    @Test
    void aFlushSendsTheWritesKeptForLastSoFarAndALaterOneIsSentAgain() {
        inOneBatch(() -> {
            EventWrites.save(mongo.template(), COLLECTION, new Document("_id", "a").append("seen", List.of(0)));
            keepLast("a", 1);
            EventWrites.flush();
            assertThat(seen("a")).as("read after the flush").containsExactly(0, 1);
            keepLast("a", 2);
        });

        assertThat(seen("a")).containsExactly(0, 1, 2);
    }

    @Test
    void outsideABatchAWriteKeptForLastIsSentAtOnce() {
        EventWrites.save(mongo.template(), COLLECTION, new Document("_id", "a").append("seen", List.of(0)));

        keepLast("a", 1);

        assertThat(seen("a")).containsExactly(0, 1);
    }

    private static void keepLast(String id, int value) {
        EventWrites.submitLast(mongo.template(), COLLECTION, id,
                bulk -> bulk.updateOne(byId(id), new Update().push("seen", value)));
    }

    private static List<Integer> seen(String id) {
        return mongo.findById(COLLECTION, id).getList("seen", Integer.class);
    }
}
