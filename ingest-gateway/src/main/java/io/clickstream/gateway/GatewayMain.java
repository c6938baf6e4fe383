package io.clickstream.gateway;

import io.clickstream.gateway.resource.RequestUriCheck;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/** The gateway's entry point: Quarkus, with its URI check handed to {@link RequestUriCheck}. */
@QuarkusMain
public class GatewayMain {
    public static void main(String... args) {
        // Read once, when Quarkus's HTTP layer is first loaded: it has to be set before Quarkus starts.
        System.setProperty(RequestUriCheck.QUARKUS_URI_CHECK_OFF, "true");
        Quarkus.run(args);
    }
}
