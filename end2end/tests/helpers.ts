import { expect, Page } from "@playwright/test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Collects console errors and uncaught exceptions so a test can assert there were none.
 * The browser's own line for a 4xx answer is left out: refusing bad input with a 4xx
 * and a sentence is what the store is designed to do.
 */
export function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    const text = message.text();
    if (message.type() !== "error") return;
    if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(text)) return;
    errors.push(text);
  });
  page.on("pageerror", (error) => errors.push(error.message));
  return errors;
}

/** Resolves once the WebAssembly bundle has hydrated the page. */
export async function waitForHydration(page: Page): Promise<void> {
  await page.locator('body[data-hydrated="true"]').waitFor({ state: "attached" });
}

/** Asserts the page does not scroll sideways at the current viewport. */
export async function expectNoHorizontalScroll(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, "the page is wider than the viewport").toBeLessThanOrEqual(0);
}

// The shopper's steps, shared by the specs.

export function uniqueEmail(tag: string): string {
  return `${tag}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
}

export async function addToCart(page: Page, slug: string, quantity: number, hydrated = true) {
  await page.goto(`/products/${slug}`);
  if (hydrated) await waitForHydration(page);
  await page.getByLabel("Quantity", { exact: true }).fill(String(quantity));
  await page.getByRole("button", { name: "Add to cart" }).click();
  if (hydrated) {
    await expect(page.getByTestId("add-to-cart-result")).toHaveText("Added to your cart.");
  } else {
    await page.waitForLoadState("load");
  }
}

export async function goToPayment(page: Page, hydrated = true) {
  await page.goto("/cart");
  if (hydrated) await waitForHydration(page);
  await page.getByRole("button", { name: "Checkout securely" }).click();
  await expect(page).toHaveURL(/\/local-stripe\/pay\/cs_test_/);
  await expect(page.getByText("Test mode")).toBeVisible();
}

/** The shipping address Checkout asks for; Oregon has no sales tax in the
 * local Stripe's table, so the total is the goods and the shipping. */
export async function shipTo(page: Page, state = "OR", city = "Portland", postalCode = "97201") {
  await page.getByLabel("Full name").fill("Ada Lovelace");
  await page.getByLabel("Address line 1").fill("12 Analytical Way");
  await page.getByLabel("City").fill(city);
  await page.getByLabel("Postal code").fill(postalCode);
  await page.getByLabel("State, province or county").fill(state);
}

export async function payWith(page: Page, card: string, email?: string) {
  if (email) await page.getByLabel("Email").fill(email);
  if ((await page.getByLabel("Full name").inputValue()) === "") await shipTo(page);
  await page.getByLabel("Card number").fill(card);
  await page.getByLabel("Expiry").fill("12 / 34");
  await page.getByLabel("CVC").fill("123");
  await page.getByRole("button", { name: /^Pay / }).click();
}

/** The email saved in the store's outbox as `{name}.eml` (the test command
 * passes the store's data folder as E2E_DATA_DIR), once it has been sent; its
 * quoted-printable soft line breaks joined. */
export async function outboxEmail(name: string): Promise<string> {
  const dir = process.env.E2E_DATA_DIR;
  expect(dir, "E2E_DATA_DIR names the store's data folder").toBeTruthy();
  const file = join(dir as string, "outbox", `${name}.eml`);
  await expect.poll(() => existsSync(file), { timeout: 15_000 }).toBe(true);
  return readFileSync(file, "utf8").replace(/=\r?\n/g, "").replace(/=3D/g, "=");
}
