import AxeBuilder from "@axe-core/playwright";
import { expect, Page, test } from "@playwright/test";
import { addToCart, payWith, uniqueEmail, waitForHydration } from "./helpers";

// axe-core on every kind of page, in both colour schemes and at both widths:
// nothing serious or critical. And a purchase made with the keyboard alone.

/** The serious and critical violations axe finds on the page once it has
 * settled: a colour scheme or width just changed starts the buttons' colour
 * transitions, and a colour caught halfway is not one any shopper reads. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((animation) => animation instanceof CSSTransition)
        .map((animation) => animation.finished.catch(() => undefined)),
    ),
  );
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.help} at ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`);
}

test("no page has a serious or critical axe violation, light or dark, at 360 or 1280 px", async ({ page }) => {
  test.setTimeout(120_000);
  // A shopper with an account, a paid order and an open checkout.
  await page.goto("/account/sign-up");
  await waitForHydration(page);
  await page.getByLabel("Email").fill(uniqueEmail("axe"));
  await page.getByLabel("Password").fill("a good long password");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/cart$/);
  // Not the mug: another spec counts its stock.
  await addToCart(page, "walnut-cutting-board", 1);
  await page.goto("/cart");
  await page.getByRole("button", { name: "Checkout securely" }).click();
  await expect(page).toHaveURL(/\/local-stripe\/pay\//);
  await payWith(page, "4242424242424242");
  await expect(page.getByTestId("order-success")).toBeVisible();
  const success = page.url();
  const number = await page.getByTestId("order-number").textContent();
  await addToCart(page, "linen-tea-towel", 1);
  await page.goto("/cart");
  await page.getByRole("button", { name: "Checkout securely" }).click();
  await expect(page).toHaveURL(/\/local-stripe\/pay\//);
  const payPage = page.url();

  const pages: [string, string][] = [
    ["home", "/"],
    ["product", "/products/stoneware-mug"],
    ["cart", "/cart"],
    ["sign-in", "/account/sign-in"],
    ["sign-up", "/account/sign-up"],
    ["success", success],
    ["orders", "/account/orders"],
    ["order detail", `/account/orders/${number}`],
    ["not found", "/no-such-page"],
    ["pay page (local Stripe)", payPage],
  ];
  // Each page once, then each colour scheme and width: the media queries
  // apply without a reload.
  const found: string[] = [];
  const combos = [
    ["light", 360],
    ["light", 1280],
    ["dark", 360],
    ["dark", 1280],
  ] as const;
  const check = async (name: string) => {
    for (const [colorScheme, width] of combos) {
      await page.emulateMedia({ colorScheme });
      await page.setViewportSize({ width, height: 900 });
      for (const violation of await seriousViolations(page)) found.push(`${name}, ${colorScheme}, ${width} px: ${violation}`);
    }
  };
  for (const [name, address] of pages) {
    await page.goto(address);
    await check(name);
  }
  await page.goto("/");
  await waitForHydration(page);
  await page.getByTestId("cart-link").click();
  await expect(page.getByTestId("cart-drawer").getByTestId("cart-summary")).toBeVisible();
  await check("drawer open");
  expect(found, found.join("\n")).toEqual([]);
});

/** Presses Tab until the focused element is the one `wanted` describes. */
async function tabTo(page: Page, wanted: (name: string) => boolean, what: string) {
  for (let presses = 0; presses < 80; presses++) {
    await page.keyboard.press("Tab");
    const name = await page.evaluate(() => {
      const element = document.activeElement as HTMLElement | null;
      if (!element) return "";
      const label = (element as HTMLInputElement).labels?.[0]?.textContent ?? "";
      return [element.getAttribute("aria-label") ?? "", label, element.textContent ?? ""].join(" | ").replace(/\s+/g, " ").trim();
    });
    if (wanted(name)) return;
  }
  throw new Error(`Tab never reached ${what}`);
}

test("a shopper buys with the keyboard alone, from the home page to the success page", async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto("/");
  await waitForHydration(page);
  // The glass carafe's tile on the home page, and its Add to cart.
  await tabTo(page, (name) => name.includes("Glass Water Carafe"), "the carafe");
  await tabTo(page, (name) => name.includes("Add to cart"), "the carafe's Add to cart");
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("cart-count")).toHaveText(/\d+/);
  // The cart in the drawer, and Checkout securely.
  await tabTo(page, (name) => name.startsWith("Cart,"), "the cart link");
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("cart-drawer")).toBeVisible();
  await tabTo(page, (name) => name.includes("Checkout securely"), "Checkout securely");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/local-stripe\/pay\//);

  // The payment page, field by field.
  const type = async (label: string, text: string) => {
    await tabTo(page, (name) => name.includes(label), label);
    await page.keyboard.type(text);
  };
  await type("Email", "keyboard@example.com");
  await type("Full name", "Ada Lovelace");
  await type("Address line 1", "12 Analytical Way");
  await type("City", "Portland");
  await type("Postal code", "97201");
  await type("State, province or county", "OR");
  // The shipping options are one radio group: Tab stops on the chosen one
  // (Standard), and Space keeps it.
  await tabTo(page, (name) => name.includes("Standard"), "the shipping options");
  await page.keyboard.press("Space");
  await type("Card number", "4242424242424242");
  await type("Expiry", "12 / 34");
  await type("CVC", "123");
  await tabTo(page, (name) => /^\| \| Pay /.test(name) || / Pay \$/.test(name), "Pay");
  await page.keyboard.press("Enter");

  await expect(page).toHaveURL(/\/checkout\/success/);
  await expect(page.getByTestId("order-success")).toContainText("Glass Water Carafe");
  await expect(page.getByTestId("order-success")).toContainText("Shipping (Standard)");
});
