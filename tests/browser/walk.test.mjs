// The web app as a person uses it, in Debian's Chromium: sign in, the caseload, a case, the same
// in French, what an M&E officer does not see, signing out. Each main page is saved as a
// screenshot (HOMEWARD_SCREENSHOTS) and checked with axe-core: no serious or critical violation.
//
// Started by crates/cli/tests/browser.rs, which runs the server on a demo database and passes
// HOMEWARD_URL; the demo's users share the password HOMEWARD_PASSWORD.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const base = process.env.HOMEWARD_URL;
const password = process.env.HOMEWARD_PASSWORD;
const shots = process.env.HOMEWARD_SCREENSHOTS;
mkdirSync(shots, { recursive: true });

let context;

before(async () => {
  context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "homeward-chromium-")), {
    executablePath: process.env.HOMEWARD_CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
      "--disable-sync", "--no-first-run"],
    viewport: { width: 1280, height: 800 },
  });
});

after(async () => {
  await context?.close();
});

async function signIn(page, username) {
  await page.goto(`${base}/sign-in`);
  await page.getByLabel(/Username|Nom d'utilisateur/).fill(username);
  await page.getByLabel(/Password|Mot de passe/).fill(password);
  await page.getByRole("button", { name: /Sign in|Se connecter/ }).click();
}

async function signOut(page) {
  await page.getByRole("button", { name: /Sign out|Se déconnecter/ }).click();
  await page.waitForURL(`${base}/sign-in`);
}

/** No serious or critical accessibility violation on the page. */
async function accessible(page, name) {
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ["violations"] }));
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(bad.map((v) => `${v.id}: ${v.help}`), [], `axe on ${name}`);
}

async function shoot(page, name) {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

test("a case manager signs in, finds a case by name and opens it", async () => {
  const page = await context.newPage();
  await signIn(page, "demo");
  await page.waitForURL(`${base}/`);
  await assert.doesNotReject(page.getByRole("heading", { name: "Caseload" }).waitFor());
  const rows = page.locator("table.cases tbody tr");
  assert.ok((await rows.count()) > 0, "the demo cases are listed");
  await accessible(page, "caseload");
  await shoot(page, "caseload");

  const firstName = (await rows.first().locator("td").nth(1).innerText()).split(" ")[0];
  await page.getByLabel("Search").fill(firstName.toUpperCase());
  await page.getByRole("button", { name: "Filter" }).click();
  const found = await page.locator("table.cases tbody tr td:nth-child(2)").allInnerTexts();
  assert.ok(found.length > 0 && found.every((n) => n.startsWith(firstName)), `searching ${firstName}: ${found}`);

  await page.locator("table.cases tbody tr a").first().click();
  await assert.doesNotReject(page.getByRole("heading", { name: /^Case HW-/ }).waitFor());
  assert.match(await page.locator("dl.facts").innerText(), /Age at return/);
  await accessible(page, "case");
  await shoot(page, "case");
  await signOut(page);
  await page.close();
});

test("a returnee is registered from the form, errors shown next to the field, then the case moves on", async () => {
  const page = await context.newPage();
  await signIn(page, "demo");
  await page.getByRole("link", { name: "Register a returnee" }).click();
  await page.getByLabel("Given name").fill("Zoé");
  await page.getByLabel("Date of birth").fill("1994-03-12");
  await page.getByLabel("Date of return").fill("2026-02-01");
  await page.getByLabel("Sex").selectOption("female");
  await page.getByLabel("Country of origin").selectOption("SN");
  await page.getByLabel("Office").fill("dakar");
  await page.getByRole("button", { name: "Register a returnee" }).click();
  await assert.doesNotReject(page.locator("#family_name-error").filter({ hasText: "is required" }).waitFor());
  assert.equal(await page.getByLabel("Given name").inputValue(), "Zoé", "what was typed is kept");
  await accessible(page, "registration with errors");
  await shoot(page, "register-errors");
  await page.getByLabel("Family name").fill("Ndiaye");
  await page.getByRole("button", { name: "Register a returnee" }).click();
  await assert.doesNotReject(page.getByRole("heading", { name: /Zoé Ndiaye/ }).waitFor());
  await page.getByRole("button", { name: "start the assessments" }).click();
  await assert.doesNotReject(page.locator("dl.facts dd", { hasText: /^assessment$/ }).waitFor());
  await page.getByLabel("Purpose").selectOption("counselling");
  await page.getByLabel("How given").selectOption("written_in_person");
  await page.getByLabel("Given on").fill("2026-02-02");
  await page.getByRole("button", { name: "Record the consent" }).click();
  await assert.doesNotReject(page.getByRole("cell", { name: "taking part in counselling" }).waitFor());
  await accessible(page, "case with consents");
  await shoot(page, "case-consents");
  await signOut(page);
  await page.close();
});

test("an RSS survey is taken with live skip logic and its scores shown with the profile", async () => {
  const page = await context.newPage();
  await signIn(page, "demo");
  await page.locator("table.cases tbody tr a").first().click();
  await page.getByRole("link", { name: "Take an RSS survey" }).click();
  assert.equal(await page.locator("#q-Q10").isHidden(), true, "Q10 waits for Q9 = yes");
  await page.locator('input[name="Q9"][value="yes"]').check();
  assert.equal(await page.locator("#q-Q10").isVisible(), true, "and appears when it applies");
  await page.locator('input[name="consent"][value="yes"]').check();
  const questions = page.locator("fieldset.question[id^=q-]");
  for (let i = 0; i < (await questions.count()); i++) {
    const q = questions.nth(i);
    if ((await q.isVisible()) && (await q.locator("input:checked").count()) === 0) {
      await q.locator("input").first().check();
    }
  }
  await accessible(page, "survey");
  await shoot(page, "survey");
  await page.getByRole("button", { name: "Save the survey" }).click();
  await assert.doesNotReject(page.getByRole("heading", { name: /Survey result/ }).waitFor());
  const result = await page.locator("main").innerText();
  assert.match(result, /Scored/);
  assert.match(result, /rss-provisional-1/);
  assert.match(result, /PROVISIONAL/);
  await accessible(page, "survey result");
  await shoot(page, "survey-result");
  await signOut(page);
  await page.close();
});

test("a French-speaking counsellor gets the pages in French", async () => {
  const page = await context.newPage();
  await signIn(page, "counsellor");
  await assert.doesNotReject(page.getByRole("heading", { name: "Dossiers" }).waitFor());
  assert.equal(await page.locator("html").getAttribute("lang"), "fr");
  await accessible(page, "caseload (fr)");
  await shoot(page, "caseload-fr");
  await signOut(page);
  await page.close();
});

test("an M&E officer sees no names, and a wrong password is said next to the form", async () => {
  const page = await context.newPage();
  await page.goto(`${base}/sign-in`);
  await accessible(page, "sign-in");
  await shoot(page, "sign-in");
  await page.getByLabel("Username").fill("monitor");
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await assert.doesNotReject(page.getByRole("alert").filter({ hasText: "The username or the password is not right." }).waitFor());
  assert.equal(await page.getByLabel("Username").inputValue(), "monitor", "what was typed is kept");

  await signIn(page, "monitor");
  await page.waitForURL(`${base}/`);
  const names = await page.locator("table.cases tbody tr td:nth-child(2)").allInnerTexts();
  assert.ok(names.length > 0 && names.every((n) => n === "—"), `pseudonymised: ${names.slice(0, 3)}`);
  await signOut(page);
  await page.close();
});
