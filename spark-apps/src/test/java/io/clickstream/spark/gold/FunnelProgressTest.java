package io.clickstream.spark.gold;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import static io.clickstream.spark.gold.Session.STEP_CART;
import static io.clickstream.spark.gold.Session.STEP_CHECKOUT;
import static io.clickstream.spark.gold.Session.STEP_PRODUCT_VIEW;
import static io.clickstream.spark.gold.Session.STEP_PURCHASE;
import static io.clickstream.spark.gold.Session.STEP_VIEW;
import static org.assertj.core.api.Assertions.assertThat;

class FunnelProgressTest {
    private static final long MIN = 60_000;

    private static FunnelProgress progress(long[]... events) {
        FunnelProgress p = new FunnelProgress();
        for (long[] e : events) {
            p.add((int) e[0], e[1]);
        }
        return p;
    }

    private static long[] at(int step, long timeMs) {
        return new long[] {step, timeMs};
    }

    @Test
    void aLateProductViewPlacesTheCartAndCheckoutThatCameAfterItInEventTime() {
        FunnelProgress p = progress(at(STEP_VIEW, 1 * MIN), at(STEP_CART, 3 * MIN), at(STEP_CHECKOUT, 4 * MIN));
        assertThat(p.step()).isEqualTo(STEP_VIEW);

        p.add(STEP_PRODUCT_VIEW, 2 * MIN);
        assertThat(p.step()).isEqualTo(STEP_CHECKOUT);
    }

    @Test
    void aLateCheckoutFromBeforeTheCartDoesNotCount() {
        FunnelProgress p = progress(at(STEP_PRODUCT_VIEW, 1 * MIN), at(STEP_CART, 5 * MIN));
        assertThat(p.step()).isEqualTo(STEP_CART);

        p.add(STEP_CHECKOUT, 3 * MIN);
        assertThat(p.step()).isEqualTo(STEP_CART);
        p.add(STEP_CHECKOUT, 6 * MIN);
        assertThat(p.step()).isEqualTo(STEP_CHECKOUT);
        // an earlier cart moves the cart step back, and the checkout at 3 minutes then comes after it
        p.add(STEP_CART, 2 * MIN);
        p.add(STEP_PURCHASE, 4 * MIN);
        assertThat(p.step()).isEqualTo(STEP_PURCHASE);
    }

    @Test
    void eventsOfTheSameMillisecondCountInFunnelOrder() {
        assertThat(progress(at(STEP_PURCHASE, MIN), at(STEP_CHECKOUT, MIN), at(STEP_CART, MIN),
                at(STEP_PRODUCT_VIEW, MIN)).step()).isEqualTo(STEP_PURCHASE);
    }

    @Test
    void onlyTheTimesThatCanStillMatterAreKept() {
        FunnelProgress p = progress(at(STEP_CART, 1 * MIN), at(STEP_VIEW, 2 * MIN), at(STEP_PRODUCT_VIEW, 3 * MIN),
                at(STEP_CART, 4 * MIN), at(STEP_CART, 5 * MIN), at(STEP_VIEW, 6 * MIN));

        // the view and product view keep their earliest; the cart keeps the one that reached the step and the one
        // before the product view (an earlier product view arriving late would place it); the cart at 5 cannot matter
        assertThat(p.kept()).containsExactly(at(STEP_VIEW, 2 * MIN), at(STEP_PRODUCT_VIEW, 3 * MIN),
                at(STEP_CART, 1 * MIN), at(STEP_CART, 4 * MIN));
        assertThat(FunnelProgress.restore(p.kept()).kept()).containsExactlyElementsOf(p.kept());
    }

    @Test
    void aStepWithThousandsOfEarlyEventsKeepsABoundedNumber() {
        FunnelProgress p = new FunnelProgress();
        for (int i = 0; i < 5_000; i++) {
            p.add(STEP_CART, i);
        }
        p.add(STEP_PRODUCT_VIEW, 10);
        assertThat(p.step()).isEqualTo(STEP_CART);
        assertThat(p.kept()).hasSizeLessThanOrEqualTo(FunnelProgress.MAX_KEPT + 2);
    }

    /**
     * The step does not depend on the order events arrive in, nor on how they are split between stored states: for
     * random sessions, every arrival order split into batches (each stored and restored, as {@code gold.sessions}
     * does) gives the step of walking the events once in event-time order.
     */
    @Test
    void arrivalOrderAndBatchingDoNotChangeTheStep() {
        Random random = new Random(7);
        for (int session = 0; session < 2_000; session++) {
            List<long[]> events = new ArrayList<>();
            int n = 1 + random.nextInt(12);
            for (int i = 0; i < n; i++) {
                events.add(at(1 + random.nextInt(STEP_PURCHASE), random.nextInt(20) * 1_000L));
            }
            int expected = inEventTimeOrder(events);

            List<long[]> arrival = new ArrayList<>(events);
            Collections.shuffle(arrival, random);
            FunnelProgress p = new FunnelProgress();
            for (long[] e : arrival) {
                p.add((int) e[0], e[1]);
                if (random.nextInt(3) == 0) {
                    p = FunnelProgress.restore(p.kept());
                }
            }
            assertThat(p.step()).as("session %d: %s", session, describe(events)).isEqualTo(expected);
        }
    }

    /** The funnel's definition, walked once over the events sorted by time, same-time events in funnel order. */
    private static int inEventTimeOrder(List<long[]> events) {
        List<long[]> sorted = new ArrayList<>(events);
        sorted.sort(Comparator.<long[]>comparingLong(e -> e[1]).thenComparingLong(e -> e[0]));
        int step = 0;
        for (long[] e : sorted) {
            int type = (int) e[0];
            if (type <= STEP_PRODUCT_VIEW) {
                step = Math.max(step, type);
            } else if (step == type - 1) {
                step = type;
            }
        }
        return step;
    }

    private static String describe(List<long[]> events) {
        StringBuilder s = new StringBuilder();
        events.forEach(e -> s.append(e[0]).append('@').append(e[1]).append(' '));
        return s.toString();
    }
}
