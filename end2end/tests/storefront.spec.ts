import { expect, test } from "@playwright/test";
import { expectNoHorizontalScroll, waitForHydration, watchConsole } from "./helpers";

test.describe("the home page", () => {
  test("shows the seeded catalog, styled, with no console errors", async ({ page }) => {
    const errors = watchConsole(page);
    await page.goto("/");
    await waitForHydration(page);
    const names = page.getByTestId("product-name");
    await expect(names).toHaveCount(12);
    await expect(names.first()).toHaveText("Stoneware Mug");
    await expect(page.getByText("$129.00")).toBeVisible();

    // Tailwind's output is applied: the header is sticky and the brand button is filled.
    const header = page.locator("header");
    await expect(header).toHaveCSS("position", "sticky");
    const button = page.getByRole("button", { name: "Add to cart" }).first();
    const background = await button.evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(background).not.toBe("rgba(0, 0, 0, 0)");
    expect(errors).toEqual([]);
  });

  test("a tile adds in place and only that tile answers", async ({ page }) => {
    const errors = watchConsole(page);
    await page.goto("/");
    await waitForHydration(page);
    const tiles = page.locator("article");
    const kettle = tiles.filter({ hasText: "Pour-Over Kettle" });
    const mug = tiles.filter({ hasText: "Stoneware Mug" });

    // Twelve buttons read "Add to cart"; a screen reader also hears which product each adds.
    const button = page.getByRole("button", { name: "Add to cart: Pour-Over Kettle", exact: true });
    await expect(kettle.getByRole("button")).toHaveAccessibleName("Add to cart: Pour-Over Kettle");
    await button.click();
    await expect(kettle.getByTestId("add-to-cart-result")).toHaveText("Added to your cart.");
    await expect(mug.getByTestId("add-to-cart-result")).toHaveText("");
    await expect(page.getByTestId("cart-count")).toHaveText("1");
    await expect(page, "the page was not left").toHaveURL(/\/$/);
    await expect(button, "the button keeps the focus").toBeFocused();

    await mug.getByRole("button", { name: "Add to cart" }).click();
    await expect(mug.getByTestId("add-to-cart-result")).toHaveText("Added to your cart.");
    await expect(kettle.getByTestId("add-to-cart-result")).toHaveText("");
    await expect(page.getByTestId("cart-count")).toHaveText("2");
    expect(errors).toEqual([]);
  });

  for (const width of [360, 1280]) {
    test(`fits a ${width} px screen without sideways scrolling`, async ({ page }, info) => {
      await page.setViewportSize({ width, height: 900 });
      await page.goto("/");
      await expect(page.getByTestId("product-name")).toHaveCount(12);
      await expectNoHorizontalScroll(page);
      const columns = await page
        .getByTestId("product-grid")
        .evaluate((grid) => getComputedStyle(grid).gridTemplateColumns.split(" ").length);
      expect(columns).toBe(width === 360 ? 1 : 3);
      await page.screenshot({ path: info.outputPath(`home-${width}.png`), fullPage: true });
    });
  }
});

test.describe("dark mode", () => {
  test.use({ colorScheme: "dark" });

  test("follows the system setting with the dark tokens", async ({ page }) => {
    await page.goto("/");
    // Paint each computed colour on a canvas and read back its sRGB brightness (0 to 255),
    // whatever syntax (oklch, lab, rgb) the browser reports it in.
    const [canvas, header] = await page.evaluate(() => {
      const brightness = (color: string) => {
        const ctx = document.createElement("canvas").getContext("2d")!;
        ctx.fillStyle = color;
        ctx.fillRect(0, 0, 1, 1);
        const [r, g, b] = ctx.getImageData(0, 0, 1, 1).data;
        return (r + g + b) / 3;
      };
      return [
        brightness(getComputedStyle(document.documentElement).backgroundColor),
        brightness(getComputedStyle(document.querySelector("header")!).backgroundColor),
      ];
    });
    expect(canvas, "the page is stone-950").toBeLessThan(40);
    expect(header, "the header is stone-900, a shade lighter").toBeLessThan(60);
    expect(header).toBeGreaterThan(canvas);
  });
});

test.describe("a product page", () => {
  test("hydrates: the stepper changes the quantity and the form answers in place", async ({ page }) => {
    const errors = watchConsole(page);
    await page.goto("/products/pour-over-kettle");
    await expect(page.getByRole("heading", { name: "Pour-Over Kettle" })).toBeVisible();
    await waitForHydration(page);

    const quantity = page.getByLabel("Quantity", { exact: true });
    await expect(quantity).toHaveValue("1");
    await page.getByRole("button", { name: "Increase quantity" }).click();
    await page.getByRole("button", { name: "Increase quantity" }).click();
    await expect(quantity).toHaveValue("3");
    await page.getByRole("button", { name: "Decrease quantity" }).click();
    await expect(quantity).toHaveValue("2");

    const url = page.url();
    await page.getByRole("button", { name: "Add to cart" }).click();
    await expect(page.getByTestId("add-to-cart-result")).toHaveText("Added to your cart.");
    await expect(page.getByTestId("cart-count"), "the badge updates without a reload").toHaveText("2");
    expect(page.url(), "hydrated, the form answers without leaving the page").toBe(url);
    expect(errors).toEqual([]);
  });

  test("a form waiting for its answer spins and takes no second press", async ({ page }) => {
    await page.goto("/products/linen-tea-towel");
    await waitForHydration(page);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let posts = 0;
    await page.route("**/api/add_to_cart", async (route) => {
      posts += 1;
      await held;
      await route.continue();
    });

    const button = page.getByRole("button", { name: "Add to cart" });
    await button.click();
    const form = page.locator("form").filter({ has: button });
    await expect(form).toHaveAttribute("aria-busy", "true");
    await expect(form.locator(".animate-spin"), "the spinner shows").toBeVisible();
    await button.click();
    release();

    await expect(page.getByTestId("add-to-cart-result")).toHaveText("Added to your cart.");
    await expect(form).not.toHaveAttribute("aria-busy", "true");
    await expect(form.locator(".animate-spin")).toBeHidden();
    await expect(page.getByTestId("cart-count"), "one press, one item").toHaveText("1");
    expect(posts).toBe(1);
  });

  test("refuses a quantity above the stock with the allowed range", async ({ page }) => {
    await page.goto("/products/canvas-tote");
    await waitForHydration(page);
    await page.getByLabel("Quantity", { exact: true }).fill("7");
    await page.getByRole("button", { name: "Add to cart" }).click();
    await expect(page.getByRole("alert")).toHaveText("Only 3 left in stock. Choose a quantity from 1 to 3.");
  });

  test("an unknown product shows the friendly 404 page", async ({ page }) => {
    const response = await page.goto("/products/no-such-thing");
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "We couldn't find that page" })).toBeVisible();
    await page.getByRole("link", { name: "Back to the shop" }).click();
    await expect(page.getByTestId("product-name")).toHaveCount(12);
  });
});

test("every page ends with the store's contact and its policies, and the favicon is there", async ({ page, request }) => {
  await page.setViewportSize({ width: 360, height: 800 });
  const errors = watchConsole(page);
  expect((await request.get("/favicon.ico")).status()).toBe(200);
  await page.goto("/");
  const footer = page.getByTestId("footer");
  await expect(footer).toContainText("Shopfront");
  await expect(footer.getByRole("link", { name: "Shipping" })).toBeVisible();
  await footer.getByRole("link", { name: "Returns and refunds" }).click();
  await expect(page).toHaveURL(/\/policies\/returns$/);
  await expect(page.getByRole("heading", { level: 1, name: "Returns and refunds" })).toBeVisible();
  await expectNoHorizontalScroll(page);
  await page.screenshot({ path: "test-results/policy-360.png", fullPage: true });
  expect(errors).toEqual([]);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the product form still posts and the page reports the answer", async ({ page }) => {
    await page.goto("/products/stoneware-mug");
    await page.getByLabel("Quantity", { exact: true }).fill("0");
    await page.getByRole("button", { name: "Add to cart" }).click();
    await expect(page).toHaveURL(/\/products\/stoneware-mug\?/);
    await expect(page.getByRole("alert")).toHaveText("Choose a quantity from 1 to 40.");

    await page.getByLabel("Quantity", { exact: true }).fill("2");
    await page.getByRole("button", { name: "Add to cart" }).click();
    await expect(page.getByTestId("cart-count")).toHaveText("2");
    await expect(page.getByRole("link", { name: "Cart, 2 items" })).toBeVisible();
  });
});
