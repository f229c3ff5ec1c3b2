package io.backchannel.api;

import java.util.regex.Pattern;

/**
 * API.md's input limits, in one place. The gateway applies them at the edge for a prompt 400; the
 * aggregates apply them again as the last line of defence, so both refuse exactly the same input.
 */
public final class Limits {

    public static final int TEXT_MAX_CODE_POINTS = 40_000;
    public static final int NAME_MAX_CODE_POINTS = 100;
    public static final int PAGE_DEFAULT = 50;
    public static final int PAGE_MAX = 200;

    private static final Pattern USERNAME = Pattern.compile("[a-z0-9._-]{1,40}");
    private static final Pattern CHANNEL_NAME = Pattern.compile("[a-z0-9_-]{1,80}");
    private static final Pattern CLIENT_MSG_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern EMOJI = Pattern.compile("[a-z0-9_+-]{1,64}");

    private Limits() {
    }

    public static void requireUsername(String username) {
        require(username != null && USERNAME.matcher(username).matches(),
                "username must match ^[a-z0-9._-]{1,40}$");
    }

    public static void requireDisplayName(String displayName) {
        require(isNameLike(displayName), "displayName must be 1-100 characters and not blank");
    }

    public static void requireTeamName(String name) {
        require(isNameLike(name), "team name must be 1-100 characters and not blank");
    }

    public static void requireChannelName(String name) {
        require(name != null && CHANNEL_NAME.matcher(name).matches(), "channel name must match ^[a-z0-9_-]{1,80}$");
    }

    public static void requireClientMsgId(String clientMsgId) {
        require(clientMsgId != null && CLIENT_MSG_ID.matcher(clientMsgId).matches(),
                "clientMsgId must match ^[A-Za-z0-9_-]{1,64}$");
    }

    public static void requireText(String text) {
        require(text != null && !text.isBlank() && text.codePointCount(0, text.length()) <= TEXT_MAX_CODE_POINTS,
                "text must be 1-40000 characters and not blank");
    }

    public static void requireEmoji(String emoji) {
        require(emoji != null && EMOJI.matcher(emoji).matches(), "emoji must match ^[a-z0-9_+-]{1,64}$");
    }

    public static void requireSeq(Long seq, String field) {
        require(seq == null || seq >= 0, field + " must be a seq, 0 or more");
    }

    /** A resume point: the seq a reader has, or -1 for none yet. */
    public static void requireAfter(Long after) {
        require(after == null || after >= -1, "after must be -1 or more");
    }

    /** A page size: the default when absent, else 1-200. */
    public static int pageLimit(Integer limit) {
        if (limit == null) {
            return PAGE_DEFAULT;
        }
        require(limit >= 1 && limit <= PAGE_MAX, "limit must be 1-200");
        return limit;
    }

    private static boolean isNameLike(String name) {
        return name != null && !name.isBlank() && name.codePointCount(0, name.length()) <= NAME_MAX_CODE_POINTS;
    }

    private static void require(boolean condition, String detail) {
        if (!condition) {
            throw Rejection.invalid(detail).exception();
        }
    }
}
