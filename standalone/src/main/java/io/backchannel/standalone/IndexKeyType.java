package io.backchannel.standalone;

import de.bwaldvogel.mongo.backend.KeyValue;
import org.h2.mvstore.type.ObjectDataType;

/**
 * H2's default key type, written and read the same way, but ordering mongo-java-server's index keys
 * ({@link KeyValue}s) by their values. The default cannot: a {@code KeyValue} is not {@link Comparable}, so
 * it Java-serialises both keys at every step of every B-tree search.
 *
 * <p>The order only has to be total and agree with {@link KeyValue#equals}, because the backend looks index
 * entries up by equality alone: two keys compare equal exactly when they are equal, as two keys' serialised
 * bytes were. Values of the types ids and sequence numbers come in are compared directly; any other value
 * (a sub-document, a date) as the default compares it.
 */
final class IndexKeyType extends ObjectDataType {

    /** The kind of any value not named below: a sub-document, a date. */
    private static final int OTHER = 6;

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
