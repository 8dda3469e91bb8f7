import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type ChromiumFiles, findChromium, installHint } from "./chromium.js";

/** A file system holding only these executables; folders are listed from their paths. */
function filesWith(...executables: string[]): ChromiumFiles {
  return {
    isExecutable: (path) => executables.includes(path),
    list: (dir) => [
      ...new Set(
        executables
          .filter((path) => path.startsWith(`${dir}/`))
          .map((path) => path.slice(dir.length + 1).split("/")[0]),
      ),
    ],
  };
}

const home = "/home/dev";
const cache = `${home}/.cache/ms-playwright`;

describe("finding Chromium for the browser suites", () => {
  it("uses CHROMIUM_PATH when it names an executable, before anything on PATH", () => {
    const choice = findChromium(
      { CHROMIUM_PATH: "/opt/chrome/chrome", PATH: "/usr/bin", HOME: home },
      filesWith("/opt/chrome/chrome", "/usr/bin/chromium"),
    );
    assert.deepEqual(choice, { executablePath: "/opt/chrome/chrome" });
  });

  it("skips, naming CHROMIUM_PATH, when it names a missing file, rather than quietly using another browser", () => {
    const choice = findChromium(
      { CHROMIUM_PATH: "/nowhere/chrome", PATH: "/usr/bin", HOME: home },
      filesWith("/usr/bin/chromium"),
    );
    assert.equal(choice.executablePath, undefined);
    assert.match(choice.skip ?? "", /^CHROMIUM_PATH=\/nowhere\/chrome is not an executable file: install it/);
  });

  it("finds Debian's /usr/bin/chromium through PATH, and the first of PATH's folders wins", () => {
    assert.deepEqual(
      findChromium({ PATH: "/usr/local/bin:/usr/bin", HOME: home }, filesWith("/usr/bin/chromium")),
      {
        executablePath: "/usr/bin/chromium",
      },
    );
    assert.deepEqual(
      findChromium(
        { PATH: "/usr/local/bin:/usr/bin", HOME: home },
        filesWith("/usr/bin/chromium", "/usr/local/bin/chromium-browser"),
      ),
      { executablePath: "/usr/local/bin/chromium-browser" },
    );
  });

  it("falls back to the newest Chromium in Playwright's cache, in either folder layout", () => {
    const files = filesWith(
      `${cache}/chromium-1100/chrome-linux/chrome`,
      `${cache}/chromium-1255/chrome-linux64/chrome`,
      `${cache}/chromium_headless_shell-1300/chrome-linux64/headless_shell`,
    );
    assert.deepEqual(findChromium({ PATH: "/usr/bin", HOME: home }, files), {
      executablePath: `${cache}/chromium-1255/chrome-linux64/chrome`,
    });
    assert.deepEqual(
      findChromium({ PATH: "/usr/bin", HOME: home }, filesWith(`${cache}/chromium-1100/chrome-linux/chrome`)),
      { executablePath: `${cache}/chromium-1100/chrome-linux/chrome` },
    );
  });

  it("looks where Playwright does: PLAYWRIGHT_BROWSERS_PATH, else XDG_CACHE_HOME, else ~/.cache", () => {
    const planted = filesWith(
      "/pw/chromium-1255/chrome-linux64/chrome",
      "/xdg/ms-playwright/chromium-9/chrome-linux64/chrome",
    );
    assert.deepEqual(
      findChromium({ PLAYWRIGHT_BROWSERS_PATH: "/pw", XDG_CACHE_HOME: "/xdg", HOME: home }, planted),
      {
        executablePath: "/pw/chromium-1255/chrome-linux64/chrome",
      },
    );
    assert.deepEqual(findChromium({ XDG_CACHE_HOME: "/xdg", HOME: home }, planted), {
      executablePath: "/xdg/ms-playwright/chromium-9/chrome-linux64/chrome",
    });
  });

  it("with no browser anywhere, skips the suites with one line saying how to install one", () => {
    const choice = findChromium({ PATH: "/usr/local/bin:/usr/bin", HOME: home }, filesWith("/usr/bin/node"));
    assert.equal(choice.executablePath, undefined);
    assert.equal(choice.fail, undefined);
    assert.equal(choice.skip, `no Chromium found (not on PATH, not in ${cache}): ${installHint}`);
    assert.doesNotMatch(choice.skip, /\n/);
    assert.match(installHint, /apt-get install chromium/);
    assert.match(installHint, /CHROMIUM_PATH/);
  });

  it("with no browser under CI, fails instead of skipping; CI=false still skips", () => {
    const nothing = filesWith();
    for (const ci of ["true", "1", "TRUE"]) {
      const choice = findChromium({ CI: ci, PATH: "/usr/bin", HOME: home }, nothing);
      assert.equal(choice.skip, undefined, `CI=${ci}`);
      assert.match(
        choice.fail ?? "",
        /^CI is set and no Chromium found .*apt-get install chromium/,
        `CI=${ci}`,
      );
    }
    const missingPath = findChromium({ CI: "true", CHROMIUM_PATH: "/nowhere/chrome", HOME: home }, nothing);
    assert.match(
      missingPath.fail ?? "",
      /^CI is set and CHROMIUM_PATH=\/nowhere\/chrome is not an executable file/,
    );
    for (const ci of ["", "false", "0"]) {
      const choice = findChromium({ CI: ci, PATH: "/usr/bin", HOME: home }, nothing);
      assert.equal(choice.fail, undefined, `CI=${JSON.stringify(ci)}`);
      assert.ok(choice.skip, `CI=${JSON.stringify(ci)} skips`);
    }
  });

  it("under CI with a browser present, simply uses it", () => {
    assert.deepEqual(
      findChromium({ CI: "true", PATH: "/usr/bin", HOME: home }, filesWith("/usr/bin/chromium")),
      {
        executablePath: "/usr/bin/chromium",
      },
    );
  });
});
