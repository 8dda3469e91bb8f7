import { accessSync, constants, readdirSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { type Browser, chromium } from "playwright-core";

/** The variables the search reads; tests pass their own to hide or plant a browser. */
export interface ChromiumEnv {
  CHROMIUM_PATH?: string;
  CI?: string;
  PATH?: string;
  HOME?: string;
  XDG_CACHE_HOME?: string;
  PLAYWRIGHT_BROWSERS_PATH?: string;
}

/** The two file-system questions the search asks; tests answer them from a list. */
export interface ChromiumFiles {
  isExecutable(path: string): boolean;
  list(dir: string): string[];
}

/**
 * What the browser suites do: drive the Chromium at `executablePath`, be skipped with `skip` (one line that
 * says how to install one), or fail with `fail` (under CI, where a missing browser is a broken machine).
 */
export type ChromiumChoice =
  | { executablePath: string; skip?: undefined; fail?: undefined }
  | { executablePath?: undefined; skip: string; fail?: undefined }
  | { executablePath?: undefined; skip?: undefined; fail: string };

/** Names Debian, Ubuntu and Google give the browser on PATH. */
const commandNames = ["chromium", "chromium-browser", "google-chrome-stable", "google-chrome"];

/** The install hint, the same words in the skip line, the CI failure and the README. */
export const installHint =
  "install it with `apt-get install chromium` (or `npx playwright-core install chromium`), or set CHROMIUM_PATH";

const realFiles: ChromiumFiles = {
  isExecutable(path) {
    try {
      accessSync(path, constants.X_OK);
      return statSync(path).isFile();
    } catch {
      return false;
    }
  },
  list(dir) {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  },
};

/**
 * Decides where the browser suites get Chromium: CHROMIUM_PATH when set (and only it, so a wrong path is
 * reported rather than quietly replaced), else the first `chromium`-like command on PATH, else the newest
 * Chromium in Playwright's own cache. With none, the suites are skipped, unless CI is set.
 */
export function findChromium(
  env: ChromiumEnv = process.env,
  files: ChromiumFiles = realFiles,
): ChromiumChoice {
  const missing = (why: string): ChromiumChoice =>
    isCi(env.CI) ? { fail: `CI is set and ${why}: ${installHint}` } : { skip: `${why}: ${installHint}` };

  if (env.CHROMIUM_PATH) {
    return files.isExecutable(env.CHROMIUM_PATH)
      ? { executablePath: env.CHROMIUM_PATH }
      : missing(`CHROMIUM_PATH=${env.CHROMIUM_PATH} is not an executable file`);
  }
  for (const dir of (env.PATH ?? "").split(delimiter).filter(Boolean)) {
    for (const name of commandNames) {
      const path = join(dir, name);
      if (files.isExecutable(path)) return { executablePath: path };
    }
  }
  const cache = playwrightCache(env);
  const revisions = files
    .list(cache)
    .map((entry) => /^chromium-(\d+)$/.exec(entry))
    .filter((match) => match !== null)
    .sort((a, b) => Number(b[1]) - Number(a[1]));
  for (const [entry] of revisions) {
    // Chrome for Testing builds unpack to chrome-linux64/; older Playwright releases used chrome-linux/.
    for (const folder of ["chrome-linux64", "chrome-linux"]) {
      const path = join(cache, entry, folder, "chrome");
      if (files.isExecutable(path)) return { executablePath: path };
    }
  }
  return missing(`no Chromium found (not on PATH, not in ${cache})`);
}

/** Where Playwright keeps the browsers it downloads, as playwright-core computes it on Linux. */
function playwrightCache(env: ChromiumEnv): string {
  if (env.PLAYWRIGHT_BROWSERS_PATH && env.PLAYWRIGHT_BROWSERS_PATH !== "0")
    return env.PLAYWRIGHT_BROWSERS_PATH;
  return join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), ".cache"), "ms-playwright");
}

/** CI=true, CI=1, CI=yes…: set and not a spelling of "no", as CI services and ci-info read it. */
function isCi(value: string | undefined): boolean {
  return value !== undefined && !["", "0", "false", "no"].includes(value.trim().toLowerCase());
}

/** This run's choice, made once per test file. */
export const chromiumChoice: ChromiumChoice = findChromium();

/**
 * The node:test options for a suite that drives Chromium: `{ skip: reason }` without a browser (outside CI),
 * else nothing, and `launchChromium()` then launches it or, under CI, fails the suite with the reason.
 */
export const browserSuite: { skip?: string } = chromiumChoice.skip ? { skip: chromiumChoice.skip } : {};

/** Headless Chromium as every browser test drives it (the one `findChromium` chose, never a download). */
export function launchChromium(): Promise<Browser> {
  const { executablePath, fail, skip } = chromiumChoice;
  if (!executablePath) return Promise.reject(new Error(fail ?? skip));
  return chromium.launch({
    executablePath,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}
