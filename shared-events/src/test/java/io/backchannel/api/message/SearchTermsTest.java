package io.backchannel.api.message;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SearchTermsTest {

    @Test
    void wordsAreRunsOfLettersAndDigitsInAnyScriptCaseFoldedOnceEach() {
        assertThat(SearchTerms.of("  Grüße, WORLD! 世界 v2 ... world-wide: ½ Ⅻ"))
                .containsExactly("grüße", "world", "世界", "v2", "wide", "½", "ⅻ");
    }

    @Test
    void textWithoutLettersOrDigitsHasNoTerms() {
        assertThat(SearchTerms.of(" , !? ")).isEmpty();
        assertThat(SearchTerms.of("")).isEmpty();
    }
}
