package io.clickstream.launcher.simulate;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class JourneysTest {
    private static final Instant START = Instant.parse("2026-11-23T10:00:00Z");

    @Test
    void theSameSeedPlansTheSameVisits() {
        List<PlannedEvent> a = new Journeys(7, START, "demo").plan(2000, 60_000);
        List<PlannedEvent> b = new Journeys(7, START, "demo").plan(2000, 60_000);
        assertThat(a).hasSameSizeAs(b);
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.get(i).event().eventType()).isEqualTo(b.get(i).event().eventType());
            assertThat(a.get(i).visitor()).isEqualTo(b.get(i).visitor());
            assertThat(a.get(i).sendAtMs()).isEqualTo(b.get(i).sendAtMs());
        }
        assertThat(new Journeys(8, START, "demo").plan(2000, 60_000)).extracting(PlannedEvent::visitor)
                .isNotEqualTo(a.stream().map(PlannedEvent::visitor).toList());
    }

    @Test
    void eventsComeOutInTheOrderTheyAreDueSpreadOverTheRun() {
        var schedule = new Journeys(5, START, "demo").schedule(100_000, 1_800_000);
        long previous = -1;
        long count = 0;
        long[] perTenth = new long[10];
        while (schedule.hasNext()) {
            PlannedEvent e = schedule.next();
            assertThat(e.sendAtMs()).isGreaterThanOrEqualTo(previous);
            previous = e.sendAtMs();
            perTenth[(int) Math.min(9, e.sendAtMs() / 180_000)]++;
            count++;
        }
        // About the events asked for (the last visit may run over by its own length), starting over the first 90%.
        assertThat(count).isBetween(100_000L, 100_050L);
        for (int tenth = 0; tenth < 9; tenth++) {
            assertThat(perTenth[tenth]).as("events due in tenth %d", tenth).isBetween(10_000L, 12_300L);
        }
        assertThat(perTenth[9]).as("only the last visits run into the last tenth").isLessThan(2_000);
    }

    @Test
    void visitsFollowTheFunnelOrderAndPurchasesAddUp() {
        List<PlannedEvent> plan = new Journeys(1, START, "demo").plan(5000, 120_000);
        Map<String, List<PlannedEvent>> byVisitor = plan.stream().filter(e -> !e.bot())
                .collect(Collectors.groupingBy(PlannedEvent::visitor));
        assertThat(byVisitor).isNotEmpty();
        byVisitor.values().forEach(events -> {
            List<String> types = events.stream().map(e -> e.event().eventType()).toList();
            if (types.contains("purchase")) {
                assertThat(types.indexOf("checkout_start")).isLessThan(types.lastIndexOf("purchase"));
            }
        });
        plan.stream().filter(e -> e.event().eventType().equals("purchase")).forEach(e -> {
            var c = e.event().commerce();
            var sum = c.products().stream().map(p -> p.price().multiply(java.math.BigDecimal.valueOf(p.quantity())))
                    .reduce(java.math.BigDecimal.ZERO, java.math.BigDecimal::add);
            assertThat(c.revenue()).isEqualByComparingTo(sum);
            assertThat(c.currency()).isEqualTo(Catalog.CURRENCY);
        });
    }

    @Test
    void thePlanHoldsBotsLateEventsAndBrokenOnes() {
        List<PlannedEvent> plan = new Journeys(3, START, "demo").plan(20_000, 600_000);
        assertThat(plan).anyMatch(PlannedEvent::bot);
        assertThat(plan).anyMatch(e -> e.kind() == PlannedEvent.Kind.TOO_LATE
                && e.event().occurredAt().isBefore(START.minusSeconds(3600)));
        assertThat(plan).anyMatch(e -> e.kind() == PlannedEvent.Kind.QUARANTINE
                && e.event().commerce().products().get(0).price().signum() < 0);
        assertThat(plan).anyMatch(e -> e.kind() == PlannedEvent.Kind.GATEWAY_INVALID);
        assertThat(plan).anyMatch(e -> e.event().page() != null && e.event().page().url().contains("utm_source="));
    }
}
