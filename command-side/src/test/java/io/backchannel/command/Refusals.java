package io.backchannel.command;

import io.backchannel.api.RejectedException;
import io.backchannel.api.Rejection;
import org.hamcrest.Description;
import org.hamcrest.Matcher;
import org.hamcrest.TypeSafeDiagnosingMatcher;

/** Test support: matches a {@link RejectedException} by the kind of its {@link Rejection}. */
public final class Refusals {

    private Refusals() {
    }

    public static Matcher<Throwable> rejected(Rejection.Kind kind) {
        return new TypeSafeDiagnosingMatcher<>() {
            @Override
            protected boolean matchesSafely(Throwable item, Description mismatch) {
                if (!(item instanceof RejectedException rejected)) {
                    mismatch.appendText("was ").appendValue(item);
                    return false;
                }
                if (rejected.rejection().kind() != kind) {
                    mismatch.appendText("was rejected as ").appendValue(rejected.rejection());
                    return false;
                }
                return true;
            }

            @Override
            public void describeTo(Description description) {
                description.appendText("a RejectedException of kind ").appendValue(kind);
            }
        };
    }
}
