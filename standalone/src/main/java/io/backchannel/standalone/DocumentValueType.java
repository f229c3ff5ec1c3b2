package io.backchannel.standalone;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;
import de.bwaldvogel.mongo.wire.BsonConstants;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.ObjectDataType;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;

/**
 * H2's default value type, except that a collection's documents are written as BSON. The default
 * Java-serialises them, class descriptors and all, every time their page is written: with the index keys
 * (see {@link IndexKeyType}), under send load that was a third of the projections' thread (it commits the
 * store) and 15 % of all the heap the server allocated.
 *
 * <p>A document goes out as BSON only if it comes back exactly as it went in, type for type (see
 * {@link #readsBackAsWritten}), and within the 16 MB the decoder reads; any other value, and any value written
 * before this type existed, is written and read as the default does. The BSON form has a tag of its own, one
 * the default never writes, so a store holds both forms side by side and needs no conversion.
 */
final class DocumentValueType extends ObjectDataType {

    /** Unused by {@link ObjectDataType}, whose tags are 0 to 19, 32 to 49 and 64 to 119. */
    static final byte BSON_TAG = 120;

    /** What H2 counts against a page for a document: a running average of their BSON sizes, as the default does. */
    private volatile int averageSize = 1_000;

    @Override
    public int getMemory(Object value) {
        return value instanceof Document ? averageSize : super.getMemory(value);
    }

    @Override
    public void write(WriteBuffer buffer, Object value) {
        if (!(value instanceof Document document) || !readsBackAsWritten(document)) {
            super.write(buffer, value);
            return;
        }
        ByteBuf bson = Unpooled.buffer(averageSize + 64);
        BsonEncoder.encodeDocument(document, bson);
        int size = bson.readableBytes();
        if (size > BsonConstants.MAX_BSON_OBJECT_SIZE) {
            // Updates can grow a document past what the decoder reads back; the default form has no such limit.
            super.write(buffer, value);
            return;
        }
        buffer.put(BSON_TAG).putVarInt(size).put(bson.array(), bson.arrayOffset() + bson.readerIndex(), size);
        averageSize = (int) ((size + 15L * averageSize) / 16);
    }

    @Override
    public Object read(ByteBuffer buffer) {
        if (buffer.get(buffer.position()) != BSON_TAG) {
            return super.read(buffer);
        }
        buffer.get();
        int size = DataUtils.readVarInt(buffer);
        ByteBuf bson = Unpooled.wrappedBuffer(buffer.slice(buffer.position(), size));
        buffer.position(buffer.position() + size);
        return BsonDecoder.decodeBson(bson);
    }

    /**
     * Whether BSON gives {@code value} back equal and of the same class: the types documents arrive in over the
     * wire, and dates only to the millisecond, which is all BSON keeps. A date set on the server
     * ({@code $currentDate}) can be finer, and anything else (a {@code Set}, a {@code Short}) would come back as
     * something else, so those documents keep the default form.
     */
    static boolean readsBackAsWritten(Object value) {
        if (value == null || value instanceof String || value instanceof Integer || value instanceof Long
                || value instanceof Double || value instanceof Boolean || value instanceof ObjectId) {
            return true;
        }
        if (value instanceof Instant instant) {
            return instant.getNano() % 1_000_000 == 0;
        }
        if (value instanceof Document document) {
            return allReadBackAsWritten(document.values());
        }
        if (value instanceof List<?> list) {
            return allReadBackAsWritten(list);
        }
        return false;
    }

    private static boolean allReadBackAsWritten(Iterable<?> values) {
        for (Object value : values) {
            if (!readsBackAsWritten(value)) {
                return false;
            }
        }
        return true;
    }
}
