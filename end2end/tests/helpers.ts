import { expect, Page } from "@playwright/test";

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
