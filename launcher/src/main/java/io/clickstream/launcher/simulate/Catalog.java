package io.clickstream.launcher.simulate;

import java.math.BigDecimal;
import java.util.List;

/** The demo shop's products (the same SKUs the demo pages sell). */
public final class Catalog {
    public record Product(String sku, String name, String category, BigDecimal price) {
    }

    /** The demo shop's catalog (gateway: META-INF/resources/demo/shop.js), prices in its currency. */
    public static final String CURRENCY = "USD";

    public static final List<Product> PRODUCTS = List.of(
            new Product("MUG-01", "Stream Mug", "Kitchen", new BigDecimal("12.50")),
            new Product("BTL-01", "Offset Bottle", "Kitchen", new BigDecimal("9.90")),
            new Product("TEE-01", "Partition Tee", "Apparel", new BigDecimal("24.00")),
            new Product("CAP-01", "Broker Cap", "Apparel", new BigDecimal("18.00")),
            new Product("NB-01", "Schema Notebook", "Office", new BigDecimal("7.25")),
            new Product("PST-01", "Funnel Poster", "Office", new BigDecimal("15.00")));

    private Catalog() {
    }
}
