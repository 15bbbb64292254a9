import { expect, test } from "@playwright/test";
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import {
  addToCart,
  expectNoHorizontalScroll,
  goToPayment,
  payWith,
  uniqueEmail,
  waitForHydration,
  watchConsole,
} from "./helpers";

// The owner's back office: an owner finds a shopper's order by email, refunds
// part of it and marks it shipped; the shopper's order page shows both.

function serverBinary(): string {
  if (process.env.SHOPFRONT_SERVER_BIN) return process.env.SHOPFRONT_SERVER_BIN;
  const target = process.env.CARGO_TARGET_DIR ?? path.resolve(__dirname, "../../target");
  return path.join(target, "release", "server");
}

/** `server owner add EMAIL` against the running store's database. */
function makeOwner(email: string) {
  const dir = process.env.E2E_DATA_DIR;
  expect(dir, "E2E_DATA_DIR names the store's data folder").toBeTruthy();
  execFileSync(serverBinary(), ["owner", "add", email], {
    env: { ...process.env, SHOPFRONT_DATA_DIR: dir as string, RUST_LOG: "error" },
    stdio: "pipe",
  });
}

test("an owner refunds part of an order and ships it, and the shopper sees both", async ({ page, browser }) => {
  test.setTimeout(90_000);
  // The shopper, with an account, buys two tea towels.
  const shopperEmail = uniqueEmail("bought");
  await page.goto("/account/sign-up");
  await waitForHydration(page);
  await page.getByLabel("Email").fill(shopperEmail);
  await page.getByLabel("Password").fill("a good long password");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/cart$/);
  await addToCart(page, "linen-tea-towel", 2);
  await goToPayment(page);
  await payWith(page, "4242424242424242");
  const number = (await page.getByTestId("order-number").textContent()) ?? "";
  expect(number).toMatch(/^SF-\d{6}$/);

  // The owner, made one from the command line, signs in on another device.
  const office = await browser.newContext();
  const owner = await office.newPage();
  const errors = watchConsole(owner);
  const ownerEmail = uniqueEmail("owner");
  await owner.goto("/account/sign-up");
  await owner.getByLabel("Email").fill(ownerEmail);
  await owner.getByLabel("Password").fill("a good long password");
  await owner.getByRole("button", { name: "Create account" }).click();
  await expect(owner).toHaveURL(/\/cart$/);
  expect((await owner.goto("/admin"))?.status(), "not an owner yet").toBe(404);
  makeOwner(ownerEmail);

  // Finds the order by the shopper's email.
  await owner.goto("/admin/orders");
  await owner.getByLabel("Order number or email").fill(shopperEmail);
  await owner.getByRole("button", { name: "Show orders" }).click();
  const rows = owner.getByTestId("admin-order-row");
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText(number);
  for (const width of [360, 1280]) {
    await owner.setViewportSize({ width, height: 900 });
    await expectNoHorizontalScroll(owner);
    await owner.screenshot({ path: `../target/e2e-results/admin-orders-${width}.png`, fullPage: true });
  }
  await owner.getByRole("link", { name: number }).click();
  await expect(owner.getByRole("heading", { name: `Order ${number}` })).toBeVisible();

  // $5.00 back, then shipped.
  await owner.getByLabel(/^Amount/).fill("5.00");
  await owner.getByRole("button", { name: "Refund" }).click();
  await expect(owner.getByTestId("refund-result")).toHaveText("Refund sent to Stripe.");
  await owner.getByLabel("Carrier").fill("UPS");
  await owner.getByLabel("Tracking number").fill("1Z999AA10123456784");
  await owner.getByRole("button", { name: "Mark as shipped" }).click();
  await expect(owner.getByTestId("ship-result")).toHaveText("Marked shipped; the shopper has been emailed.");
  await expect(async () => {
    await owner.reload();
    await expect(owner.getByTestId("order-status")).toContainText("Partly refunded");
  }).toPass({ timeout: 15_000 });
  const history = owner.getByTestId("order-history");
  await expect(history).toContainText("Marked shipped: UPS, tracking 1Z999AA10123456784");
  await expect(history).toContainText("Refund of $5.00 asked of Stripe");
  await expect(owner.getByTestId("order-events")).toContainText("refund.created");
  for (const width of [360, 1280]) {
    await owner.setViewportSize({ width, height: 900 });
    await expectNoHorizontalScroll(owner);
    // The actions follow the order itself: under it on a phone, beside it on a wide screen,
    // and never below its history.
    const order = await owner.getByTestId("order-detail").boundingBox();
    const actions = await owner.getByRole("complementary", { name: "Actions" }).boundingBox();
    const past = await history.boundingBox();
    expect(order && actions && past).toBeTruthy();
    if (order && actions && past) {
      expect(actions.y).toBeLessThan(past.y);
      if (width === 360) expect(actions.y).toBeGreaterThan(order.y);
      else expect(actions.x).toBeGreaterThan(order.x + order.width - 1);
    }
    await owner.screenshot({ path: `../target/e2e-results/admin-order-${width}.png`, fullPage: true });
  }
  await owner.goto("/admin");
  await expect(owner.getByTestId("revenue-chart")).toBeVisible();
  for (const width of [360, 1280]) {
    await owner.setViewportSize({ width, height: 900 });
    await expectNoHorizontalScroll(owner);
    await owner.screenshot({ path: `../target/e2e-results/admin-dashboard-${width}.png`, fullPage: true });
  }
  expect(errors).toEqual([]);

  // The shopper's own order page.
  await page.goto(`/account/orders/${number}`);
  await expect(page.getByTestId("order-shipment")).toContainText("UPS");
  await expect(page.getByTestId("order-shipment")).toContainText("1Z999AA10123456784");
  await expect(page.getByTestId("order-detail")).toContainText("$5.00 of the");
  await page.setViewportSize({ width: 360, height: 900 });
  await page.screenshot({ path: `../target/e2e-results/shopper-order-shipped-360.png`, fullPage: true });
  await office.close();
});
