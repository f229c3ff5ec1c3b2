package io.backchannel.standalone;

import de.bwaldvogel.mongo.backend.KeyValue;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.ObjectDataType;

import java.nio.ByteBuffer;

/**
 * H2's default key type, but ordering mongo-java-server's index keys ({@link KeyValue}s) by their values, and
 * writing them as their values. The default can do neither: a {@code KeyValue} is not {@link Comparable}, so
 * it Java-serialises both keys at every step of every B-tree search, and again each time their page is written.
 *
 * <p>A key is written as its values, each in the default's own form (ids and sequence numbers are strings and
 * numbers, which it writes directly), under a tag the default never writes; a key written before, in the
 * default's serialised form, still reads back as it was.
 *
 * <p>The order only has to be total and agree with {@link KeyValue#equals}, because the backend looks index
 * entries up by equality alone: two keys compare equal exactly when they are equal, as two keys' serialised
 * bytes were. Values of the types ids and sequence numbers come in are compared directly; any other value
 * (a sub-document, a date) as the default compares it.
 */
final class IndexKeyType extends ObjectDataType {

    /** The kind of any value not named below: a sub-document, a date. */
    private static final int OTHER = 6;
    /** Unused by {@link ObjectDataType} (its tags are 0 to 19, 32 to 49 and 64 to 119) and by {@link DocumentValueType}. */
    static final byte KEY_VALUES_TAG = 121;
    /** A {@code KeyValue} and the list holding its values, in bytes. */
    private static final int KEY_OVERHEAD = 48;

    /** Its values' sizes, as the default estimates them, and the key's own; the default guesses for any object it serialises. */
    @Override
    public int getMemory(Object key) {
        if (!(key instanceof KeyValue values)) {
            return super.getMemory(key);
        }
        int memory = KEY_OVERHEAD;
        for (Object value : values) {
            memory += super.getMemory(value);
        }
        return memory;
    }

    @Override
    public void write(WriteBuffer buffer, Object key) {
        if (!(key instanceof KeyValue values)) {
            super.write(buffer, key);
            return;
        }
        buffer.put(KEY_VALUES_TAG).putVarInt(values.size());
        for (Object value : values) {
            super.write(buffer, value);
        }
    }

    @Override
    public Object read(ByteBuffer buffer) {
        if (buffer.get(buffer.position()) != KEY_VALUES_TAG) {
            return super.read(buffer);
        }
        buffer.get();
        Object[] values = new Object[DataUtils.readVarInt(buffer)];
        for (int i = 0; i < values.length; i++) {
            values[i] = super.read(buffer);
        }
        return new KeyValue(values);
    }

    @Override
    public int compare(Object a, Object b) {
        KeyValue left = (KeyValue) a;
        KeyValue right = (KeyValue) b;
        int common = Math.min(left.size(), right.size());
        for (int i = 0; i < common; i++) {
            int order = compareValues(left.get(i), right.get(i));
            if (order != 0) {
                return order;
            }
        }
        return Integer.compare(left.size(), right.size());
    }

    @SuppressWarnings("unchecked")
    private int compareValues(Object a, Object b) {
        if (a == b) {
            return 0;
        }
        int kind = kind(a);
        int kinds = Integer.compare(kind, kind(b));
        if (kinds != 0) {
            return kinds;
        }
        // Of one kind, and not null (two nulls are the same): each of the named kinds compares to its own.
        return kind == OTHER ? super.compare(a, b) : ((Comparable<Object>) a).compareTo(b);
    }

    /** Distinct kinds never compare equal, just as their serialised forms never were: {@code 1} is not {@code 1L}. */
    private static int kind(Object value) {
        if (value == null) {
            return 0;
        }
        if (value instanceof Boolean) {
            return 1;
        }
        if (value instanceof Integer) {
            return 2;
        }
        if (value instanceof Long) {
            return 3;
        }
        if (value instanceof Double) {
            return 4;
        }
        if (value instanceof String) {
            return 5;
        }
        return OTHER;
    }
}
