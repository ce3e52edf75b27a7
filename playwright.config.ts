import { defineConfig } from '@playwright/test';

// Each run starts its own server on its own port, unless E2E_BASE_URL points at a running Parley
// (started with demo data and the simulator on, e.g. `node scripts/e2e-server.mjs`).
process.env.E2E_PORT ??= String(3300 + Math.floor(Math.random() * 600));
const port = Number(process.env.E2E_PORT);
const external = process.env.E2E_BASE_URL;
const baseURL = external ?? `http://127.0.0.1:${port}`;
// Twilio's API as Prism serves it from ../shared/twilio-oai (tests/e2e/twilio-contract-mock.ts starts
// it on this port); the server under test is pointed at it from the start.
const twilioMock = `http://127.0.0.1:${port + 1000}`;
process.env.TWILIO_API_BASE_URL ??= twilioMock;
process.env.TWILIO_CONTENT_BASE_URL ??= twilioMock;

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'test-results/e2e',
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  timeout: 120_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    baseURL,
    viewport: { width: 1280, height: 720 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
    },
  },
  webServer: external
    ? undefined
    : {
        command: 'node scripts/e2e-server.mjs',
        url: `${baseURL}/api/health`,
        timeout: 240_000,
        reuseExistingServer: false,
        stdout: 'pipe',
        stderr: 'pipe',
        env: { E2E_PORT: String(port) },
        // SIGTERM, not Playwright's default SIGKILL: scripts/e2e-server.mjs then stops the server and
        // drops its parley_e2e_* database (killed, it left one behind on the Postgres server each run).
        gracefulShutdown: { signal: 'SIGTERM', timeout: 20_000 },
      },
});
