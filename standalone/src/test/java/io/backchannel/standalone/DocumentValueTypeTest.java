package io.backchannel.standalone;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.ObjectDataType;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** A projection document reads back exactly as it was written, whichever form it was written in. */
class DocumentValueTypeTest {

    private final DocumentValueType type = new DocumentValueType();

    @Test
    void aDocumentOfWireTypesIsWrittenAsBsonAndReadsBackEqualTypeForType() {
        Document message = new Document("_id", "m-1")
                .append("seq", 42L)
                .append("replies", 3)
                .append("score", 0.5)
                .append("deleted", false)
                .append("editedAt", null)
                .append("postedAt", Instant.ofEpochMilli(1_796_000_000_123L))
                .append("ref", new ObjectId())
                .append("reactions", new Document(":+1:", new ArrayList<>(List.of("u-1", "u-2"))))
                .append("mentions", new ArrayList<>(List.of(new Document("user", "u-3").append("at", 7L))));

        ByteBuffer written = write(type, message);

        assertThat(written.get(0)).isEqualTo(DocumentValueType.BSON_TAG);
        Document read = (Document) type.read(written);
        assertThat(read).isEqualTo(message);
        message.forEach((field, value) -> assertThat(classOf(read.get(field))).as(field).isEqualTo(classOf(value)));
        assertThat(read.keySet()).as("field order").containsExactlyElementsOf(message.keySet());
        assertThat(written.hasRemaining()).as("read to its end").isFalse();
    }

    @Test
    void aDocumentBsonWouldNotGiveBackExactlyKeepsTheDefaultFormAndReadsBack() {
        Instant finerThanBson = Instant.ofEpochSecond(1_796_000_000L, 123_456_789);
        for (Document document : List.of(new Document("_id", "a").append("at", finerThanBson),
                new Document("_id", "b").append("nested", new Document("tags", Set.of("x"))),
                new Document("_id", "c").append("small", (short) 1),
                new Document("_id", "d").append("grown", "x".repeat(17 * 1024 * 1024)))) {
            ByteBuffer written = write(type, document);

            assertThat(written.get(0)).as("%s", document.get("_id")).isNotEqualTo(DocumentValueType.BSON_TAG);
            assertThat(type.read(written)).isEqualTo(document);
        }
    }

    @Test
    void valuesWrittenBeforeTheBsonFormReadBackAsTheyWere() {
        Document document = new Document("_id", "old").append("seq", 1L).append("text", "hello");
        for (Object value : List.of(document, 7L, "meta", new Document())) {
            assertThat(type.read(write(new ObjectDataType(), value))).isEqualTo(value);
        }
    }

    @Test
    void valuesBetweenDocumentsOnAPageReadBackInTurn() {
        Object[] page = {new Document("_id", "a").append("n", 1), 5L,
                new Document("_id", "b").append("at", Instant.ofEpochSecond(1, 1)), new Document("_id", "c")};
        WriteBuffer buffer = new WriteBuffer();
        type.write(buffer, page, page.length);
        ByteBuffer written = buffer.getBuffer().flip();

        Object[] read = new Object[page.length];
        type.read(written, read, read.length);

        assertThat(read).containsExactly(page);
    }

    private static Class<?> classOf(Object value) {
        return value == null ? null : value.getClass();
    }

    private static ByteBuffer write(ObjectDataType type, Object value) {
        WriteBuffer buffer = new WriteBuffer();
        type.write(buffer, value);
        return buffer.getBuffer().flip();
    }
}
