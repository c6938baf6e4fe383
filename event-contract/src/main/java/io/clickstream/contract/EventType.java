package io.clickstream.contract;

import java.util.Arrays;
import java.util.Optional;

/** The standard event types. Any other snake_case name is a custom event and passes through unchanged. */
public enum EventType {
    PAGE_VIEW, CLICK, PRODUCT_VIEW, ADD_TO_CART, REMOVE_FROM_CART, CHECKOUT_START, PURCHASE;

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
