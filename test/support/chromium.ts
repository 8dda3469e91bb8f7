import { type Browser, chromium } from "playwright-core";

/** Debian's headless Chromium, as every browser test drives it (never a browser Playwright downloads). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}
