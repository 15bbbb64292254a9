import { expect, test } from "@playwright/test";
import {
  addToCart,
  expectNoHorizontalScroll,
  goToPayment,
  outboxEmail,
  payWith,
  uniqueEmail,
  waitForHydration,
  watchConsole,
} from "./helpers";

// A guest's order from any device: the confirmation email's link, the lookup by
// number and email, and an account made from the success page.

test("the email's link shows the order on another device, at 360 and 1280 px", async ({ page, browser }) => {
  await addToCart(page, "enamel-bowl-set", 1);
  await goToPayment(page);
  await payWith(page, "4242424242424242", uniqueEmail("status"));
  const number = (await page.getByTestId("order-number").textContent()) ?? "";
  expect(number).toMatch(/^SF-\d{6}$/);

  const email = await outboxEmail(number);
  const link = email.match(/https?:\/\/\S+\/orders\/status\?token=[0-9a-f]{64}/)?.[0];
  expect(link, "the confirmation links to the order's status").toBeTruthy();

  // Another device: no cookies, no account.
  const phone = await browser.newContext();
  const other = await phone.newPage();
  const errors = watchConsole(other);
  for (const width of [360, 1280]) {
    await other.setViewportSize({ width, height: 900 });
    await other.goto(new URL(link as string).pathname + new URL(link as string).search);
    const detail = other.getByTestId("order-detail");
    await expect(detail).toContainText(`Order ${number}`);
    await expect(detail).toContainText("Enamel Bowl Set");
    await expect(other.getByTestId("order-status")).toHaveText("Status: Paid");
    await expect(other.getByTestId("order-ship-to")).toContainText("Ada Lovelace");
    await expectNoHorizontalScroll(other);
    await other.screenshot({ path: `../target/e2e-results/order-status-${width}.png`, fullPage: true });
  }
  expect(errors).toEqual([]);
  await phone.close();
});

test("an order is found by its number and email, and a wrong email is told so", async ({ page, browser }) => {
  const buyer = uniqueEmail("lookup");
  await addToCart(page, "linen-tea-towel", 1);
  await goToPayment(page);
  await payWith(page, "4242424242424242", buyer);
  const number = (await page.getByTestId("order-number").textContent()) ?? "";

  const laptop = await browser.newContext();
  const other = await laptop.newPage();
  await other.goto("/");
  await other.getByRole("link", { name: "Find your order" }).click();
  await expect(other).toHaveURL(/\/orders\/find$/);
  await waitForHydration(other);
  await other.getByLabel("Order number").fill(number);
  await other.getByLabel("Email").fill("someone-else@example.com");
  await other.getByRole("button", { name: "Find order" }).click();
  await expect(other.getByTestId("find-order-error")).toContainText("We could not find an order with that number and email.");
  await other.getByLabel("Email").fill(buyer.toUpperCase());
  await other.getByRole("button", { name: "Find order" }).click();
  await expect(other).toHaveURL(/\/orders\/status\?token=/);
  await expect(other.getByTestId("order-detail")).toContainText("Linen Tea Towel");
  await laptop.close();
});

test("a guest makes an account on the success page and lands on the order", async ({ page }) => {
  const errors = watchConsole(page);
  const buyer = uniqueEmail("adopt");
  await addToCart(page, "glass-carafe", 1);
  await goToPayment(page);
  await payWith(page, "4242424242424242", buyer);
  const number = (await page.getByTestId("order-number").textContent()) ?? "";
  const offer = page.getByTestId("account-offer");
  await expect(offer).toContainText("Create an account to track this order");
  await expect(offer).toContainText(buyer);
  await offer.getByLabel("Password").fill("correct horse battery");
  await offer.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(new RegExp(`/account/orders/${number}$`));
  await expect(page.getByTestId("order-detail")).toContainText("Glass Water Carafe");
  await page.goto("/account/orders");
  await expect(page.getByTestId("order-row").filter({ hasText: number })).toBeVisible();
  expect(errors).toEqual([]);
});
