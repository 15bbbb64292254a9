import { expect, Page, test } from "@playwright/test";
import { addToCart, expectNoHorizontalScroll, waitForHydration, watchConsole } from "./helpers";

// The cart drawer: the header's cart opens it from any page, and the lines,
// quantities, Remove and Checkout work inside it without leaving the page.

function drawerLine(page: Page, slug: string) {
  return page.getByTestId("cart-drawer").locator(`[data-testid="cart-line"][data-slug="${slug}"]`);
}

for (const width of [360, 1280]) {
  test(`at ${width} px the drawer changes the cart in place and closes every way`, async ({ page }) => {
    await page.setViewportSize({ width, height: 800 });
    const errors = watchConsole(page);
    await addToCart(page, "cast-iron-skillet", 1);
    await addToCart(page, "ceramic-dripper", 2);
    await expect(page.getByTestId("cart-count")).toHaveText("3");
    await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));

    await page.getByTestId("cart-link").click();
    const drawer = page.getByTestId("cart-drawer");
    await expect(drawer).toBeVisible();
    await expect(drawer.getByTestId("cart-line")).toHaveCount(2);
    // $48.00 + 2 x $28.00, in the same summary as the cart page.
    await expect(drawer.getByTestId("summary-subtotal")).toHaveText("$104.00");
    await expect(drawer.getByRole("button", { name: "Checkout securely" })).toBeEnabled();
    const panel = await drawer.locator(".drawer-panel").boundingBox();
    if (width === 360) expect(panel?.width ?? 0, "full width on a phone").toBeCloseTo(360, 0);
    else expect(panel?.width ?? 0).toBeLessThan(width / 2);
    await page.screenshot({ path: `../target/e2e-results/drawer-${width}.png` });

    // Plus, then Remove, inside the drawer: the figures and the badge follow.
    await drawerLine(page, "ceramic-dripper").getByRole("button", { name: "One more Ceramic Pour-Over Dripper" }).click();
    await expect(drawerLine(page, "ceramic-dripper").getByTestId("line-total")).toHaveText("$84.00");
    await expect(drawer.getByTestId("summary-subtotal")).toHaveText("$132.00");
    await expect(page.getByTestId("cart-count")).toHaveText("4");
    await expect(
      drawerLine(page, "ceramic-dripper").getByRole("button", { name: "One more Ceramic Pour-Over Dripper" }),
      "the pressed control keeps the focus",
    ).toBeFocused();
    await drawerLine(page, "cast-iron-skillet").getByRole("button", { name: "Remove Cast Iron Skillet" }).click();
    await expect(drawer.getByTestId("cart-line")).toHaveCount(1);
    await expect(drawer.getByTestId("summary-subtotal")).toHaveText("$84.00");
    await expect(page.getByTestId("cart-count")).toHaveText("3");

    // A refused quantity says why, in the drawer.
    const quantity = drawerLine(page, "ceramic-dripper").getByRole("spinbutton");
    await quantity.fill("500");
    await quantity.press("Enter");
    await expect(drawer.getByTestId("drawer-cart-error")).toContainText("Choose a quantity from 1 to");
    await expect(quantity).toHaveValue("3");

    // The focus stays inside while it is open.
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press("Tab");
      expect(await drawer.evaluate((d) => d.contains(document.activeElement)), `Tab ${i + 1}`).toBe(true);
    }
    await page.keyboard.press("Shift+Tab");
    expect(await drawer.evaluate((d) => d.contains(document.activeElement))).toBe(true);

    // Escape closes it, and the focus is back on the cart link.
    await page.keyboard.press("Escape");
    await expect(drawer).toBeHidden();
    await expect(page.getByTestId("cart-link")).toBeFocused();
    // So does the backdrop, beside the panel (on a phone the panel is all
    // there is: the close button does it).
    await page.getByTestId("cart-link").click();
    await expect(drawer).toBeVisible();
    if (width === 1280) await page.mouse.click(40, 400);
    else await drawer.getByRole("button", { name: "Close cart" }).click();
    await expect(drawer).toBeHidden();

    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed), "the page was never left").toBe(true);
    await expectNoHorizontalScroll(page);
    expect(errors).toEqual([]);
  });
}

test("Checkout securely in the drawer goes on to the payment page", async ({ page }) => {
  await addToCart(page, "pour-over-kettle", 1);
  await page.getByTestId("cart-link").click();
  await page.getByTestId("cart-drawer").getByRole("button", { name: "Checkout securely" }).click();
  await expect(page).toHaveURL(/\/local-stripe\/pay\/cs_test_/);
});

test("the browser draws the drawer's cart itself, from WebAssembly fetched on the first open", async ({ page }) => {
  const errors = watchConsole(page);
  await addToCart(page, "stoneware-mug", 2);
  const asked: string[] = [];
  page.on("request", (request) => asked.push(new URL(request.url()).pathname));
  await page.goto("/products/linen-tea-towel");
  await waitForHydration(page);
  const wasm = () => asked.filter((path) => path.endsWith(".wasm"));
  expect(wasm(), "the first load carries one WebAssembly file").toHaveLength(1);

  await page.getByTestId("cart-link").click();
  const drawer = page.getByTestId("cart-drawer");
  // $18.00 x 2, drawn by CartSummary in the browser.
  await expect(drawer.getByTestId("drawer-cart").getByTestId("summary-subtotal")).toHaveText("$36.00");
  expect(wasm().length, "the drawer's views came in WebAssembly of their own").toBeGreaterThan(1);
  expect(asked, "the cart came from get_cart").toContain("/api/get_cart");
  expect(asked, "not from the cart page's HTML").not.toContain("/cart");

  // Opened again, it draws the cart anew without fetching the code again.
  const fetched = wasm().length;
  await page.keyboard.press("Escape");
  await page.getByTestId("cart-link").click();
  await expect(drawer.getByTestId("cart-line")).toHaveCount(1);
  expect(wasm()).toHaveLength(fetched);
  expect(errors).toEqual([]);
});

test("the drawer respects reduced motion", async ({ page }) => {
  await page.emulateMedia({ reducedMotion: "reduce" });
  await addToCart(page, "linen-tea-towel", 1);
  await page.getByTestId("cart-link").click();
  const duration = await page
    .getByTestId("cart-drawer")
    .locator(".drawer-panel")
    .evaluate((panel) => parseFloat(getComputedStyle(panel).animationDuration));
  expect(duration).toBeLessThan(0.001);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the cart link goes to the cart page", async ({ page }) => {
    await addToCart(page, "linen-tea-towel", 1, false);
    await page.getByTestId("cart-link").click();
    await expect(page).toHaveURL(/\/cart$/);
    await expect(page.getByTestId("cart-drawer")).toBeHidden();
  });
});

test("on the cart page the cart link stays a link", async ({ page }) => {
  await addToCart(page, "linen-tea-towel", 1);
  await page.goto("/cart");
  await waitForHydration(page);
  await page.getByTestId("cart-link").click();
  await expect(page).toHaveURL(/\/cart$/);
  await expect(page.getByTestId("cart-drawer")).toBeHidden();
});
