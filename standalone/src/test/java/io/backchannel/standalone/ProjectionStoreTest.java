package io.backchannel.standalone;

import com.mongodb.MongoWriteException;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import org.bson.Document;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.ObjectDataType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The embedded MongoDB's store keeps finding documents through their unique indexes, across restarts and
 * across the change of key order from a store written before it.
 */
class ProjectionStoreTest {

    /** Enough ids of different lengths that serialised order and value order disagree. */
    private static final int DOCUMENTS = 300;

    @TempDir
    Path dir;

    @Test
    void uniqueIndexesFindAndGuardEveryDocumentAcrossARestart() {
        Path file = dir.resolve("projections.mv");
        withServer(ProjectionStore.open(file), this::insertDocuments);

        ProjectionStore reopened = ProjectionStore.open(file);
        withServer(reopened, messages -> {
            assertEveryDocumentFoundAndGuarded(messages);
            assertThat(reopened.getMvStore().openMap("backchannel.messages._index_channel_seq").getKeyType())
                    .isInstanceOf(IndexKeyType.class);
        });
    }

    @Test
    void aStoreWrittenWithSerialisedKeyOrderIsResortedAsItOpens() {
        Path file = dir.resolve("projections.mv");
        withServer(new H2Backend(new MVStore.Builder().fileName(file.toString()).autoCommitDisabled().open()),
                this::insertDocuments);

        ProjectionStore converted = ProjectionStore.open(file);
        assertThat(converted.getMvStore().<String, String>openMap(ProjectionStore.FORMAT_MAP).get(ProjectionStore.KEY_ORDER))
                .isEqualTo(ProjectionStore.KEYS_BY_VALUE);
        withServer(converted, this::assertEveryDocumentFoundAndGuarded);

        withServer(ProjectionStore.open(file), this::assertEveryDocumentFoundAndGuarded);
    }

    @Test
    void documentsInTheOldFormAndInBsonReadBackAndUpdateAlikeAcrossRestarts() {
        Path file = dir.resolve("projections.mv");
        Document old = new Document("_id", "m-old").append("seq", 1L).append("postedAt", new Date(1_796_000_000_123L))
                .append("reactions", List.of("u-1")).append("thread", new Document("replies", 0));
        withServer(new H2Backend(new MVStore.Builder().fileName(file.toString()).autoCommitDisabled().open()),
                messages -> await(messages.insertOne(old)));

        ProjectionStore store = ProjectionStore.open(file);
        Document fresh = new Document("_id", "m-new").append("seq", 2L).append("text", "hello");
        withServer(store, messages -> {
            assertThat(store.getMvStore().openMap("databases.backchannel.messages").getValueType())
                    .isInstanceOf(DocumentValueType.class);
            assertThat(await(messages.find(new Document("_id", "m-old")).first())).isEqualTo(old);
            await(messages.updateOne(new Document("_id", "m-old"), new Document("$push", new Document("reactions", "u-2"))
                    .append("$inc", new Document("thread.replies", 1))));
            await(messages.insertOne(fresh));
        });

        Document updated = new Document(old).append("reactions", List.of("u-1", "u-2"))
                .append("thread", new Document("replies", 1));
        withServer(ProjectionStore.open(file), messages -> assertThat(
                Flux.from(messages.find().sort(new Document("seq", 1))).collectList().block())
                .containsExactly(updated, fresh));
    }

    /**
     * A crash keeps exactly what was committed, however much was written since: a store that wrote on its own
     * could keep a document without its index entry, and the projections would then never get past it.
     */
    @Test
    void aCrashKeepsExactlyWhatWasCommittedHoweverMuchWasWrittenSince() {
        Path file = dir.resolve("projections.mv");
        ProjectionStore store = ProjectionStore.open(file);
        withServer(store, messages -> {
            await(messages.insertOne(new Document("_id", "committed")));
            store.commit();
            // Well past the 19 MB of unsaved pages at which H2 would otherwise write the store by itself.
            String text = "x".repeat(2_000);
            for (int batch = 0; batch < 25; batch++) {
                int first = batch * 1_000;
                await(messages.insertMany(IntStream.range(first, first + 1_000)
                        .mapToObj(i -> new Document("_id", "uncommitted-" + i).append("text", text)).toList()));
            }
            store.getMvStore().closeImmediately(); // the crash: the server's shutdown finds its store closed
        });

        withServer(ProjectionStore.open(file), messages -> {
            List<String> kept = Flux.from(messages.find()).map(document -> document.getString("_id")).collectList().block();
            assertThat(kept).as("%d documents kept", kept.size()).containsExactly("committed");
        });
    }

    @Test
    void keysCompareEqualExactlyWhenTheyAreEqualAndInOneConsistentOrder() {
        IndexKeyType type = new IndexKeyType();
        List<KeyValue> keys = new ArrayList<>();
        List<Object> values = new ArrayList<>(List.of(true, false, 1, 2, 1L, 2L, 1.0, 0.0, -0.0, "a", "b", "ab", "m-10",
                "m-9", new Date(0), new Document("a", 1)));
        values.add(null);
        values.forEach(value -> keys.add(new KeyValue(value)));
        values.forEach(value -> keys.add(new KeyValue("c1", value)));

        for (KeyValue a : keys) {
            for (KeyValue b : keys) {
                int ab = Integer.signum(type.compare(a, b));
                assertThat(ab == 0).as("%s vs %s", a, b).isEqualTo(a.equals(b));
                assertThat(Integer.signum(type.compare(b, a))).as("%s vs %s", b, a).isEqualTo(-ab);
                for (KeyValue c : keys) {
                    if (ab <= 0 && type.compare(b, c) <= 0) {
                        assertThat(type.compare(a, c)).as("%s <= %s <= %s", a, b, c).isLessThanOrEqualTo(0);
                    }
                }
            }
        }
    }

    @Test
    void keysReadBackAsTheyWereWrittenInTheirOwnFormOrTheDefaultOne() {
        IndexKeyType type = new IndexKeyType();
        for (KeyValue key : List.of(new KeyValue("m-1"), new KeyValue("c1", 42L), new KeyValue(7, 1.5, true),
                new KeyValue(null, new Date(0), new Document("a", 1)))) {
            WriteBuffer own = new WriteBuffer();
            type.write(own, key);
            WriteBuffer serialised = new WriteBuffer();
            new ObjectDataType().write(serialised, key);

            assertThat(own.getBuffer().get(0)).isEqualTo(IndexKeyType.KEY_VALUES_TAG);
            assertThat(type.read(own.getBuffer().flip())).as("%s in its own form", key).isEqualTo(key);
            assertThat(type.read(serialised.getBuffer().flip())).as("%s serialised", key).isEqualTo(key);
        }
    }

    private void insertDocuments(MongoCollection<Document> messages) {
        await(messages.createIndex(Indexes.ascending("channel", "seq"), new IndexOptions().unique(true).name("channel_seq")));
        await(messages.insertMany(IntStream.range(0, DOCUMENTS)
                .mapToObj(i -> new Document("_id", "m-" + i).append("channel", "c" + i % 7).append("seq", (long) i))
                .toList()));
    }

    private void assertEveryDocumentFoundAndGuarded(MongoCollection<Document> messages) {
        for (int i = 0; i < DOCUMENTS; i++) {
            Document byId = await(messages.find(new Document("_id", "m-" + i)).first());
            assertThat(byId).as("m-%d by id", i).isNotNull();
            Document byKey = await(messages.find(new Document("channel", "c" + i % 7).append("seq", (long) i)).first());
            assertThat(byKey).as("m-%d by channel and seq", i).isNotNull().containsEntry("_id", "m-" + i);
        }
        assertThatThrownBy(() -> await(messages.insertOne(new Document("_id", "m-42").append("channel", "x").append("seq", -1L))))
                .isInstanceOf(MongoWriteException.class).hasMessageContaining("duplicate key");
        assertThatThrownBy(() -> await(messages.insertOne(new Document("_id", "new").append("channel", "c0").append("seq", 7L))))
                .isInstanceOf(MongoWriteException.class).hasMessageContaining("duplicate key");
    }

    private static void withServer(H2Backend store, Consumer<MongoCollection<Document>> use) {
        MongoServer server = new MongoServer(store);
        server.bind("127.0.0.1", 0);
        try (MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + server.getLocalAddress().getPort())) {
            use.accept(client.getDatabase("backchannel").getCollection("messages"));
        } finally {
            server.shutdown(); // closes the store, which writes what it holds: a clean stop
        }
    }

    private static <T> T await(org.reactivestreams.Publisher<T> publisher) {
        return Flux.from(publisher).next().block();
    }
}
