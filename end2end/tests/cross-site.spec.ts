import { expect, Page, test } from "@playwright/test";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

// Another website's pages, served from a second port on this machine, that
// auto-submit forms at the store: login CSRF (sign the shopper in to the
// attacker's account), an add-to-cart, a sign-out. The store must refuse each,
// leaving the shopper's session and cart as they were.

const store = process.env.E2E_BASE_URL ?? "http://127.0.0.1:3000";
const attackerEmail = `mallory-${Date.now()}@example.com`;
const attackerPassword = "a good long password";

const attacks: Record<string, Record<string, string>> = {
  sign_in: { email: attackerEmail, password: attackerPassword },
  add_to_cart: { slug: "glass-carafe", quantity: "3" },
  sign_out: {},
};

let evil: Server;
let evilPort = 0;

function attackPage(action: string): string {
  const inputs = Object.entries(attacks[action] ?? {})
    .map(([name, value]) => `<input type="hidden" name="${name}" value="${value}">`)
    .join("");
  return `<!doctype html><title>You won a prize</title>
<form id="f" method="post" action="${store}/api/${action}">${inputs}</form>
<script>document.getElementById("f").submit();</script>`;
}

test.beforeAll(async () => {
  evil = createServer((req, res) => {
    const action = (req.url ?? "/").slice(1);
    res.writeHead(200, { "content-type": "text/html" });
    res.end(attackPage(action));
  });
  await new Promise<void>((resolve) => evil.listen(0, "127.0.0.1", resolve));
  evilPort = (evil.address() as AddressInfo).port;
});

test.afterAll(async () => {
  await new Promise((resolve) => evil.close(resolve));
});

async function signUp(page: Page, email: string) {
  await page.goto("/account/sign-up");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(attackerPassword);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByTestId("account-menu")).toContainText(email);
}

test("pages on other origins cannot sign the shopper in, add to their cart or sign them out", async ({
  browser,
}) => {
  // The attacker's own account, made in a browser of their own.
  const attackerContext = await browser.newContext();
  await signUp(await attackerContext.newPage(), attackerEmail);
  await attackerContext.close();

  const context = await browser.newContext();
  const page = await context.newPage();
  const shopper = `shopper-${Date.now()}@example.com`;
  await signUp(page, shopper);
  await page.goto("/products/stoneware-mug");
  await page.getByRole("button", { name: "Add to cart" }).click();
  await expect(page.getByTestId("cart-count")).toHaveText("1");

  // The same machine on another port is "same-site" to a browser (cookies go
  // along with Lax); localhost is another site altogether.
  for (const origin of [`http://127.0.0.1:${evilPort}`, `http://localhost:${evilPort}`]) {
    for (const action of Object.keys(attacks)) {
      const refused = page.waitForResponse((r) => r.url() === `${store}/api/${action}`);
      await page.goto(`${origin}/${action}`);
      const answer = await refused;
      expect(answer.status(), `${action} from ${origin}`).toBe(403);
      await expect(page.locator("body")).toContainText("came from another website");
    }
  }

  await page.goto("/cart");
  await expect(page.getByTestId("account-menu")).toContainText(shopper);
  await expect(page.getByTestId("account-menu")).not.toContainText(attackerEmail);
  await expect(page.getByTestId("cart-count")).toHaveText("1");
  await expect(page.locator('[data-testid="cart-line"][data-slug="glass-carafe"]')).toHaveCount(0);
  await context.close();
});
