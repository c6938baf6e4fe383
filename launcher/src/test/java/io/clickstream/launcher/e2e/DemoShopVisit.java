package io.clickstream.launcher.e2e;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A person in headless Chromium (Debian's chromium and chromedriver) shopping in the demo shop: home, a product,
 * add to cart, cart, checkout, purchase; then the tab is closed so the tracker flushes on page hide.
 */
final class DemoShopVisit {
    static final String SKU = "MUG-01";

    /** Returns the visitor's anonymous id, read from the tracker's first-party storage. */
    static String shop(String gatewayUrl, Path profileParent) throws IOException {
        Path profile = Files.createTempDirectory(profileParent, "chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile,
                // Headless Chromium says "HeadlessChrome", which the user-agent rules rightly take for a bot; a
                // person's browser says Chrome.
                "--user-agent=Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        WebDriver driver = new ChromeDriver(service, options);
        try {
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
            driver.get(gatewayUrl + "/demo/");
            wait.until(ExpectedConditions.elementToBeClickable(By.id("product-" + SKU))).click();
            wait.until(ExpectedConditions.elementToBeClickable(By.id("add-to-cart"))).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("added")));
            wait.until(ExpectedConditions.elementToBeClickable(By.id("go-to-cart"))).click();
            wait.until(ExpectedConditions.elementToBeClickable(By.id("checkout"))).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("order-form")));
            wait.until(ExpectedConditions.elementToBeClickable(By.id("place-order"))).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("thank-you")));
            String anonymousId = (String) ((JavascriptExecutor) driver).executeScript("return localStorage.getItem('cs:aid')");
            // Close the shop's tab while another stays open: the browser keeps running and sends the page-hide beacon.
            String shopTab = driver.getWindowHandle();
            driver.switchTo().newWindow(WindowType.TAB);
            String other = driver.getWindowHandle();
            driver.switchTo().window(shopTab).close();
            driver.switchTo().window(other);
            return anonymousId;
        } finally {
            try {
                Thread.sleep(2000); // let the beacon leave before the browser exits
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            driver.quit();
        }
    }

    private DemoShopVisit() {
    }
}
