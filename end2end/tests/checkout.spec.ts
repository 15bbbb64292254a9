import { expect, Page, test } from "@playwright/test";
import { addToCart, expectNoHorizontalScroll, goToPayment, payWith, shipTo, uniqueEmail, waitForHydration, watchConsole } from "./helpers";

// Checkout against the local Stripe the store starts when it has no keys: the
// shopper leaves for the hosted page, pays with a test card, and comes back to
// the order.

test("a guest pays with 4242 and the success page shows what was bought", async ({ page }) => {
  const errors = watchConsole(page);
  await addToCart(page, "linen-tea-towel", 2);
  await addToCart(page, "beeswax-candle", 1);
  await goToPayment(page);
  // $51.00 of goods and Standard shipping, $5.00 under $75.
  await expect(page.getByTestId("pay-total")).toHaveText("$56.00");
  await payWith(page, "4242 4242 4242 4242", "guest@example.com");

  await expect(page).toHaveURL(/\/checkout\/success\?session_id=cs_test_/);
  const success = page.getByTestId("order-success");
  await expect(success).toContainText("Thank you, your order is placed");
  // Paid on the local Stripe: a test order, and the page says so.
  await expect(page.getByTestId("test-order")).toHaveText("Test order: no money was taken.");
  await expect(page.getByTestId("test-mode-banner")).toContainText("Test mode");
  await expect(page.getByTestId("order-number")).toHaveText(/^SF-\d{6}$/);
  await expect(page.getByTestId("order-item")).toHaveCount(2);
  await expect(page.getByTestId("order-item").filter({ hasText: "Linen Tea Towel" })).toContainText("$29.00");
  await expect(page.getByTestId("order-item").filter({ hasText: "Linen Tea Towel" }).getByTestId("order-item-quantity")).toHaveText("2");
  await expect(page.getByTestId("order-subtotal")).toHaveText("$51.00");
  await expect(page.getByTestId("order-shipping")).toHaveText("$5.00");
  await expect(page.getByTestId("order-total")).toHaveText("$56.00");
  await expect(page.getByTestId("order-ship-to")).toContainText("12 Analytical Way");
  await expect(page.getByTestId("receipt-email")).toContainText("guest@example.com");
  await expect(page.getByRole("link", { name: "Continue shopping" })).toBeVisible();
  await expect(page.getByRole("link", { name: "View your orders" })).toHaveCount(0);

  // The bought items left the cart.
  await page.goto("/cart");
  await expect(page.getByTestId("empty-cart")).toBeVisible();
  expect(errors).toEqual([]);
});

test("a signed-in shopper pays and finds the order in their history", async ({ page }) => {
  const email = uniqueEmail("buyer");
  await page.goto("/account/sign-up");
  await waitForHydration(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("a good long password");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByTestId("account-menu")).toContainText(email);

  await addToCart(page, "glass-carafe", 1);
  await goToPayment(page);
  await expect(page.getByLabel("Email")).toHaveValue(email);
  await payWith(page, "4242424242424242");
  await expect(page.getByTestId("order-success")).toBeVisible();
  const number = (await page.getByTestId("order-number").textContent())!.trim();

  await page.getByRole("link", { name: "View your orders" }).click();
  await expect(page).toHaveURL(/\/account\/orders$/);
  await expect(page.getByTestId("order-row")).toHaveCount(1);
  await expect(page.getByTestId("order-row")).toContainText(number);
  await expect(page.getByTestId("order-row")).toContainText("$31.00");
  await page.getByRole("link", { name: number }).click();
  await expect(page.getByTestId("order-detail")).toContainText("Glass Water Carafe");
});

test("a declined card, then 4242 on the same session, makes one order", async ({ page }) => {
  const errors = watchConsole(page);
  await addToCart(page, "cast-iron-skillet", 1);
  await goToPayment(page);
  const payUrl = page.url();
  await payWith(page, "4000 0000 0000 0002", "retry@example.com");
  await expect(page.getByTestId("pay-error")).toHaveText("Your card was declined.");
  expect(page.url()).toBe(payUrl);

  // Back in the store, the cart says what happened (once Stripe's event is in).
  await expect
    .poll(async () => {
      await page.goto("/cart");
      return page.getByTestId("payment-error").count();
    }, { timeout: 15_000 })
    .toBe(1);
  await expect(page.getByTestId("payment-error")).toContainText("Your card was declined.");

  await page.goto(payUrl);
  await payWith(page, "4242 4242 4242 4242", "retry@example.com");
  await expect(page.getByTestId("order-success")).toBeVisible();
  const first = await page.getByTestId("order-number").textContent();
  await page.reload();
  await expect(page.getByTestId("order-number")).toHaveText(first!);
  // The decline redraws the payment page: no failed request in the console.
  expect(errors).toEqual([]);
});

test("cancelling on the payment page returns to an intact cart", async ({ page }) => {
  await addToCart(page, "enamel-bowl-set", 2);
  await goToPayment(page);
  await page.getByRole("link", { name: "Back to Shopfront" }).click();
  await expect(page).toHaveURL(/\/cart$/);
  await expect(page.getByTestId("cart-line")).toHaveCount(1);
  await expect(page.getByTestId("summary-subtotal")).toHaveText("$72.00");
  await expect(page.getByTestId("cart-count")).toHaveText("2");
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });
  test("a shopper checks out and pays with plain forms", async ({ page }) => {
    await addToCart(page, "ceramic-dripper", 1, false);
    await goToPayment(page, false);
    await payWith(page, "4242424242424242", "nojs@example.com");
    await expect(page).toHaveURL(/\/checkout\/success/);
    await expect(page.getByTestId("order-success")).toContainText("Ceramic Pour-Over Dripper");
    await expect(page.getByTestId("order-total")).toHaveText("$33.00");
  });
});

test("at 360 px a shopper ships Express with a code and sees every figure", async ({ page, request }) => {
  await page.setViewportSize({ width: 360, height: 800 });
  const errors = watchConsole(page);
  // The owner's 20% code, made at Stripe (here the local one).
  const code = `SPRING${Date.now() % 1_000_000}`;
  const auth = { Authorization: "Bearer sk_test_shopfront_local_stand_in" };
  const coupon = await request.post("/local-stripe/v1/coupons", {
    headers: auth,
    form: { percent_off: "20", duration: "once" },
  });
  expect(coupon.status()).toBe(200);
  const promotion = await request.post("/local-stripe/v1/promotion_codes", {
    headers: auth,
    form: { "promotion[type]": "coupon", "promotion[coupon]": (await coupon.json()).id, code },
  });
  expect(promotion.status()).toBe(200);

  await addToCart(page, "pour-over-kettle", 1);
  await goToPayment(page);
  await expectNoHorizontalScroll(page);
  await page.getByLabel("Email").fill("express@example.com");
  await shipTo(page, "CA", "San Francisco", "94103");
  await page.getByRole("radio", { name: /Express/ }).check();
  await page.getByLabel("Add promotion code").fill(code.toLowerCase());
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByTestId("code-applied")).toHaveText(`${code} applied`);
  // $64.00 − $12.80 + $15.00 Express + $4.80 tax (7.25%).
  await expect(page.getByTestId("pay-discount")).toHaveText("−$12.80");
  await expect(page.getByTestId("pay-shipping")).toHaveText("$15.00");
  await expect(page.getByTestId("pay-tax")).toHaveText("$4.80");
  await expect(page.getByTestId("pay-total")).toHaveText("$71.00");
  await page.screenshot({ path: "test-results/pay-page-express-360.png", fullPage: true });
  await page.getByLabel("Card number").fill("4242 4242 4242 4242");
  await page.getByLabel("Expiry").fill("12 / 34");
  await page.getByLabel("CVC").fill("123");
  await page.getByRole("button", { name: /^Pay / }).click();

  await expect(page.getByTestId("order-success")).toBeVisible();
  await expect(page.getByTestId("order-subtotal")).toHaveText("$64.00");
  await expect(page.getByTestId("order-discount")).toHaveText("−$12.80");
  await expect(page.getByTestId("order-shipping")).toHaveText("$15.00");
  await expect(page.getByTestId("order-tax")).toHaveText("$4.80");
  await expect(page.getByTestId("order-total")).toHaveText("$71.00");
  await expect(page.getByTestId("order-success")).toContainText(`Discount (${code})`);
  await expect(page.getByTestId("order-success")).toContainText("Shipping (Express)");
  const shipTo360 = page.getByTestId("order-ship-to");
  await expect(shipTo360).toContainText("Ada Lovelace");
  await expect(shipTo360).toContainText("San Francisco CA 94103");
  await expectNoHorizontalScroll(page);
  await page.screenshot({ path: "test-results/success-express-360.png", fullPage: true });
  expect(errors).toEqual([]);
});

test("the success page fits a 360 px phone", async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 780 });
  await addToCart(page, "pour-over-kettle", 1);
  await addToCart(page, "linen-tea-towel", 1);
  await goToPayment(page);
  await payWith(page, "4242424242424242", "phone@example.com");
  await expect(page.getByTestId("order-success")).toBeVisible();
  await expectNoHorizontalScroll(page);
  await page.screenshot({ path: "../target/e2e-results/success-360.png", fullPage: true });
});
