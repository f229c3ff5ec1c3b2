package io.backchannel.gateway.stream;

import io.backchannel.api.channel.ChannelEvent;
import io.backchannel.api.channel.EventPage;
import io.backchannel.api.channel.FetchEventsQuery;
import io.backchannel.api.message.MessagePostedEvent;
import io.backchannel.gateway.bus.AxonClient;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/**
 * Reads of a channel's log are shared as far as they can be, and never keep from a reader an event stored
 * before it subscribed.
 */
class ChannelLogTest {

    private static final String CHANNEL = "c1";
    private static final int PAGE = 200;
    /** A reader waiting on a read nobody answers fails instead of hanging. */
    private static final Duration WAIT = Duration.ofSeconds(5);

    /** The channel's events as the projections hold them. */
    private final List<ChannelEvent> stored = new CopyOnWriteArrayList<>();
    /** Every read of the projections, in the order they began; each answers what was stored when it began. */
    private final List<PendingRead> reads = new CopyOnWriteArrayList<>();
    private final ChannelLog log;

    private record PendingRead(FetchEventsQuery query, EventPage page, Sinks.One<EventPage> reply) {
    }

    ChannelLogTest() {
        AxonClient axon = mock(AxonClient.class);
        when(axon.query(any(FetchEventsQuery.class), eq(EventPage.class))).thenAnswer(invocation -> {
            FetchEventsQuery query = invocation.getArgument(0);
            return Mono.defer(() -> {
                List<ChannelEvent> after = stored.stream().filter(event -> event.seq() > query.afterSeq()).toList();
                PendingRead read = new PendingRead(query, new EventPage(after.subList(0, Math.min(query.limit(), after.size())),
                        after.size() > query.limit()), Sinks.one());
                reads.add(read);
                return read.reply().asMono();
            });
        });
        log = new ChannelLog(axon, new StreamProperties(1024, 8192, Duration.ofSeconds(15), Duration.ofSeconds(30),
                Duration.ofSeconds(30), Duration.ofSeconds(5), PAGE, 200));
    }

    /**
     * In a storm, subscribers reach the last page at different moments. One who subscribed before someone else
     * began reading it takes that read when it gets there, however long ago it ended.
     */
    @Test
    void aSubscriberWhoWentLiveBeforeTheLastPageWasReadTakesThatReadWhenItGetsThere() {
        store(1, 450);
        List<Long> other = new CopyOnWriteArrayList<>();

        StepVerifier.create(log.after(CHANNEL, 0).flatMapIterable(run -> run).map(ChannelEvent::seq))
                .then(() -> log.after(CHANNEL, 200).flatMapIterable(run -> run).subscribe(event -> other.add(event.seq())))
                .then(() -> answer(1))
                .then(() -> answer(2))
                .then(() -> assertThat(other).containsExactlyElementsOf(seqs(201, 450)))
                .then(() -> answer(0))
                .expectNextSequence(seqs(1, 450))
                .expectComplete()
                .verify(WAIT);

        assertThat(reads).as("one read of each page").hasSize(3);
    }

    @Test
    void aSubscriberWhoJoinsALastPageReadBegunBeforeItSubscribedReadsAgainAndMissesNothing() {
        store(1, 100);
        List<Long> first = new CopyOnWriteArrayList<>();
        log.after(CHANNEL, 0).flatMapIterable(run -> run).subscribe(event -> first.add(event.seq()));
        store(101, 101);

        StepVerifier.create(log.after(CHANNEL, 0).flatMapIterable(run -> run).map(ChannelEvent::seq))
                .then(() -> answer(0))
                .then(() -> answer(1))
                .expectNextSequence(seqs(1, 101))
                .expectComplete()
                .verify(WAIT);

        assertThat(first).containsExactlyElementsOf(seqs(1, 100));
        assertThat(reads).hasSize(2);
    }

    @Test
    void aLastPageReadIsNotTakenBySubscribersWhoCameAfterItButServesAHoleItCovers() {
        store(1, 100);
        log.after(CHANNEL, 0).subscribe();
        answer(0);
        store(101, 101);

        StepVerifier.create(log.between(CHANNEL, 0, 100).flatMapIterable(run -> run).map(ChannelEvent::seq))
                .expectNextSequence(seqs(1, 100))
                .expectComplete()
                .verify(WAIT);
        assertThat(reads).hasSize(1);

        StepVerifier.create(log.after(CHANNEL, 0).flatMapIterable(run -> run).map(ChannelEvent::seq))
                .then(() -> answer(1))
                .expectNextSequence(seqs(1, 101))
                .expectComplete()
                .verify(WAIT);
        assertThat(reads).hasSize(2);
    }

    @Test
    void aLaterReadOfTheLastPageReadsOnlyWhatFollowsItAndKeepsTheSamePageWhenNothingDoes() {
        store(1, 100);
        List<List<ChannelEvent>> runs = new CopyOnWriteArrayList<>();
        log.after(CHANNEL, 0).subscribe(runs::add);
        answer(0);

        log.after(CHANNEL, 0).subscribe(runs::add);
        answer(1);
        store(101, 103);
        StepVerifier.create(log.after(CHANNEL, 0).flatMapIterable(run -> run).map(ChannelEvent::seq))
                .then(() -> answer(2))
                .expectNextSequence(seqs(1, 103))
                .expectComplete()
                .verify(WAIT);

        assertThat(reads).extracting(PendingRead::query).containsExactly(new FetchEventsQuery(CHANNEL, 0, PAGE),
                new FetchEventsQuery(CHANNEL, 100, PAGE - 100), new FetchEventsQuery(CHANNEL, 100, PAGE - 100));
        assertThat(runs).hasSize(2);
        assertThat(runs.get(1)).as("the same events, as the same list").isSameAs(runs.get(0));
    }

    /** A last page that was exactly a page long grows into a full page, and the reader goes on past it. */
    @Test
    void aLastPageOfAWholePageThatGrewBecomesAFullPage() {
        store(1, PAGE);
        log.after(CHANNEL, 0).subscribe();
        answer(0);
        store(PAGE + 1, PAGE + 1);

        StepVerifier.create(log.after(CHANNEL, 0).flatMapIterable(run -> run).map(ChannelEvent::seq))
                .then(() -> answer(1))
                .then(() -> answer(2))
                .expectNextSequence(seqs(1, PAGE + 1))
                .expectComplete()
                .verify(WAIT);

        assertThat(reads).extracting(PendingRead::query).containsExactly(new FetchEventsQuery(CHANNEL, 0, PAGE),
                new FetchEventsQuery(CHANNEL, PAGE, 0), new FetchEventsQuery(CHANNEL, PAGE, PAGE));
    }

    @Test
    void aFailedReadIsTriedAgainByTheNextReader() {
        store(1, 10);
        StepVerifier.create(log.after(CHANNEL, 0))
                .then(() -> reads.get(0).reply().tryEmitError(new IllegalStateException("projections unavailable")))
                .expectErrorMessage("projections unavailable")
                .verify(WAIT);

        StepVerifier.create(log.after(CHANNEL, 0).flatMapIterable(run -> run).map(ChannelEvent::seq))
                .then(() -> answer(1))
                .expectNextSequence(seqs(1, 10))
                .expectComplete()
                .verify(WAIT);
    }

    private void store(long from, long to) {
        LongStream.rangeClosed(from, to).forEach(seq -> stored.add(new MessagePostedEvent(CHANNEL, seq, Instant.EPOCH,
                "m" + seq, "k" + seq, "u1", "text " + seq, null)));
    }

    private void answer(int read) {
        assertThat(reads).as("reads begun").hasSizeGreaterThan(read);
        reads.get(read).reply().tryEmitValue(reads.get(read).page());
    }

    private static Collection<Long> seqs(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }
}
