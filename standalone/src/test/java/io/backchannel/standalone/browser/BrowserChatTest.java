package io.backchannel.standalone.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.APIRequest;
import com.microsoft.playwright.APIRequestContext;
import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.Route;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.RequestOptions;
import io.backchannel.standalone.RunningServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The reference web client (api-gateway's static/), end to end in a real browser: Debian's chromium
 * driven by Playwright, against a server of this test's own that serves the page itself. Two browser
 * contexts are two people with their own storage and network.
 *
 * <p>Needs {@code /usr/bin/chromium} ({@code apt-get install chromium}; .ci/run installs it). Without it
 * the tests are reported as skipped, so a build without a browser stays green but proves nothing here.
 * Playwright never downloads a browser: its driver (Node, bundled in a Maven jar) launches that one.
 * Screenshots of every step land in {@code target/browser-screenshots/}.
 */
class BrowserChatTest {

    /** Debian's chromium; {@code -Dbackchannel.chromium=...} points the test at another build of Chromium. */
    private static final Path CHROMIUM = Paths.get(System.getProperty("backchannel.chromium", "/usr/bin/chromium"));
    private static final String NO_CHROMIUM = "no chromium at " + CHROMIUM
            + ": the browser test of the web client did not run (on Debian: apt-get install chromium)";
    private static final Path SCREENSHOTS = Paths.get("target", "browser-screenshots");
    /** Quiet flags: without the background-networking ones chromium keeps dialing out of a closed network. */
    private static final List<String> CHROMIUM_FLAGS = List.of("--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync");
    private static final double TIMEOUT_MS = 15_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dataDir;

    private static RunningServer server;
    private static Playwright playwright;
    private static Browser browser;

    private final List<ChatPage> pages = new ArrayList<>();
    private final List<APIRequestContext> requests = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        if (!Files.isExecutable(CHROMIUM)) {
            // Each test reports itself skipped (requireChromium); this says why where a build log shows it.
            System.out.println("[browser test] SKIPPED: " + NO_CHROMIUM);
            return;
        }
        Files.createDirectories(SCREENSHOTS);
        // Rate limits are tested elsewhere; the seeding below sends 60 messages at once.
        server = RunningServer.start(dataDir, "--backchannel.rate-limit.enabled=false");
        playwright = Playwright.create(new Playwright.CreateOptions()
                .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(CHROMIUM)
                .setHeadless(true)
                .setArgs(CHROMIUM_FLAGS)
                .setTimeout(60_000));
        PlaywrightAssertions.setDefaultAssertionTimeout(TIMEOUT_MS);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (playwright != null) {
            playwright.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void requireChromium() {
        assumeTrue(Files.isExecutable(CHROMIUM), NO_CHROMIUM);
    }

    @AfterEach
    void closePages(TestInfo test) {
        // The last state of every page, pass or fail: what a failed assertion was looking at.
        String last = "last-" + test.getTestMethod().map(m -> m.getName()).orElse("test");
        pages.forEach(p -> {
            p.saveLog(last);
            p.screenshot(last);
        });
        requests.forEach(APIRequestContext::dispose);
        pages.forEach(p -> p.context.close());
    }

    @Test
    void twoPeopleChatLiveResumeAfterADropAndReload() {
        ChatPage alice = person("alice");
        ChatPage bob = person("bob");

        // Sign up, create a team, join it by id.
        alice.open().signUp("alice", "Alice");
        String teamId = alice.createTeam("Acme");
        bob.open().signUp("bob", "Bob");
        bob.joinTeam(teamId);
        assertThat(alice.presenceOf("bob")).hasAttribute("data-presence", "online");
        assertThat(bob.presenceOf("alice")).hasAttribute("data-presence", "online");

        // Typing reaches the other side; a send arrives live and leaves no pending echo behind.
        alice.page.getByTestId("composer").pressSequentially("hel");
        assertThat(bob.page.getByTestId("typing")).containsText("Alice is typing");
        alice.send("hello from Alice");
        assertThat(bob.message("hello from Alice")).hasCount(1);
        alice.assertAllSent();
        assertThat(alice.message("hello from Alice")).hasCount(1);
        alice.screenshot("01-live-message");
        bob.screenshot("01-live-message");

        // Bob reacts; Alice sees it.
        bob.react("hello from Alice", "thumbsup");
        assertThat(alice.reactionCount("hello from Alice", "thumbsup")).hasText("1");
        assertThat(bob.reactionCount("hello from Alice", "thumbsup")).hasText("1");

        // Alice edits and deletes her own messages; Bob sees both.
        alice.send("a mesage with a typo");
        assertThat(bob.message("a mesage with a typo")).hasCount(1);
        alice.edit("a mesage with a typo", "a message without a typo");
        assertThat(bob.message("a message without a typo").getByTestId("edited")).isVisible();
        alice.send("soon gone");
        assertThat(bob.message("soon gone")).hasCount(1);
        alice.delete("soon gone");
        assertThat(bob.message("This message was deleted.")).hasCount(1);
        alice.screenshot("02-react-edit-delete");
        bob.screenshot("02-react-edit-delete");

        // The answer to a send is lost on the way back (the server stored it): the client retries with the
        // same clientMsgId, the server recognises it (200, not 201), and the message exists once.
        List<Integer> sendStatuses = new CopyOnWriteArrayList<>();
        String lostAnswer = "my first answer got lost";
        alice.context.route("**/api/channels/*/messages", route -> {
            if (!"POST".equals(route.request().method()) || !route.request().postData().contains(lostAnswer)) {
                route.resume();
                return;
            }
            APIResponse stored = route.fetch();
            sendStatuses.add(stored.status());
            if (sendStatuses.size() == 1) {
                route.abort("connectionreset");
            } else {
                route.fulfill(new Route.FulfillOptions().setResponse(stored));
            }
        });
        alice.send(lostAnswer);
        assertThat(bob.message(lostAnswer)).hasCount(1);
        // The live event may show the message before the retry's answer; the retry still happens, once.
        alice.page.waitForCondition(() -> sendStatuses.size() >= 2);
        assertThat(sendStatuses).containsExactly(201, 200);
        alice.assertAllSent();
        assertThat(alice.message(lostAnswer)).hasCount(1);
        assertThat(bob.message(lostAnswer)).hasCount(1);
        alice.context.unrouteAll();
        // The browser reports the connection this test reset as a console error: expected, and the only one allowed.
        assertThat(alice.errors).allMatch(error -> error.contains("net::ERR_CONNECTION_RESET") && error.contains("/messages"));
        alice.errors.clear();

        // Bob's network drops; Alice sends three; Bob's network comes back: each shown once, in order.
        bob.context.setOffline(true);
        assertThat(bob.page.getByTestId("status")).hasAttribute("data-state", "offline");
        List<String> offline = List.of("while you were away 1", "while you were away 2", "while you were away 3");
        offline.forEach(alice::send);
        alice.assertAllSent();
        offline.forEach(text -> assertThat(alice.message(text)).hasCount(1));
        for (String text : offline) {
            assertThat(bob.message(text)).hasCount(0); // nothing reaches an offline page
        }
        // What Bob types meanwhile is shown at once as pending, and goes out when the network is back.
        bob.send("typed while offline");
        assertThat(bob.page.getByTestId("pending-message")).hasAttribute("data-state", "sending");
        assertThat(bob.page.getByTestId("pending-message").getByTestId("text")).hasText("typed while offline");
        bob.screenshot("03-offline");
        bob.context.setOffline(false);
        bob.assertLive();
        assertThat(bob.messages().getByTestId("text")).containsText(offline.toArray(String[]::new));
        offline.forEach(text -> assertThat(bob.message(text)).hasCount(1));
        bob.assertAllSent();
        assertThat(bob.message("typed while offline")).hasCount(1);
        assertThat(alice.message("typed while offline")).hasCount(1);
        assertSameTimeline(alice, bob);
        bob.screenshot("04-resumed");

        // Unread, live: Alice makes #random and goes back to #general; Bob joins #random and posts three.
        alice.createChannel("random");
        String randomId = alice.channel("random").getAttribute("data-channel-id");
        alice.openChannel("general");
        APIRequestContext bobApi = api(bob.token());
        expectStatus(bobApi.post("/api/channels/" + randomId + "/members", RequestOptions.create().setData(Map.of())), 200);
        List<String> inRandom = List.of("in random 1", "in random 2", "in random 3");
        for (int i = 0; i < inRandom.size(); i++) {
            expectStatus(bobApi.post("/api/channels/" + randomId + "/messages", RequestOptions.create()
                    .setData(Map.of("clientMsgId", "r-" + i, "text", inRandom.get(i)))), 201);
        }
        assertThat(alice.unreadBadge("random")).hasText("3");
        assertThat(alice.unreadBadge("general")).hasCount(0);
        alice.screenshot("05-unread-badge");

        // A long channel Alice has never opened: Bob makes #archive and adds Alice, whose page is told over
        // its WebSocket and lists it at once; then he posts 60 messages, which she counts as unread live.
        String archiveId = json(bobApi.post("/api/teams/" + teamId + "/channels", RequestOptions.create()
                .setData(Map.of("name", "archive", "private", false))), 201).path("channelId").asText();
        assertThat(alice.channel("archive")).hasCount(0);
        expectStatus(bobApi.post("/api/channels/" + archiveId + "/members", RequestOptions.create()
                .setData(Map.of("userId", alice.userId()))), 200);
        assertThat(alice.channel("archive")).isVisible();
        List<String> seeded = IntStream.rangeClosed(1, 60).mapToObj(i -> "archived " + i).toList();
        for (int i = 0; i < seeded.size(); i++) {
            expectStatus(bobApi.post("/api/channels/" + archiveId + "/messages", RequestOptions.create()
                    .setData(Map.of("clientMsgId", "a-" + i, "text", seeded.get(i)))), 201);
        }
        assertThat(alice.unreadBadge("archive")).hasText("60");

        // Alice reloads: the same history of #general (resumed from this tab's saved state), and the unread
        // counts from the server's boot: 3 in #random, and 60 in #archive, which she has never opened.
        List<String> beforeReload = alice.messageTexts();
        alice.page.reload();
        alice.assertLive();
        assertThat(alice.page.getByTestId("channel-title")).hasText("#general");
        assertThat(alice.messages()).hasCount(beforeReload.size());
        assertThat(alice.messageTexts()).isEqualTo(beforeReload);
        assertThat(alice.unreadBadge("random")).hasText("3");
        assertThat(alice.unreadBadge("archive")).hasText("60");
        assertThat(alice.unreadBadge("general")).hasCount(0);
        assertSameTimeline(alice, bob);
        alice.screenshot("06-after-reload");

        // Opening #archive clears its badge and shows the newest page; scrolling back pages in the rest.
        alice.openChannel("archive");
        assertThat(alice.message("archived 60")).hasCount(1);
        assertThat(alice.unreadBadge("archive")).hasCount(0);
        assertThat(alice.messages()).hasCount(50);
        assertThat(alice.message("archived 1")).hasCount(0); // not on the newest page
        alice.screenshot("07-newest-page");
        alice.page.getByTestId("load-older").scrollIntoViewIfNeeded();
        assertThat(alice.message("archived 1")).hasCount(1);
        assertThat(alice.page.getByTestId("channel-start")).isVisible();
        assertThat(alice.messageTexts()).isEqualTo(seeded); // each once, in order
        assertSeqsUniqueAndAscending(alice);
        alice.screenshot("08-scrolled-back");

        alice.openChannel("random");
        assertThat(alice.messages().getByTestId("text")).hasText(inRandom.toArray(String[]::new));
        assertThat(alice.unreadBadge("random")).hasCount(0);

        // The read markers are the server's: after another reload nothing is unread.
        alice.openChannel("general");
        alice.page.reload();
        alice.assertLive();
        assertThat(alice.channel("archive")).isVisible();
        assertThat(alice.page.getByTestId("unread")).hasCount(0);
        alice.screenshot("09-read-after-reload");

        assertThat(alice.errors).as("console errors in Alice's page").isEmpty();
        assertThat(bob.errors).as("console errors in Bob's page").isEmpty();
    }

    @Test
    void fallsBackToServerSentEventsWhereWebSocketsFail() {
        ChatPage carol = person("carol");
        // Every WebSocket this page opens is closed before the server could say hello, as a proxy that refuses upgrades would.
        carol.context.routeWebSocket(Pattern.compile(".*/api/ws.*"), ws -> ws.close());
        carol.open().signUp("carol", "Carol");
        String teamId = carol.createTeam("Sse");
        assertThat(carol.page.getByTestId("status")).hasAttribute("data-transport", "sse");

        // Another member, over plain HTTP, posts; Carol sees it live over SSE and can answer.
        APIRequestContext anon = api(null);
        JsonNode dave = json(anon.post("/api/auth/signup", RequestOptions.create()
                .setData(Map.of("username", "dave", "displayName", "Dave"))), 201);
        APIRequestContext daveApi = api(dave.path("token").asText());
        String general = json(daveApi.post("/api/teams/" + teamId + "/members"), 200).path("generalChannelId").asText();
        expectStatus(daveApi.post("/api/channels/" + general + "/messages", RequestOptions.create()
                .setData(Map.of("clientMsgId", "d-1", "text", "hello over SSE"))), 201);
        assertThat(carol.message("hello over SSE")).hasCount(1);
        carol.send("answered over HTTP");
        carol.assertAllSent();
        assertThat(carol.message("answered over HTTP")).hasCount(1);
        assertSeqsUniqueAndAscending(carol);
        carol.screenshot("10-sse-fallback");

        // A drop on SSE resumes without a gap too: what was missed is read from GET /events.
        carol.context.setOffline(true);
        assertThat(carol.page.getByTestId("status")).hasAttribute("data-state", "offline");
        List<String> missed = List.of("missed over SSE 1", "missed over SSE 2");
        for (int i = 0; i < missed.size(); i++) {
            expectStatus(daveApi.post("/api/channels/" + general + "/messages", RequestOptions.create()
                    .setData(Map.of("clientMsgId", "d-missed-" + i, "text", missed.get(i)))), 201);
        }
        carol.context.setOffline(false);
        assertThat(carol.page.getByTestId("status")).hasAttribute("data-state", "live");
        assertThat(carol.messages().getByTestId("text")).containsText(missed.toArray(String[]::new));
        missed.forEach(text -> assertThat(carol.message(text)).hasCount(1));
        expectStatus(daveApi.post("/api/channels/" + general + "/messages", RequestOptions.create()
                .setData(Map.of("clientMsgId", "d-after", "text", "live again over SSE"))), 201);
        assertThat(carol.message("live again over SSE")).hasCount(1);
        assertSeqsUniqueAndAscending(carol);
        carol.screenshot("11-sse-resumed");

        assertThat(carol.errors).as("console errors in Carol's page").isEmpty();
    }

    private ChatPage person(String name) {
        BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1100, 760));
        context.setDefaultTimeout(TIMEOUT_MS);
        ChatPage page = new ChatPage(name, context, server.baseUrl(), SCREENSHOTS);
        pages.add(page);
        return page;
    }

    private APIRequestContext api(String token) {
        APIRequestContext request = playwright.request().newContext(new APIRequest.NewContextOptions()
                .setBaseURL(server.baseUrl())
                .setExtraHTTPHeaders(token == null ? Map.of() : Map.of("Authorization", "Bearer " + token)));
        requests.add(request);
        return request;
    }

    /** Both pages show the same messages, in the same order, each seq once. */
    private static void assertSameTimeline(ChatPage one, ChatPage other) {
        assertThat(other.messages()).hasCount(one.messages().count());
        assertThat(other.messageTexts()).isEqualTo(one.messageTexts());
        assertThat(other.messageSeqs()).isEqualTo(one.messageSeqs());
        assertSeqsUniqueAndAscending(one);
    }

    private static void assertSeqsUniqueAndAscending(ChatPage page) {
        List<Long> seqs = page.messageSeqs().stream().map(Long::parseLong).toList();
        assertThat(seqs).as("seqs on %s's page", page.name).isSorted().doesNotHaveDuplicates();
    }

    private static void expectStatus(APIResponse response, int status) {
        assertThat(response.status()).as("%s %s", response.url(), response.text()).isEqualTo(status);
    }

    private static JsonNode json(APIResponse response, int status) {
        expectStatus(response, status);
        try {
            return JSON.readTree(response.text());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + response.text(), e);
        }
    }
}
