package io.backchannel.standalone.browser;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

/**
 * One person using the reference web client in a browser context of their own: what they do, said in
 * the page's own terms (forms, buttons, the {@code data-testid}s of static/ui.js), and what they see.
 * Every wait is one of Playwright's, so each is bounded by the context's and assertions' timeouts.
 */
final class ChatPage {

    final String name;
    final BrowserContext context;
    final Page page;
    private final String baseUrl;
    private final Path screenshots;
    /** Console errors and uncaught exceptions: a working client logs none. */
    final List<String> errors = new CopyOnWriteArrayList<>();
    /** What the page did (console, requests, sockets), kept beside the screenshots to read after a failure. */
    private final List<String> log = new CopyOnWriteArrayList<>();

    ChatPage(String name, BrowserContext context, String baseUrl, Path screenshots) {
        this.name = name;
        this.context = context;
        this.baseUrl = baseUrl;
        this.screenshots = screenshots;
        this.page = context.newPage();
        page.onConsoleMessage(message -> {
            if ("error".equals(message.type())) {
                errors.add(message.text() + " @ " + message.location());
            }
        });
        page.onPageError(error -> errors.add("uncaught: " + error));
        page.onConsoleMessage(message -> log("console." + message.type() + ": " + message.text()));
        page.onRequest(request -> log("-> " + request.method() + " " + request.url()));
        page.onRequestFinished(request -> log("<- " + request.method() + " " + request.url()));
        page.onRequestFailed(request -> log("x- " + request.method() + " " + request.url() + " " + request.failure()));
        page.onWebSocket(ws -> {
            log("ws open " + ws.url());
            ws.onClose(closed -> log("ws closed"));
        });
    }

    private void log(String line) {
        log.add(LocalTime.now() + " " + line.replaceAll("access_token=[^&\\s]+", "access_token=..."));
    }

    void saveLog(String step) {
        try {
            Files.write(screenshots.resolve(step + "-" + name + ".log"), log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ChatPage open() {
        page.navigate(baseUrl + "/");
        return this;
    }

    ChatPage signUp(String username, String displayName) {
        assertThat(page.locator("#signup-view")).isVisible();
        page.locator("#signup-username").fill(username);
        page.locator("#signup-display-name").fill(displayName);
        page.locator("#signup-submit").click();
        assertThat(page.locator("#team-view")).isVisible();
        return this;
    }

    /** Creates a team and lands in its #general; answers the team id the page shows for sharing. */
    String createTeam(String teamName) {
        page.locator("#create-team-name").fill(teamName);
        page.locator("#create-team-submit").click();
        assertThat(page.getByTestId("channel-title")).hasText("#general");
        assertLive();
        return page.getByTestId("team-id").innerText().trim();
    }

    void joinTeam(String teamId) {
        page.locator("#join-team-id").fill(teamId);
        page.locator("#join-team-submit").click();
        assertThat(page.getByTestId("channel-title")).hasText("#general");
        assertLive();
    }

    void assertLive() {
        assertThat(page.getByTestId("status")).hasAttribute("data-state", "live");
    }

    void send(String text) {
        Locator composer = page.getByTestId("composer");
        composer.fill(text);
        composer.press("Enter");
    }

    /** Waits until nothing this page sent is still waiting for the server's answer. */
    void assertAllSent() {
        assertThat(page.getByTestId("pending-message")).hasCount(0);
    }

    /** The stored messages on screen (pending echoes excluded). */
    Locator messages() {
        return page.locator("#message-list [data-testid=message]");
    }

    /** The one stored message with exactly this text. */
    Locator message(String text) {
        return messages().filter(new Locator.FilterOptions().setHas(
                page.getByTestId("text").and(page.getByText(text, new Page.GetByTextOptions().setExact(true)))));
    }

    List<String> messageTexts() {
        return page.locator("#message-list [data-testid=message] [data-testid=text]").allInnerTexts();
    }

    List<String> messageSeqs() {
        @SuppressWarnings("unchecked")
        List<String> seqs = (List<String>) messages().evaluateAll("nodes => nodes.map(n => n.dataset.seq)");
        return seqs;
    }

    void react(String text, String emoji) {
        Locator message = message(text);
        message.hover();
        message.getByTestId("react").click();
        message.locator("[data-testid=picker] [data-emoji=" + emoji + "]").click();
    }

    Locator reactionCount(String text, String emoji) {
        return message(text).locator("[data-testid=reaction][data-emoji=" + emoji + "] .count");
    }

    void edit(String text, String newText) {
        Locator message = message(text);
        message.hover();
        message.getByTestId("edit").click();
        Locator input = page.getByTestId("edit-input");
        input.fill(newText);
        input.press("Enter");
    }

    void delete(String text) {
        Locator message = message(text);
        message.hover();
        message.getByTestId("delete").click(); // arms it
        message.getByTestId("delete").click(); // confirms
    }

    Locator channel(String channelName) {
        return page.locator("[data-testid=channel][data-name=\"" + channelName + "\"]");
    }

    Locator unreadBadge(String channelName) {
        return channel(channelName).getByTestId("unread");
    }

    void openChannel(String channelName) {
        channel(channelName).locator(".channel-open").click();
        assertThat(page.getByTestId("channel-title")).hasText("#" + channelName);
    }

    void createChannel(String channelName) {
        page.locator("#new-channel-name").fill(channelName);
        page.locator("#new-channel-form button").click();
        assertThat(page.getByTestId("channel-title")).hasText("#" + channelName);
    }

    Locator presenceOf(String username) {
        return page.locator("[data-testid=member][data-username=\"" + username + "\"] [data-testid=presence]");
    }

    /** The session token the page keeps in localStorage, for driving the API beside the page. */
    String token() {
        return (String) page.evaluate("() => JSON.parse(localStorage.getItem('backchannel.session')).token");
    }

    String userId() {
        return (String) page.evaluate("() => JSON.parse(localStorage.getItem('backchannel.session')).userId");
    }

    void screenshot(String step) {
        page.screenshot(new Page.ScreenshotOptions().setPath(screenshots.resolve(step + "-" + name + ".png")));
    }
}
