package io.clickstream.contract;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The standard event types. Any other snake_case name is a custom event and passes through unchanged; the names of
 * {@link #PROFILE_CALLS} are reserved for those calls.
 */
public enum EventType {
    PAGE_VIEW, CLICK, PRODUCT_VIEW, ADD_TO_CART, REMOVE_FROM_CART, CHECKOUT_START, PURCHASE,
    /** An app's screen (Segment's screen call, "the mobile equivalent of page"): a view, like a page view. */
    SCREEN_VIEW;

    /**
     * Event types that describe a visitor or user rather than record something they did: Segment's identify, group
     * and alias calls. They are kept like any event, but are no activity: no session, no daily active. A site that
     * identifies its user on every page load would otherwise never see a bounce, and a server that syncs its users'
     * traits nightly would make each of them an active visitor with a session.
     */
    public static final List<String> PROFILE_CALLS = List.of("identify", "group", "alias");

    /** The name on the wire, e.g. {@code add_to_cart}. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Optional<EventType> fromWire(String name) {
        return Arrays.stream(values()).filter(t -> t.wireName().equals(name)).findFirst();
    }

    /** Event types that carry products in {@code commerce.products}. */
    public boolean isCommerce() {
        return this == PRODUCT_VIEW || this == ADD_TO_CART || this == REMOVE_FROM_CART
                || this == CHECKOUT_START || this == PURCHASE;
    }
}
