import { expect, test } from "@playwright/test";
import { addToCart, goToPayment, payWith, waitForHydration, watchConsole } from "./helpers";

// The success page before Stripe has confirmed: with JavaScript it shows the
// order in place as soon as it exists; without, it refreshes itself.

test("the success page shows the order in place once it is paid", async ({ page, context }) => {
  const errors = watchConsole(page);
  await addToCart(page, "glass-carafe", 1);
  await goToPayment(page);
  const payPage = page.url();
  const sessionId = new URL(payPage).pathname.split("/").pop();

  // Arrived before the payment is confirmed (the page was opened early).
  await page.goto(`/checkout/success?session_id=${sessionId}`);
  await expect(page.getByTestId("payment-processing")).toContainText("We are confirming your payment");
  await waitForHydration(page);
  await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
  expect(await page.locator('meta[http-equiv="refresh"]').count(), "no refresh with JavaScript").toBe(0);
  const asked: string[] = [];
  page.on("request", (request) => asked.push(new URL(request.url()).pathname));

  const payer = await context.newPage();
  await payer.goto(payPage);
  await payWith(payer, "4242424242424242", "early@example.com");
  await expect(payer.getByTestId("order-success")).toBeVisible();
  const number = await payer.getByTestId("order-number").textContent();

  await expect(page.getByTestId("order-success")).toBeVisible();
  await expect(page.getByTestId("order-number")).toHaveText(number ?? "");
  await expect(page.getByTestId("order-success")).toContainText("Glass Water Carafe");
  await expect(page.getByTestId("account-offer")).toContainText("early@example.com");
  expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed), "shown without a reload").toBe(true);
  // The browser asked create_order and drew OrderSuccess itself.
  expect(asked).toContain("/api/create_order");
  expect(asked.filter((path) => path.startsWith("/checkout/success")), "the page was not fetched again").toEqual([]);
  expect(errors).toEqual([]);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the success page refreshes itself until the order is there", async ({ page, context }) => {
    await addToCart(page, "enamel-bowl-set", 1, false);
    await goToPayment(page, false);
    const payPage = page.url();
    const sessionId = new URL(payPage).pathname.split("/").pop();
    await page.goto(`/checkout/success?session_id=${sessionId}`);
    await expect(page.getByTestId("payment-processing")).toBeVisible();

    const payer = await context.newPage();
    await payer.goto(payPage);
    await payWith(payer, "4242424242424242", "nojs-early@example.com");
    await expect(payer.getByTestId("order-success")).toBeVisible();

    await expect(page.getByTestId("order-success")).toBeVisible({ timeout: 10_000 });
  });
});
