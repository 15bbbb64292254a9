import { expect, Page, test } from "@playwright/test";
import { addToCart as addFromProductPage, expectNoHorizontalScroll, uniqueEmail, waitForHydration, watchConsole } from "./helpers";

function line(page: Page, slug: string) {
  return page.locator(`[data-testid="cart-line"][data-slug="${slug}"]`);
}

/** The lines a shopper sees (a removed line's row is hidden in place once hydrated). */
function visibleLines(page: Page) {
  return page.locator('[data-testid="cart-line"]:visible');
}

/** A guest fills a cart, changes it and signs up, with or without JavaScript. */
async function guestJourney(page: Page, hydrated: boolean, email: string) {
  await addFromProductPage(page, "stoneware-mug", 2, hydrated);
  await expect(page.getByTestId("cart-count")).toHaveText("2");
  await addFromProductPage(page, "beeswax-candle", 1, hydrated);
  await expect(page.getByTestId("cart-count")).toHaveText("3");

  await page.getByTestId("cart-link").click();
  if (hydrated) {
    // The drawer opens over the page; its link goes on to the cart page.
    const drawer = page.getByTestId("cart-drawer");
    await expect(drawer.getByTestId("cart-line")).toHaveCount(2);
    await drawer.getByRole("link", { name: "Go to the cart page" }).click();
  }
  await expect(page).toHaveURL(/\/cart$/);
  if (hydrated) await waitForHydration(page);
  await expect(visibleLines(page)).toHaveCount(2);
  await expect(page.getByTestId("summary-subtotal")).toHaveText("$58.00");

  // Plus on the mug: 3 x $18.00.
  await line(page, "stoneware-mug").getByRole("button", { name: "One more Stoneware Mug" }).click();
  await expect(line(page, "stoneware-mug").getByTestId("line-total")).toHaveText("$54.00");
  await expect(page.getByTestId("summary-subtotal")).toHaveText("$76.00");
  await expect(page.getByTestId("cart-count")).toHaveText("4");

  // Remove the candle.
  await line(page, "beeswax-candle").getByRole("button", { name: "Remove Beeswax Candle" }).click();
  await expect(visibleLines(page)).toHaveCount(1);
  await expect(page.getByTestId("summary-subtotal")).toHaveText("$54.00");

  // Create an account: the cart comes along.
  await page.getByTestId("sign-in-link").click();
  await page.getByRole("link", { name: "Create an account" }).click();
  await expect(page.getByRole("heading", { name: "Create an account" })).toBeVisible();
  if (hydrated) await waitForHydration(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("a good long password");
  await page.getByRole("button", { name: "Create account" }).click();

  await expect(page).toHaveURL(/\/cart$/);
  await expect(page.getByTestId("account-menu")).toContainText(email);
  await expect(visibleLines(page)).toHaveCount(1);
  await expect(line(page, "stoneware-mug").getByRole("spinbutton")).toHaveValue("3");
  await expect(page.getByTestId("summary-subtotal")).toHaveText("$54.00");
  await expect(page.getByTestId("cart-count")).toHaveText("3");
}

test("a guest fills a cart, changes it, signs up and finds it intact", async ({ page }) => {
  const errors = watchConsole(page);
  await guestJourney(page, true, uniqueEmail("js"));
  expect(errors).toEqual([]);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the same journey works with plain forms", async ({ page }) => {
    await guestJourney(page, false, uniqueEmail("nojs"));
  });

  test("a refused quantity on the cart page says why", async ({ page }) => {
    await addFromProductPage(page, "canvas-tote", 3, false);
    await page.goto("/cart");
    await line(page, "canvas-tote").getByRole("spinbutton").fill("9");
    await line(page, "canvas-tote").getByRole("spinbutton").press("Enter");
    await expect(page.getByTestId("cart-error")).toHaveText("Only 3 left in stock. Choose a quantity from 1 to 3.");
    await expect(line(page, "canvas-tote").getByRole("spinbutton")).toHaveValue("3");
  });
});

test("removing the last line empties the cart in place", async ({ page }) => {
  const errors = watchConsole(page);
  await addFromProductPage(page, "beeswax-candle", 1, true);
  await page.goto("/cart");
  await waitForHydration(page);
  await expect(page.getByTestId("empty-cart")).toHaveCount(0);
  await line(page, "beeswax-candle").getByRole("button", { name: "Remove Beeswax Candle" }).click();
  await expect(visibleLines(page)).toHaveCount(0);
  await expect(page.getByTestId("empty-cart")).toBeVisible();
  await expect(page.getByTestId("summary-count")).toHaveText("0 items");
  await expect(page.getByRole("button", { name: "Checkout securely" })).toBeDisabled();
  await expect(page.locator("#checkout-reason")).toHaveText("Your cart is empty");
  await expect(page.getByTestId("cart-count")).toHaveCount(0);
  await expect(page).toHaveURL(/\/cart$/);
  expect(errors).toEqual([]);
});

test("Plus answers in place and keeps the keyboard's focus", async ({ page }) => {
  const errors = watchConsole(page);
  await addFromProductPage(page, "enamel-bowl-set", 1, true);
  await page.goto("/cart");
  await waitForHydration(page);
  const plus = line(page, "enamel-bowl-set").getByRole("button", { name: "One more Enamel Bowl Set" });
  await plus.focus();
  await page.keyboard.press("Enter");
  await expect(line(page, "enamel-bowl-set").getByRole("spinbutton")).toHaveValue("2");
  await expect(page.getByTestId("cart-count")).toHaveText("2");
  await expect(plus, "the new Plus has the focus").toBeFocused();
  await page.keyboard.press("Enter");
  await expect(line(page, "enamel-bowl-set").getByRole("spinbutton")).toHaveValue("3");
  await expect(page).toHaveURL(/\/cart$/);
  expect(errors).toEqual([]);
});

test("an empty cart shows the empty state and a disabled checkout with its reason", async ({ page }) => {
  await page.goto("/cart");
  await expect(page.getByTestId("empty-cart")).toContainText("Your cart is empty.");
  await expect(page.getByRole("button", { name: "Checkout securely" })).toBeDisabled();
  await expect(page.getByTestId("cart-summary")).toContainText("Your cart is empty");
});

test("signing out leaves the cart with the account; signing back in finds it", async ({ page }) => {
  const email = uniqueEmail("return");
  await page.goto("/account/sign-up");
  await waitForHydration(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("another long password");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByTestId("account-menu")).toBeVisible();
  await addFromProductPage(page, "glass-carafe", 2, true);
  await expect(page.getByTestId("cart-count")).toHaveText("2");

  await page.getByTestId("account-menu").locator("summary").click();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByTestId("sign-in-link")).toBeVisible();
  await expect(page.getByTestId("cart-count")).toHaveCount(0);

  await page.getByTestId("sign-in-link").click();
  await waitForHydration(page);
  await page.getByLabel("Email").fill(email.toUpperCase());
  await page.getByLabel("Password").fill("wrong password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("account-error")).toHaveText("Email or password is incorrect.");
  await page.getByLabel("Password").fill("another long password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/cart$/);
  await expect(line(page, "glass-carafe").getByRole("spinbutton")).toHaveValue("2");
});

for (const width of [360, 1280]) {
  test(`the cart page fits ${width} px`, async ({ page }, info) => {
    await page.setViewportSize({ width, height: 900 });
    await addFromProductPage(page, "walnut-cutting-board", 1, true);
    await addFromProductPage(page, "merino-throw", 2, true);
    await page.goto("/cart");
    await expect(visibleLines(page)).toHaveCount(2);
    await expectNoHorizontalScroll(page);
    const summary = await page.getByTestId("cart-summary").boundingBox();
    const firstLine = await page.getByTestId("cart-line").first().boundingBox();
    if (!summary || !firstLine) throw new Error("the cart is not laid out");
    if (width === 360) {
      expect(summary.y, "stacked: the summary comes after the lines").toBeGreaterThan(firstLine.y + firstLine.height);
    } else {
      expect(summary.x, "side by side: the summary is right of the lines").toBeGreaterThan(firstLine.x + firstLine.width);
    }
    await page.screenshot({ path: info.outputPath(`cart-${width}.png`), fullPage: true });
  });
}
