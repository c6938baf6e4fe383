// Sends a visitor's calls through RudderStack's Node SDK, as a server application would, and exits 0 once the SDK
// has delivered them all (1 with the SDK's error otherwise). Arguments: gateway URL, write key, anonymous id.
const Analytics = require('@rudderstack/rudder-sdk-node');

const [dataPlaneUrl, writeKey, anonymousId] = process.argv.slice(2);
const failures = [];
// Defaults kept (gzip on, /v1/batch, Basic auth), except retries: a refusal must show here, not be retried.
const client = new Analytics(writeKey, { dataPlaneUrl, flushAt: 100, flushInterval: 60000, retryCount: 0, logLevel: 'error',
  errorHandler: (err) => failures.push(err) });

client.page({ anonymousId, name: 'Home', properties: { url: 'https://shop.example/', path: '/', title: 'Home' } });
client.track({ anonymousId, event: 'Product Viewed',
  properties: { sku: 'G-32', name: 'Monopoly', category: 'Games', price: 18.99, quantity: 1 } });
client.track({ anonymousId, userId: 'u-7', event: 'Order Completed',
  properties: { order_id: 'o-1', revenue: 25, currency: 'EUR', products: [{ sku: 'G-32', price: 25, quantity: 1 }] } });
client.identify({ anonymousId, userId: 'u-7', traits: { plan: 'pro' } });

client.flush().then(() => setImmediate(() => {
  for (const err of failures) {
    const response = err.response ? ` (${err.response.status} ${JSON.stringify(err.response.data)})` : '';
    console.error(`delivery failed: ${err.message}${response}`);
  }
  process.exit(failures.length === 0 ? 0 : 1);
}), (err) => {
  console.error(`flush failed: ${err.message}`);
  process.exit(1);
});
