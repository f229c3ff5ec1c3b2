package io.backchannel.api.team;

import java.util.List;

/** A page of team members; {@code next} is the cursor of the following page, null on the last. */
public record MemberPage(List<Member> members, String next) {

    public record Member(String userId, String username, String displayName) {
    }
}
