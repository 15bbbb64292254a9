// `cargo leptos end-to-end` starts the server and the tests at the same moment:
// wait until the store answers its health check before any test runs.
export default async function waitForServer(): Promise<void> {
  const base = process.env.E2E_BASE_URL ?? "http://127.0.0.1:3000";
  const deadline = Date.now() + 180_000;
  let last = "no answer yet";
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${base}/healthz`);
      if (response.ok) return;
      last = `status ${response.status}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`the store at ${base} did not become healthy in 180 s (${last})`);
}
