import { test, expect } from "@playwright/test";
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type Server } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Stripe from "stripe";

// Stripe's official Node SDK against the local Stripe, started alone
// (`server local-stripe`) as api.stripe.com would be: the SDK's own requests,
// typed errors and webhook verifier decide whether the stand-in speaks Stripe.

const SECRET = "whsec_node_sdk_shared_secret";
const KEY = "sk_test_node_sdk_0000000001";

type Received = { body: string; signature: string };

let standIn: ChildProcess;
let hooks: Server;
let received: Received[] = [];
let apiBase = "";
let hookBase = "";
let dataDir = "";
let stripe: Stripe;

function serverBinary(): string {
  if (process.env.SHOPFRONT_SERVER_BIN) return process.env.SHOPFRONT_SERVER_BIN;
  const target = process.env.CARGO_TARGET_DIR ?? path.resolve(__dirname, "../../target");
  return path.join(target, "release", "server");
}

test.beforeAll(async () => {
  // The webhook endpoint: keeps each raw body and signature; also serves the
  // success and cancel pages the stand-in redirects to.
  hooks = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      if (req.method === "POST" && req.url === "/hook") {
        received.push({
          body: Buffer.concat(chunks).toString("utf8"),
          signature: String(req.headers["stripe-signature"] ?? ""),
        });
      }
      res.writeHead(200, { "content-type": "text/html" });
      res.end(`<!doctype html><title>store</title><p id="landed">${req.url}</p>`);
    });
  });
  await new Promise<void>((resolve) => hooks.listen(0, "127.0.0.1", resolve));
  const address = hooks.address();
  if (!address || typeof address === "string") throw new Error("no address");
  hookBase = `http://127.0.0.1:${address.port}`;

  dataDir = mkdtempSync(path.join(tmpdir(), "local-stripe-sdk-"));
  standIn = spawn(serverBinary(), ["local-stripe"], {
    env: {
      ...process.env,
      LOCAL_STRIPE_ADDR: "127.0.0.1:0",
      LOCAL_STRIPE_KEY: KEY,
      LOCAL_STRIPE_WEBHOOK_URL: `${hookBase}/hook`,
      STRIPE_WEBHOOK_SECRET: SECRET,
      SHOPFRONT_DATA_DIR: dataDir,
      RUST_LOG: "warn",
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  apiBase = await new Promise<string>((resolve, reject) => {
    let log = "";
    const timer = setTimeout(() => reject(new Error(`local-stripe did not start:\n${log}`)), 15_000);
    standIn.stderr?.on("data", (chunk: Buffer) => {
      log += chunk.toString();
      // Whole line only: a chunk may end mid-port.
      const match = log.match(/listening on (http:\/\/[0-9.:]+)\n/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    standIn.on("exit", (code) => reject(new Error(`local-stripe exited ${code}:\n${log}`)));
  });
  const url = new URL(apiBase);
  stripe = new Stripe(KEY, { host: url.hostname, port: Number(url.port), protocol: "http" });
});

test.afterAll(async () => {
  standIn?.kill();
  await new Promise<void>((resolve) => hooks?.close(() => resolve()));
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function createSession(extra: Partial<Stripe.Checkout.SessionCreateParams> = {}) {
  return stripe.checkout.sessions.create({
    mode: "payment",
    line_items: [
      { price_data: { currency: "usd", unit_amount: 1999, product_data: { name: "Mug" } }, quantity: 2 },
      { price_data: { currency: "usd", unit_amount: 450, product_data: { name: "Sticker" } }, quantity: 1 },
    ],
    success_url: `${hookBase}/checkout/success?session_id={CHECKOUT_SESSION_ID}`,
    cancel_url: `${hookBase}/cart`,
    client_reference_id: "order_42",
    metadata: { cart_id: "cart_abc" },
    payment_intent_data: { metadata: { checkout_id: "42" } },
    ...extra,
  });
}

async function waitForEvent(type: string, sessionId: string): Promise<Received> {
  for (let i = 0; i < 200; i++) {
    const hit = received.find((r) => {
      const event = JSON.parse(r.body);
      return event.type === type && event.data.object.id === sessionId;
    });
    if (hit) return hit;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no ${type} for ${sessionId}`);
}

test("the Node SDK creates a session and retrieves it with expanded line items", async () => {
  const session = await createSession();
  expect(session.id).toMatch(/^cs_test_/);
  expect(session.object).toBe("checkout.session");
  expect(session.amount_total).toBe(4448);
  expect(session.status).toBe("open");
  expect(session.payment_status).toBe("unpaid");
  expect(session.metadata).toEqual({ cart_id: "cart_abc" });
  expect(session.url).toBe(`${apiBase}/local-stripe/pay/${session.id}`);
  expect(session.lastResponse.requestId).toMatch(/^req_/);

  const expanded = await stripe.checkout.sessions.retrieve(session.id, {
    expand: ["line_items", "payment_intent"],
  });
  expect(expanded.line_items?.data.map((l) => [l.description, l.quantity, l.amount_total])).toEqual([
    ["Mug", 2, 3998],
    ["Sticker", 1, 450],
  ]);
  expect(expanded.payment_intent).toBeNull();

  const page = await stripe.checkout.sessions.listLineItems(session.id, { limit: 1 });
  expect(page.data).toHaveLength(1);
  expect(page.has_more).toBe(true);
});

test("the Node SDK sees the stand-in's 400, 404 and 401 as its own typed errors", async () => {
  const missingParam = await stripe.checkout.sessions
    .create({ mode: "payment", line_items: [] as Stripe.Checkout.SessionCreateParams.LineItem[] })
    .catch((e) => e);
  expect(missingParam).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
  expect(missingParam.statusCode).toBe(400);
  expect(missingParam.code).toBe("parameter_missing");
  expect(["success_url", "line_items"]).toContain(missingParam.param);
  expect(missingParam.requestId).toMatch(/^req_/);

  const badQuantity = await createSession({
    line_items: [{ price_data: { currency: "usd", unit_amount: 100, product_data: { name: "Mug" } }, quantity: 0 }],
  }).catch((e) => e);
  expect(badQuantity).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
  expect(badQuantity.param).toBe("line_items[0][quantity]");

  const missing = await stripe.checkout.sessions.retrieve("cs_test_does_not_exist").catch((e) => e);
  expect(missing).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
  expect(missing.statusCode).toBe(404);
  expect(missing.code).toBe("resource_missing");

  const url = new URL(apiBase);
  const wrongKey = new Stripe("sk_live_not_for_local_use", { host: url.hostname, port: Number(url.port), protocol: "http" });
  const unauthorized = await wrongKey.checkout.sessions.retrieve("cs_test_x").catch((e) => e);
  expect(unauthorized).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
  expect(unauthorized.statusCode).toBe(401);
});

test("the Node SDK's idempotency key replays the first session", async () => {
  const first = await createSession({}, );
  const key = `node-sdk-${Date.now()}`;
  const a = await stripe.checkout.sessions.create(
    { mode: "payment", line_items: [{ price_data: { currency: "eur", unit_amount: 500, product_data: { name: "Card" } }, quantity: 1 }], success_url: `${hookBase}/ok` },
    { idempotencyKey: key },
  );
  const b = await stripe.checkout.sessions.create(
    { mode: "payment", line_items: [{ price_data: { currency: "eur", unit_amount: 500, product_data: { name: "Card" } }, quantity: 1 }], success_url: `${hookBase}/ok` },
    { idempotencyKey: key },
  );
  expect(b.id).toBe(a.id);
  expect(a.id).not.toBe(first.id);
  const changed = await stripe.checkout.sessions
    .create(
      { mode: "payment", line_items: [{ price_data: { currency: "eur", unit_amount: 501, product_data: { name: "Card" } }, quantity: 1 }], success_url: `${hookBase}/ok` },
      { idempotencyKey: key },
    )
    .catch((e) => e);
  expect(changed).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
});

test("paying on the hosted page sends events that stripe.webhooks.constructEvent accepts", async ({ page }) => {
  const session = await createSession();
  await page.goto(session.url!);
  await expect(page.getByText("Test mode")).toBeVisible();
  await expect(page.getByTestId("pay-total")).toHaveText("$44.48");
  await page.getByLabel("Email").fill("ada@example.com");
  await page.getByLabel("Card number").fill("4000 0000 0000 0002");
  await page.getByLabel("Expiry").fill("12 / 34");
  await page.getByLabel("CVC").fill("123");
  await page.getByRole("button", { name: "Pay $44.48" }).click();
  await expect(page.getByTestId("pay-error")).toHaveText("Your card was declined.");

  const declined = await stripe.checkout.sessions.retrieve(session.id);
  expect(declined.status).toBe("open");

  await page.getByLabel("Card number").fill("4242 4242 4242 4242");
  await page.getByRole("button", { name: "Pay $44.48" }).click();
  await expect(page).toHaveURL(`${hookBase}/checkout/success?session_id=${session.id}`);

  const delivery = await waitForEvent("checkout.session.completed", session.id);
  const event = stripe.webhooks.constructEvent(delivery.body, delivery.signature, SECRET);
  expect(event.type).toBe("checkout.session.completed");
  const paid = event.data.object as Stripe.Checkout.Session;
  expect(paid.payment_status).toBe("paid");
  expect(paid.amount_total).toBe(4448);
  expect(paid.customer_details?.email).toBe("ada@example.com");

  const failed = received
    .map((r) => ({ r, event: JSON.parse(r.body) }))
    .find(({ event }) => event.type === "payment_intent.payment_failed" && event.data.object.id === paid.payment_intent);
  expect(failed, "the decline was reported").toBeTruthy();
  const failure = stripe.webhooks.constructEvent(failed!.r.body, failed!.r.signature, SECRET);
  expect((failure.data.object as Stripe.PaymentIntent).last_payment_error?.decline_code).toBe("generic_decline");

  // The verifier refuses the same body under another secret, or with one byte changed.
  expect(() => stripe.webhooks.constructEvent(delivery.body, delivery.signature, "whsec_wrong")).toThrow(
    Stripe.errors.StripeSignatureVerificationError,
  );
  expect(() => stripe.webhooks.constructEvent(delivery.body.replace("4448", "4449"), delivery.signature, SECRET)).toThrow(
    Stripe.errors.StripeSignatureVerificationError,
  );

  const intent = await stripe.paymentIntents.retrieve(String(paid.payment_intent));
  expect(intent.status).toBe("succeeded");
  expect(intent.metadata).toEqual({ checkout_id: "42" });
});

test("the pay page fits a 360 px phone and its cancel link returns to the store", async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  const session = await createSession({ customer_email: "locked@example.com" });
  await page.goto(session.url!);
  await expect(page.getByLabel("Email")).toHaveValue("locked@example.com");
  await expect(page.getByLabel("Email")).toHaveAttribute("readonly", "");
  const scrolls = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  expect(scrolls).toBe(false);
  await page.screenshot({ path: "../target/e2e-results/local-stripe-pay-360.png", fullPage: true });
  await page.getByRole("link", { name: "Back to Shopfront" }).click();
  await expect(page).toHaveURL(`${hookBase}/cart`);
  expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe("open");
});

test("the events page lists each delivery with its status code", async ({ page }) => {
  const session = await createSession();
  await stripe.checkout.sessions.expire(session.id);
  await waitForEvent("checkout.session.expired", session.id);
  await page.goto(`${apiBase}/local-stripe/events`);
  const row = page.locator("tr[data-type='checkout.session.expired']").first();
  await expect(row).toContainText("Delivered");
  await expect(row).toContainText("200");
  await expect(row.getByRole("button", { name: "Resend" })).toBeVisible();
});
