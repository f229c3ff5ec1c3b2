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

    private int compareValues(Object a, Object b) {
        if (a == b) {
            return 0;
        }
        int kinds = Integer.compare(kind(a), kind(b));
        if (kinds != 0) {
            return kinds;
        }
        if (a instanceof String text) {
            return text.compareTo((String) b);
        }
        if (a instanceof Long number) {
            return number.compareTo((Long) b);
        }
        if (a instanceof Integer number) {
            return number.compareTo((Integer) b);
        }
        if (a instanceof Double number) {
            return number.compareTo((Double) b);
        }
        if (a instanceof Boolean flag) {
            return flag.compareTo((Boolean) b);
        }
        return super.compare(a, b);
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
        return 6;
    }
}
