package io.backchannel.api.message;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** How text becomes searchable words: split on anything not a letter or digit, case folded. One rule for index and query. */
public final class SearchTerms {

    private SearchTerms() {
    }

    public static List<String> of(String text) {
        return Arrays.stream(text.split("[^\\p{L}\\p{N}]+"))
                .filter(word -> !word.isEmpty())
                .map(word -> word.toLowerCase(Locale.ROOT))
                .distinct()
                .toList();
    }
}
