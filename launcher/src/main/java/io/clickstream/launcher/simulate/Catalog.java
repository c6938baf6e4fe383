package io.clickstream.launcher.simulate;

import java.math.BigDecimal;
import java.util.List;

/** The demo shop's products (the same SKUs the demo pages sell). */
public final class Catalog {
    public record Product(String sku, String name, String category, BigDecimal price) {
    }

    public static final List<Product> PRODUCTS = List.of(
            new Product("MUG-001", "Stoneware mug", "Kitchen", new BigDecimal("12.50")),
            new Product("TEA-014", "Sencha green tea", "Kitchen", new BigDecimal("8.90")),
            new Product("PAN-203", "Cast-iron pan", "Kitchen", new BigDecimal("39.00")),
            new Product("TSH-101", "Organic T-shirt", "Apparel", new BigDecimal("19.99")),
            new Product("HOD-110", "Hooded sweatshirt", "Apparel", new BigDecimal("49.00")),
            new Product("SOC-120", "Wool socks", "Apparel", new BigDecimal("9.50")),
            new Product("BKP-300", "Canvas backpack", "Outdoor", new BigDecimal("59.00")),
            new Product("BTL-310", "Steel bottle", "Outdoor", new BigDecimal("21.00")),
            new Product("LMP-400", "Desk lamp", "Home", new BigDecimal("34.90")),
            new Product("PLT-410", "Potted fern", "Home", new BigDecimal("15.00")));

    private Catalog() {
    }
}
