// The web app as a person uses it, in Debian's Chromium: sign in, the caseload, a case, the same
// in French, what an M&E officer does not see, signing out. Each main page is saved as a
// screenshot (HOMEWARD_SCREENSHOTS) and checked with axe-core: no serious or critical violation.
//
// Started by crates/cli/tests/browser.rs, which runs the server on a demo database and passes
// HOMEWARD_URL; the demo's users share the password HOMEWARD_PASSWORD.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, mkdirSync, writeFileSync } from "node:fs";
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

/** What each main page weighs on the wire (compressed), written next to the screenshots. */
const weights = {};
const BUDGET = 150 * 1024;

after(async () => {
  await context?.close();
  writeFileSync(join(shots, "page-weights.json"), JSON.stringify(weights, null, 2) + "\n");
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

/** Signs in as `username` with the pages in French, chosen on the sign-in page (kept for the account). */
async function signInFrench(page, username) {
  await page.goto(`${base}/sign-in`);
  await page.locator('nav.languages a[lang="fr"]').click();
  await page.getByLabel("Nom d'utilisateur").fill(username);
  await page.getByLabel("Mot de passe").fill(password);
  await page.getByRole("button", { name: "Se connecter" }).click();
}

/** Sets the signed-in account's language back to English. */
async function backToEnglish(page) {
  await page.goto(`${base}/settings`);
  await page.getByLabel("Langue des pages").selectOption("en");
  await page.getByRole("button", { name: "Enregistrer" }).click();
  await assert.doesNotReject(page.getByRole("heading", { name: "My settings" }).waitFor());
}

/** No serious or critical accessibility violation on the page. */
async function accessible(page, name) {
  // Evaluated through the debugging protocol, which the pages' content security policy (no
  // inline script) does not govern; an injected <script> would be refused, as it should be.
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ["violations"] }));
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(bad.map((v) => `${v.id}: ${v.help}`), [], `axe on ${name}`);
}

/**
 * The bytes a page costs on a cold cache: the document as transferred plus every stylesheet
 * and script at its compressed size (a resource served from the cache counts as if it were not).
 */
async function weigh(page, name) {
  const bytes = await page.evaluate(() => {
    const [nav] = performance.getEntriesByType("navigation");
    const resources = performance.getEntriesByType("resource");
    return (nav ? nav.transferSize : 0) + resources.reduce((sum, r) => sum + Math.max(r.transferSize, r.encodedBodySize), 0);
  });
  weights[name] = bytes;
  assert.ok(bytes > 0 && bytes < BUDGET, `${name} weighs ${bytes} bytes; the budget is ${BUDGET}`);
}

async function shoot(page, name) {
  await weigh(page, name);
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
  // Suggestions as you type: the first cases found, each a link to its case.
  await page.getByLabel("Search").pressSequentially(firstName.slice(0, 3).toLowerCase(), { delay: 50 });
  await assert.doesNotReject(page.locator("ul.suggestions li a").first().waitFor());
  assert.match(await page.locator("ul.suggestions li a").first().innerText(), new RegExp(`HW-\\d{4}-\\d+ · `));
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

/** Answers every question shown on the current survey screen that has no answer yet. */
async function answerScreen(page) {
  const questions = page.locator("fieldset.question[id^=q-]");
  for (let i = 0; i < (await questions.count()); i++) {
    const q = questions.nth(i);
    if ((await q.isVisible()) && (await q.locator("input:checked").count()) === 0) {
      await q.locator("input").first().check();
    }
  }
}

/** Takes an RSS survey screen by screen up to the review, leaving `skipQuestion` unanswered. */
async function takeSurvey(page, phase, { skipQuestion } = {}) {
  await page.getByRole("link", { name: /Take an RSS survey|Faire une enquête RSS/ }).click();
  await page.getByLabel(/^Phase$/).selectOption(phase);
  await page.locator('input[name="consent"][value="yes"]').check();
  await page.getByRole("button", { name: /^(Next|Suivant)$/ }).click();
  for (let screen = 1; screen <= 3; screen++) {
    await page.locator("section.dimension").waitFor();
    if (screen === 1) {
      assert.equal(await page.locator("#q-Q10").isHidden(), true, "Q10 waits for Q9 = yes");
      await page.locator('input[name="Q9"][value="yes"]').check();
      assert.equal(await page.locator("#q-Q10").isVisible(), true, "and appears when it applies");
    }
    await answerScreen(page);
    if (skipQuestion && (await page.locator(`#q-${skipQuestion}`).count()) > 0) {
      await page.locator(`#q-${skipQuestion} input`).evaluateAll((inputs) => inputs.forEach((i) => (i.checked = false)));
    }
    await page.getByRole("button", { name: /^(Next|Suivant)$/ }).click();
  }
  await page.locator("section.review").waitFor();
}

test("the newcomer's walk: register, consent, baseline RSS, plan with a referral, assistance, follow-up with a second RSS, closure", async () => {
  const page = await context.newPage();
  await signIn(page, "demo");

  // Registration: an error first, next to its field, with what was typed kept.
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
  await page.getByLabel("Family name").fill("Walker");
  await page.getByRole("button", { name: "Register a returnee" }).click();
  await assert.doesNotReject(page.getByRole("heading", { name: /Zoé Walker/ }).waitFor());
  const caseUrl = page.url();
  const caseNumber = (await page.getByRole("heading", { level: 1 }).innerText()).match(/HW-\d{4}-\d+/)[0];
  const status = async () => (await page.locator("dl.facts dd").first().innerText()).trim();
  assert.equal(await status(), "intake");
  await page.getByRole("button", { name: "start the assessments" }).click();
  await page.waitForURL(caseUrl);
  assert.equal(await status(), "assessment");

  // Consent to the interview, recorded from the case page.
  await page.getByLabel("Purpose").selectOption("survey_interview");
  await page.getByLabel("How given").selectOption("written_in_person");
  await page.getByLabel("Given on").fill("2026-02-02");
  await page.getByRole("button", { name: "Record the consent" }).click();
  await assert.doesNotReject(page.getByRole("cell", { name: "an RSS or M&E interview" }).waitFor());

  // A household member: a bad age is refused next to the field, what was typed kept.
  await page.getByRole("link", { name: "Household members" }).click();
  await page.getByLabel(/^Name/).fill("Awa Walker");
  await page.getByLabel(/^Relation/).fill("daughter");
  await page.getByLabel(/^Age/).fill("seven");
  await page.getByRole("button", { name: "Save" }).click();
  await assert.doesNotReject(page.locator("#age-error").filter({ hasText: "is not a whole number" }).waitFor());
  assert.equal(await page.getByLabel(/^Relation/).inputValue(), "daughter", "what was typed is kept");
  await accessible(page, "household with an error");
  await page.getByLabel(/^Age/).fill("7");
  await page.getByLabel(/^Attends school/).selectOption("yes");
  await page.getByRole("button", { name: "Save" }).click();
  await assert.doesNotReject(page.getByRole("cell", { name: "Awa Walker" }).waitFor());
  await shoot(page, "household");

  // A counselling session, a vulnerability assessment and a skills assessment.
  await page.goto(caseUrl);
  await page.getByRole("link", { name: "Counselling sessions" }).click();
  await page.getByLabel(/^How/).selectOption("in_person");
  await page.getByLabel(/^Notes/).fill("Return explained; wants to work in tailoring.");
  await page.getByRole("button", { name: "Save" }).click();
  await assert.doesNotReject(page.getByRole("cell", { name: "in person" }).waitFor());
  await page.goto(caseUrl);
  await page.getByRole("link", { name: "Vulnerability assessments" }).click();
  await page.getByLabel(/^Screening tool/).selectOption("rapid_vulnerability_assessment");
  await page.getByLabel(/^Phase/).selectOption("on_arrival");
  await page.getByLabel(/^Vulnerabilities identified/).fill("chronic illness\nsingle parent");
  await page.getByRole("button", { name: "Save" }).click();
  await assert.doesNotReject(page.getByRole("cell", { name: "chronic illness, single parent" }).waitFor());
  await accessible(page, "vulnerability assessments");
  await shoot(page, "vulnerability");
  await page.goto(caseUrl);
  await page.getByRole("link", { name: "Skills assessments" }).click();
  await page.getByLabel(/^Skills and competencies/).fill("tailoring\nliteracy");
  await page.getByRole("button", { name: "Save" }).click();
  await assert.doesNotReject(page.getByRole("cell", { name: "tailoring, literacy" }).waitFor());

  // The baseline RSS, one screen per dimension; an unanswered question is explained before saving.
  await page.goto(caseUrl);
  await takeSurvey(page, "baseline", { skipQuestion: "Q20" });
  assert.match(await page.locator("section.review").innerText(), /kept on record but not scored[\s\S]*Q20/);
  await accessible(page, "survey review");
  await shoot(page, "survey-review");
  await page.getByRole("button", { name: /^Q20/ }).click();
  await page.locator("#q-Q20 input").first().check();
  await page.getByRole("button", { name: "Next" }).click();
  await page.getByRole("button", { name: "Next" }).click();
  assert.match(await page.locator("section.review").innerText(), /will be scored when saved/);
  await page.getByRole("button", { name: "Save the survey" }).click();
  await assert.doesNotReject(page.getByRole("heading", { name: /Survey result/ }).waitFor());
  const result = await page.locator("main").innerText();
  assert.match(result, /Scored/);
  assert.match(result, /Composite\s+\d\.\d\d\s+(intensive|standard|light)/);
  assert.match(result, /rss-provisional-1/);
  assert.match(result, /PROVISIONAL/);
  await accessible(page, "survey result");
  await shoot(page, "survey-result");

  // The plan: summary, a component from the feasibility catalogue, goods, a referral; the grid's
  // criteria as a checklist; the attestations that agree it.
  await page.goto(caseUrl);
  await page.getByRole("button", { name: "start planning" }).click();
  await page.getByRole("link", { name: "Reintegration plan" }).click();
  await page.getByRole("button", { name: "Start a plan" }).click();
  await page.getByLabel(/^Place of return/).fill("Thiès");
  await page.getByLabel("Economic", { exact: true }).fill("Open a tailoring workshop in Thiès.");
  const intervention = page.getByLabel(/^Intervention/).first();
  const firstEconomic = await intervention.locator('optgroup[label="Economic"] option').first().getAttribute("value");
  await intervention.selectOption(firstEconomic);
  await page.getByLabel("Description").first().fill("Training and a starter kit");
  await page.getByLabel("Estimated cost").first().fill("150000");
  await page.locator('input[name="components[0].estimated_cost.currency"]').fill("XOF");
  await page.getByRole("checkbox", { name: "Needs a referral" }).first().check();
  await page.getByLabel("Item 1").fill("sewing machine");
  await page.getByLabel("Amount 1").fill("120000");
  await page.getByLabel("Currency 1").fill("XOF");
  await page.getByLabel("Item 2").fill("fabric");
  await page.getByLabel("Amount 2").fill("30000");
  await page.getByLabel("Currency 2").fill("XOF");
  await page.getByLabel("Agency 1").fill("Centre de formation professionnelle de Thiès");
  await page.getByLabel("Assistance sought 1").fill("tailoring course");
  await page.getByRole("button", { name: "Save the draft" }).click();
  await assert.doesNotReject(page.locator("tfoot").filter({ hasText: "150000 XOF" }).first().waitFor());
  // The chosen intervention's criteria are part of the plan's one form, saved with it.
  const checklist = page.locator("form.plan .checklist").first();
  const marks = checklist.locator("select");
  for (let i = 0; i < (await marks.count()); i++) await marks.nth(i).selectOption("met");
  await page.getByRole("button", { name: "Save the draft" }).click();
  await assert.doesNotReject(page.locator(".checklist h3").filter({ hasText: "all criteria met" }).waitFor());
  await accessible(page, "plan draft");
  await shoot(page, "plan-draft");
  await page.getByLabel("The returnee approves the plan").check();
  await page.getByLabel("Staff approve the plan").check();
  await page.getByRole("button", { name: "Agree the plan" }).click();
  await assert.doesNotReject(page.getByRole("heading", { name: /v1 agreed/ }).waitFor());
  assert.match(await page.locator(".plan-document").innerText(), /sewing machine/);
  await accessible(page, "plan agreed");
  await page.getByRole("link", { name: "Printable version" }).click();
  await assert.doesNotReject(page.getByRole("heading", { name: "Reintegration plan" }).waitFor());
  assert.match(await page.locator("main").innerText(), /Open a tailoring workshop/);
  await page.getByRole("link", { name: "Français" }).click();
  await assert.doesNotReject(page.getByRole("heading", { name: "Plan de réintégration" }).waitFor());
  await page.emulateMedia({ media: "print" });
  await shoot(page, "plan-print-fr");
  await page.emulateMedia({ media: "screen" });
  await page.goto(caseUrl);
  assert.equal(await status(), "plan agreed", "agreeing the plan moves the case on");

  // A referral from the directory: the consent that covers it is shown, then it is sent.
  await page.getByRole("link", { name: "Referrals" }).click();
  await page.locator("#service").fill("training");
  await page.getByRole("button", { name: "Filter" }).click();
  await page.getByLabel(/Centre de formation professionnelle de Thiès/).check();
  const provider = await page.locator('input[name="provider"]:checked').getAttribute("value");
  await page.locator("#service_type").fill("vocational training");
  await page.getByLabel(/^Reason/).fill("Tailoring course, 3 months");
  await page.getByRole("button", { name: "Propose the referral" }).click();
  await assert.doesNotReject(page.locator("article.referral .warn").filter({ hasText: /no current consent/ }).waitFor());
  await accessible(page, "referrals");
  await page.goto(caseUrl);
  await page.getByLabel("Purpose").selectOption("share_with_partner");
  await page.getByLabel("How given").selectOption("written_in_person");
  await page.getByLabel("Given on").fill("2026-03-01");
  await page.getByLabel(/^Partner/).selectOption(provider);
  await page.getByLabel(/^Plan version/).fill("1");
  // The packet may carry only what the returnee agreed to share: the fields ticked by default.
  for (const field of ["name", "contacts", "languages"]) {
    await page.locator(`input[name="fields"][value="${field}"]`).check();
  }
  await page.getByRole("button", { name: "Record the consent" }).click();
  await page.getByRole("link", { name: "Referrals" }).click();
  await assert.doesNotReject(
    page.locator("article.referral .ok").filter({ hasText: "Covered by the consent given on 1 Mar 2026" }).waitFor(),
  );
  await page.getByRole("button", { name: "The returnee consents" }).click();
  await page.getByRole("button", { name: "Send the packet" }).click();
  await assert.doesNotReject(page.locator("article.referral .state").filter({ hasText: /^sent$/ }).waitFor());
  await shoot(page, "referrals");

  // Assistance delivered, a follow-up visit with the next one proposed, a second RSS.
  await page.goto(caseUrl);
  await page.getByRole("button", { name: "start the assistance" }).click();
  await page.getByRole("link", { name: "Assistance delivered" }).click();
  await page.getByLabel(/^Modality/).selectOption("in_kind");
  await page.getByLabel("Amount").fill("120000");
  await page.getByLabel("Currency").fill("XOF");
  await page.getByLabel(/^Paid to/).selectOption("supplier");
  await page.getByRole("button", { name: "Save" }).click();
  await assert.doesNotReject(page.locator("#supplier-error").filter({ hasText: "name the supplier paid" }).waitFor());
  await page.getByLabel(/^Supplier/).fill("Quincaillerie Thiès");
  await page.getByRole("button", { name: "Save" }).click();
  await assert.doesNotReject(page.locator("tbody td", { hasText: "120000 XOF" }).waitFor());
  assert.match(await page.locator("tfoot").innerText(), /120000 XOF/, "the ledger's total");
  await accessible(page, "assistance");
  await shoot(page, "assistance");
  await page.goto(caseUrl);
  await page.locator("#visit-date").fill("2026-04-15");
  await page.getByRole("button", { name: "Record the visit" }).click();
  await page.waitForURL(/#follow-ups$/);
  const next = await page.locator("dl.facts dt", { hasText: "Next follow-up" }).locator("xpath=following-sibling::dd[1]").innerText();
  assert.match(next, /\d{1,2} [A-Z][a-z]{2} \d{4}/, `a next visit is proposed from the timing rules: ${next}`);
  await takeSurvey(page, "intermediate");
  await page.getByRole("button", { name: "Save the survey" }).click();
  await assert.doesNotReject(page.getByRole("heading", { name: /Survey result/ }).waitFor());
  await page.goto(caseUrl);
  assert.equal(await page.locator("table.scores tbody tr").count(), 2, "two surveys on the progress chart");
  assert.equal(await page.locator("figure.chart svg circle").count(), 8, "three dimensions and the composite, twice");
  await shoot(page, "case-progress");

  // Closure: reason, the returnee's choice, exit interview, an onward referral (which the
  // returnee consents to first, handbook line 4320).
  await page.getByLabel("Purpose").selectOption("onward_referral");
  await page.getByLabel("How given").selectOption("verbal_by_phone");
  await page.getByLabel("Given on").fill("2026-04-01");
  await page.getByRole("button", { name: "Record the consent" }).click();
  await page.getByRole("button", { name: "begin closing the case" }).click();
  await page.getByRole("link", { name: "Close the case" }).click();
  await page.getByLabel(/^Reason/).selectOption("plan_completed");
  await page.getByLabel(/^The returnee's choice/).selectOption("voluntary");
  await page.getByLabel(/^Timing/).selectOption("planned");
  await page.getByLabel("Exit interview and closing assessment").fill("Workshop open, income stable.");
  await page.getByLabel(/^Onward referrals/).fill("Chambre des métiers de Thiès");
  await accessible(page, "closure");
  await shoot(page, "closure");
  await page.getByRole("button", { name: "close the case" }).click();
  await page.waitForURL(caseUrl);
  assert.equal(await status(), "closed");
  await accessible(page, "closed case");
  await shoot(page, "case-closed");
  await signOut(page);

  // The partner sees the packet sent to it, and nothing of the case beyond it.
  await signIn(page, "partner");
  await page.waitForURL(`${base}/packets`);
  const packets = await page.locator("main").innerText();
  assert.match(packets, new RegExp(caseNumber));
  assert.doesNotMatch(packets, /daughter|chronic illness|Walker Awa/, "nothing beyond the packet");
  await accessible(page, "packets");
  await shoot(page, "packets");
  const caseId = caseUrl.split("/cases/")[1];
  const refused = await page.goto(`${base}/cases/${caseId}`);
  assert.ok([403, 404].includes(refused.status()), `a partner cannot open the case: ${refused.status()}`);
  await page.goto(`${base}/packets`);
  await signOut(page);
  await page.close();
});

test("a French walk through the same pages: the language is a user setting, and problems are said in French", async () => {
  const page = await context.newPage();
  await signIn(page, "demo");
  await page.getByRole("link", { name: "demo" }).click();
  await page.getByLabel("Language of the pages").selectOption("fr");
  await page.getByRole("button", { name: "Save" }).click();
  await assert.doesNotReject(page.getByRole("heading", { name: "Mes réglages" }).waitFor());
  assert.equal(await page.locator("html").getAttribute("lang"), "fr");
  await assert.doesNotReject(page.getByRole("status").filter({ hasText: "Enregistré." }).waitFor());
  try {
    await page.goto(`${base}/`);
    await assert.doesNotReject(page.getByRole("heading", { name: "Dossiers" }).waitFor());

    await page.getByRole("link", { name: "Enregistrer une personne de retour" }).click();
    await page.getByLabel("Prénom").fill("Mariama");
    await page.getByLabel("Date de naissance").fill("1990-07-01");
    await page.getByLabel("Date du retour").fill("2026-03-01");
    await page.getByLabel("Sexe").selectOption("female");
    await page.getByLabel("Pays d'origine").selectOption("SN");
    await page.getByLabel("Bureau").fill("dakar");
    await page.getByRole("button", { name: "Enregistrer une personne de retour" }).click();
    await assert.doesNotReject(page.locator("#family_name-error").filter({ hasText: "est obligatoire" }).waitFor());
    assert.equal(await page.getByLabel("Prénom").inputValue(), "Mariama", "ce qui a été saisi est gardé");
    await accessible(page, "inscription (fr)");
    await shoot(page, "register-errors-fr");
    await page.getByLabel("Nom de famille").fill("Sow");
    await page.getByRole("button", { name: "Enregistrer une personne de retour" }).click();
    await assert.doesNotReject(page.getByRole("heading", { name: /Mariama Sow/ }).waitFor());
    const caseUrl = page.url();
    assert.match(await page.locator("dl.facts").innerText(), /1 mars 2026/, "dates as French writes them");
    await page.getByRole("button", { name: "commencer les évaluations" }).click();
    await accessible(page, "dossier (fr)");
    await shoot(page, "case-fr");

    await page.getByRole("link", { name: "Membres du ménage" }).click();
    await page.getByLabel(/^Nom/).fill("Ousmane Sow");
    await page.getByLabel(/^Lien avec/).fill("fils");
    await page.getByLabel(/^Âge/).fill("sept");
    await page.getByRole("button", { name: "Enregistrer" }).click();
    await assert.doesNotReject(page.locator("#age-error").filter({ hasText: "n'est pas un nombre entier" }).waitFor());
    await accessible(page, "ménage (fr)");
    await shoot(page, "household-fr");

    await page.goto(caseUrl);
    await page.getByRole("link", { name: "Faire passer une enquête RSS" }).click();
    await page.locator('input[name="consent"][value="no"]').check();
    await page.getByRole("button", { name: "Suivant" }).click();
    assert.match(await page.locator("section.review").innerText(), /n'a pas donné son consentement/);
    await page.getByRole("button", { name: "Retour" }).click();
    await page.locator('input[name="consent"][value="yes"]').check();
    await page.getByRole("button", { name: "Suivant" }).click();
    assert.match(await page.locator("section.dimension h2").innerText(), /conomi/);
    await accessible(page, "enquête (fr)");
    await shoot(page, "survey-fr");

    await page.goto(caseUrl);
    await page.getByRole("button", { name: "commencer la planification" }).click();
    await page.getByRole("link", { name: "Plan de réintégration" }).click();
    await page.getByRole("button", { name: "Commencer un plan" }).click();
    const intervention = page.getByLabel(/^Intervention/).first();
    const option = await intervention.locator("option").nth(1).getAttribute("value");
    await intervention.selectOption(option);
    await page.getByLabel("Description").first().fill("Petit commerce");
    await page.getByLabel("Coût estimé").first().fill("douze");
    await page.locator('input[name="components[0].estimated_cost.currency"]').fill("XOF");
    await page.getByRole("button", { name: "Enregistrer le brouillon" }).click();
    await assert.doesNotReject(page.locator("p.error").filter({ hasText: "n'est pas un nombre comme 1250" }).first().waitFor());
    assert.equal(await page.getByLabel("Description").first().inputValue(), "Petit commerce", "ce qui a été saisi est gardé");
    await accessible(page, "plan (fr)");
    await shoot(page, "plan-fr");

    await page.goto(caseUrl);
    await page.getByRole("link", { name: "Orientations" }).click();
    await assert.doesNotReject(page.getByRole("heading", { name: "Nouvelle orientation" }).waitFor());
    await accessible(page, "orientations (fr)");
    await page.goto(caseUrl);
    await page.getByRole("link", { name: "Besoins non satisfaits" }).click();
    await accessible(page, "besoins non satisfaits (fr)");
  } finally {
    await backToEnglish(page);
  }
  await signOut(page);
  await page.close();
});

test("an administrator manages accounts and the directory, and reads the programme's rules", async () => {
  const page = await context.newPage();
  await signIn(page, "demo");
  await page.getByRole("link", { name: "Administration" }).click();
  await assert.doesNotReject(page.getByRole("heading", { name: "Accounts and roles" }).waitFor());
  await page.getByLabel("Username").fill("awa");
  await page.getByLabel(/^Password/).fill("short");
  await page.getByLabel(/^Role/).selectOption("counsellor");
  await page.getByLabel(/^Office/).fill("thies");
  await page.getByRole("button", { name: "Save" }).click();
  await assert.doesNotReject(page.locator("#password-error").filter({ hasText: "at least 10 characters" }).waitFor());
  assert.equal(await page.getByLabel(/^Office/).inputValue(), "thies", "what was typed is kept");
  assert.equal(await page.getByLabel(/^Password/).inputValue(), "", "but never a password");
  await page.getByLabel(/^Password/).fill("a long enough password");
  await page.getByRole("checkbox", { name: "psychosocial" }).check();
  await page.getByRole("button", { name: "Save" }).click();
  await assert.doesNotReject(page.getByRole("cell", { name: "awa" }).waitFor());
  await accessible(page, "accounts");
  await shoot(page, "admin-accounts");
  await page.getByRole("link", { name: "awa" }).click();
  await page.getByLabel(/^Role/).selectOption("case_manager");
  await page.getByRole("button", { name: "Save" }).click();
  await assert.doesNotReject(page.getByRole("row", { name: /awa case manager thies/ }).waitFor());

  await page.getByRole("link", { name: "Offices" }).click();
  await assert.doesNotReject(page.getByRole("cell", { name: "thies", exact: true }).waitFor());
  await accessible(page, "offices");

  await page.getByRole("link", { name: "Service directory" }).click();
  await page.getByLabel(/^Organisation/).fill("Association des jeunes de Pikine");
  await page.getByLabel(/^Services offered/).fill("youth mentoring\nsports");
  await page.getByRole("checkbox", { name: "social", exact: true }).check();
  await page.getByLabel(/^Country/).fill("SN");
  await page.getByLabel(/^Place/).fill("Pikine");
  await page.getByRole("button", { name: "Save" }).click();
  await assert.doesNotReject(page.getByRole("link", { name: "Association des jeunes de Pikine" }).waitFor());
  await accessible(page, "directory");
  await shoot(page, "admin-directory");
  await page.getByRole("link", { name: "Association des jeunes de Pikine" }).click();
  assert.equal(await page.getByLabel(/^Services offered/).inputValue(), "youth mentoring\nsports");
  await page.getByLabel(/^Typical wait/).fill("two weeks");
  await page.getByRole("button", { name: "Save" }).click();
  await page.waitForURL(`${base}/admin/directory`);

  await page.getByRole("link", { name: "Feasibility catalogue" }).click();
  assert.ok((await page.locator("tbody tr").count()) >= 29, "every intervention of the grid");
  await accessible(page, "feasibility catalogue");
  await shoot(page, "admin-grid");
  await page.getByRole("link", { name: "Timing rules" }).click();
  await assert.doesNotReject(page.getByRole("cell", { name: /lines 2459-2462/ }).first().waitFor());
  await accessible(page, "timing rules");
  await signOut(page);

  await signIn(page, "counsellor");
  const refused = await page.goto(`${base}/admin/users`);
  assert.equal(refused.status(), 403, "a counsellor administers nothing");
  assert.equal(await page.getByRole("link", { name: "Administration" }).count(), 0);
  await page.goto(`${base}/`);
  await signOut(page);
  await page.close();
});

test("the layout holds right to left (what an Arabic catalogue would switch on)", async () => {
  const page = await context.newPage();
  await signIn(page, "demo");
  await page.locator("table.cases tbody tr a").first().click();
  await page.evaluate(() => (document.documentElement.dir = "rtl"));
  const layout = await page.evaluate(() => {
    const brand = document.querySelector(".bar .brand").getBoundingClientRect();
    const range = document.createRange();
    range.selectNodeContents(document.querySelector("h1"));
    const heading = range.getBoundingClientRect();
    return {
      overflow: document.documentElement.scrollWidth - window.innerWidth,
      brandOnTheRight: brand.left > window.innerWidth / 2,
      headingFromTheRight: window.innerWidth - heading.right < heading.left,
    };
  });
  assert.ok(layout.overflow <= 0, `no sideways scrolling: ${layout.overflow}px`);
  assert.ok(layout.brandOnTheRight, "the bar starts on the right");
  assert.ok(layout.headingFromTheRight, "text starts on the right");
  await page.screenshot({ path: join(shots, "case-rtl.png"), fullPage: true });
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

  // The programme's indicators against their targets, for the demo's years.
  await page.getByRole("link", { name: "Indicators" }).click();
  await page.getByLabel("From").fill("2024-01-01");
  await page.getByRole("button", { name: "Show" }).click();
  const rows = page.locator("table.indicators tbody tr");
  assert.equal(await rows.count(), 7, "every indicator of the results framework");
  assert.match(await rows.first().innerText(), /composite reintegration score of 0\.5 or more[\s\S]*\d+ %/);
  assert.ok((await page.locator("svg.meter").count()) >= 4, "a bar against its target for each share");
  const styles = await page.evaluate(() => {
    const [track, fill] = document.querySelectorAll("svg.meter rect");
    return [getComputedStyle(track).fill, getComputedStyle(fill).fill, fill.getAttribute("width"), track.getBBox().width, fill.getBBox().width];
  });
  assert.deepEqual(styles.slice(0, 2), ["rgb(213, 218, 225)", "rgb(11, 93, 107)"], JSON.stringify(styles));
  assert.ok(styles[4] > 0 && styles[4] < styles[3], `the filled part is part of the bar: ${JSON.stringify(styles)}`);
  await accessible(page, "indicators");
  await shoot(page, "indicators");
  await page.getByRole("link", { name: "Dashboard" }).click();
  await page.getByLabel("From", { exact: true }).fill("2024-01-01");
  await page.getByLabel("Broken down by").selectOption("country_of_origin");
  await page.getByRole("button", { name: "Show" }).click();
  assert.ok((await page.locator("rect.band-fill").count()) >= 6, "bands drawn for the dimensions and the rounds");
  assert.equal(await page.locator("table.scores").first().locator("tbody tr").count(), 4, "three dimensions and the composite");
  await accessible(page, "dashboard");
  await shoot(page, "dashboard");

  // Change between rounds by return type, and a regression the officer writes, with robust errors.
  await page.getByLabel("Broken down by").selectOption("return_type");
  await page.getByRole("button", { name: "Show" }).click();
  await assert.doesNotReject(page.getByRole("heading", { name: "Change between survey rounds" }).waitFor());
  assert.match(await page.locator("#change ~ p").first().innerText(), /Baseline → Final|baseline → final/i);
  assert.ok((await page.locator("table.cases tbody tr").filter({ hasText: "(Intercept)" }).count()) === 1, "the default model is fitted");
  await page.getByLabel(/^Model/).fill("composite ~ sex + age");
  await page.getByLabel("Robust standard errors (HC1)").check();
  await page.getByRole("button", { name: "Fit" }).click();
  await page.waitForURL(/robust=hc1/);
  const terms = await page.locator("#regression ~ div table tbody th").allInnerTexts();
  assert.deepEqual(terms, ["(Intercept)", "sexmale", "age"], "R's names, the first level the reference");
  assert.match(await page.locator("#regression ~ p").last().innerText(), /n = \d+ .*R² = .*Robust standard errors \(HC1\)/);
  await page.getByLabel(/^Model/).fill("composite ~ income");
  await page.getByRole("button", { name: "Fit" }).click();
  await assert.doesNotReject(page.getByRole("alert").filter({ hasText: "`income` is not a variable" }).waitFor());
  await page.getByLabel(/^Model/).fill("composite ~ sex + age");
  await page.getByRole("button", { name: "Fit" }).click();
  await page.locator("#regression ~ div table").waitFor();
  await accessible(page, "dashboard-change-regression");
  await shoot(page, "dashboard-change-regression");
  const workbook = await page.request.get(base + (await page.getByRole("link", { name: "Download the workbook (XLSX)" }).getAttribute("href")));
  assert.equal(workbook.status(), 200);
  assert.match(workbook.headers()["content-disposition"], /homeward-dashboard-2024-01-01-.*\.xlsx/);
  // Printed, the page is the report: forms go, tables and charts stay.
  await page.emulateMedia({ media: "print" });
  assert.equal(await page.locator("#formula").isVisible(), false, "no form on paper");
  assert.ok(await page.locator("#regression ~ div table").isVisible(), "the regression table prints");
  assert.ok(await page.locator("svg.meter").first().isVisible(), "indicator meters print");
  await page.emulateMedia({ media: "screen" });
  await signOut(page);
  await page.close();
});

test("at 360 px wide no page scrolls sideways and every control is a finger's size (WCAG 2.2 target size)", async () => {
  const page = await context.newPage();
  await page.setViewportSize({ width: 360, height: 780 });
  await signIn(page, "fatou");
  await page.goto(`${base}/?filtered=1`);
  const caseHref = await page.locator("table.cases a[href^='/cases/']").first().getAttribute("href");
  const pages = ["/", "/?filtered=1", caseHref, `${caseHref}/edit`, `${caseHref}/plan`, `${caseHref}/referrals`,
    `${caseHref}/records/household-members`, `${caseHref}/surveys/new`, "/cases/new", "/indicators", "/settings",
    `${caseHref}/own-file`, "/imports", "/imports/cases", "/exports", "/communities", "/stakeholders", "/structures",
    "/mentoring", `${caseHref}/mentoring`, `${caseHref}/documents`, "/dashboard"];
  const problems = [];
  for (const path of pages) {
    await page.goto(`${base}${path}`);
    const found = await page.evaluate(() => {
      const wide = document.documentElement.scrollWidth > document.documentElement.clientWidth + 1;
      const small = [...document.querySelectorAll("button, select, input:not([type=hidden]), a.button, nav a, .account a, ul.work a, table a")]
        .filter((e) => !e.classList.contains("visually-hidden"))
        .filter((e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 && (r.width < 24 || r.height < 24); })
        .map((e) => e.outerHTML.slice(0, 90));
      return { wide, width: document.documentElement.scrollWidth, small };
    });
    if (found.wide) problems.push(`${path} is ${found.width} px wide`);
    for (const s of found.small) problems.push(`${path}: a target under 24 px: ${s}`);
  }
  // The same in French, as the Dakar counsellor reads it: longer words must not widen a page.
  await signOut(page);
  await signIn(page, "counsellor");
  for (const path of ["/", "/?filtered=1", caseHref, `${caseHref}/referrals`, `${caseHref}/surveys/new`, "/settings"]) {
    await page.goto(`${base}${path}`);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    if (width > 361) problems.push(`${path} in French is ${width} px wide`);
  }
  assert.equal(await page.locator("html").getAttribute("lang"), "fr");
  assert.deepEqual(problems, []);
  await signOut(page);
  await signIn(page, "fatou");
  await page.goto(`${base}/`);
  await shoot(page, "phone-worklist");
  await page.goto(`${base}${caseHref}`);
  await shoot(page, "phone-case");
  await page.close();
});

test("a dropped connection or a closed tab loses nothing: the plan and the survey keep a draft in the browser", async () => {
  const page = await context.newPage();
  await signIn(page, "fatou");
  await page.goto(`${base}/cases/new`);
  await page.getByLabel("Given name").fill("Ndeye");
  await page.getByLabel("Family name").fill("Faye");
  await page.getByLabel("Date of birth").fill("1991-05-02");
  await page.getByLabel("Date of return").fill("2026-03-01");
  await page.getByLabel("Sex").selectOption("female");
  await page.getByLabel("Country of origin").selectOption("SN");
  await page.getByLabel("Office").fill("dakar");
  await page.getByRole("button", { name: /Register a returnee|This is another person/ }).click();
  if (await page.getByRole("button", { name: /This is another person/ }).count()) {
    await page.getByRole("button", { name: /This is another person/ }).click();
  }
  await page.getByRole("heading", { name: /Ndeye Faye/ }).waitFor();
  const caseUrl = page.url();

  // The plan: typed, not saved, the tab closed; opened again, it is all there.
  await page.goto(`${caseUrl}/plan`);
  await page.getByRole("button", { name: "Start a plan" }).click();
  await page.getByLabel("Place of return").fill("Rufisque");
  await page.locator("#summary-economic").fill("A small shop");
  await page.waitForTimeout(600);
  const again = await context.newPage();
  await page.close();
  await again.goto(`${caseUrl}/plan`);
  assert.equal(await again.getByLabel("Place of return").inputValue(), "Rufisque", "the draft is restored");
  assert.equal(await again.locator("#summary-economic").inputValue(), "A small shop");
  assert.equal(await again.locator("[data-draft-note]").isVisible(), true, "and the page says so");
  await again.getByRole("button", { name: "Save the draft" }).click();
  await again.waitForURL(/plan#components/);
  await again.goto(`${caseUrl}/plan`);
  assert.equal(await again.locator("[data-draft-note]").isVisible(), false, "a saved plan is not covered by its old draft");

  // The survey: left on its second screen; opened again, it goes back there with its answers.
  await again.goto(`${caseUrl}/surveys/new`);
  await again.locator('input[name="consent"][value="yes"]').check();
  await again.getByRole("button", { name: "Next" }).click();
  await again.locator("section.dimension").waitFor();
  await again.locator('input[name="Q9"][value="yes"]').check();
  await again.waitForTimeout(600);
  await again.goto(caseUrl);
  await again.goto(`${caseUrl}/surveys/new`);
  await again.getByRole("button", { name: "Continue it where it was left" }).click();
  await again.locator("section.dimension").waitFor();
  assert.equal(await again.locator('input[name="Q9"][value="yes"]').isChecked(), true, "the answer is back");
  await accessible(again, "survey resumed");
  await again.close();
});

/** The page does not scroll sideways at the current (phone) width. */
async function fitsWidth(page, where) {
  const { scroll, client } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  assert.ok(scroll <= client + 1, `${where} is ${scroll} px wide on a ${client} px screen`);
}

test("a case manager's day in French on a 360 px phone: worklist, duplicate, correction, notes, plan with its checklist, consent, referral, payments, closure", async () => {
  const page = await context.newPage();
  await page.setViewportSize({ width: 360, height: 780 });
  // The language is chosen on the sign-in page (and kept for the account: set back at the end).
  await signInFrench(page, "fatou");
  try {
    // The worklist: counts per kind, each item a link to where it is done.
    await assert.doesNotReject(page.getByRole("heading", { name: "Mon travail" }).waitFor());
    assert.equal(await page.locator("html").getAttribute("lang"), "fr");
    assert.match(await page.locator("table.counts").innerText(), /Visite de suivi[\s\S]*Paiement du plan/);
    const work = page.locator("ul.work a");
    assert.ok((await work.count()) > 0, "the demo caseload has work due");
    await fitsWidth(page, "the worklist");
    await accessible(page, "travail du jour (fr, 360 px)");
    const target = await work.first().getAttribute("href");
    await work.first().click();
    await page.waitForURL(`${base}${target}`);

    // Registration: the same person already on the caseload is shown before anything is saved.
    await page.goto(`${base}/?filtered=1`);
    const existing = (await page.locator("table.cases tbody tr").first().locator("td").nth(1).innerText()).trim();
    const [given, ...rest] = existing.split(" ");
    await page.goto(`${base}/cases/new`);
    await page.getByLabel("Prénom").fill(given);
    await page.getByLabel("Nom de famille").fill(rest.join(" "));
    await page.getByLabel("Date de naissance").fill("1992-04-11");
    await page.getByLabel("Date du retour").fill("2026-02-01");
    await page.getByLabel("Sexe").selectOption("female");
    await page.getByLabel("Pays d'origine").selectOption("SN");
    await page.getByLabel("Bureau").fill("dakar");
    await page.getByRole("button", { name: "Enregistrer une personne de retour" }).click();
    await assert.doesNotReject(page.getByRole("heading", { name: "Cette personne est peut-être déjà enregistrée" }).waitFor());
    assert.ok((await page.locator("section.duplicates a[href^='/cases/']").count()) > 0, "the existing case opens from the warning");
    await fitsWidth(page, "the duplicate warning");
    await accessible(page, "doublon possible (fr)");
    await page.getByRole("button", { name: "C'est une autre personne : enregistrer" }).click();
    await assert.doesNotReject(page.getByRole("heading", { name: new RegExp(`Dossier HW-.*${given}`) }).waitFor());
    const caseUrl = page.url();
    const status = async () => (await page.locator("dl.facts dd").first().innerText()).trim();

    // The registration corrected with a phone number, which the case then shows.
    await page.getByRole("link", { name: "Corriger l'enregistrement" }).click();
    await page.locator("#contacts").fill("+221 77 123 45 67");
    await page.getByRole("button", { name: "Enregistrer la correction" }).click();
    await page.waitForURL(caseUrl);
    await assert.doesNotReject(page.locator('dl.facts a[href="tel:+221 77 123 45 67"]').waitFor());

    // Notes of a counselling session are read back in full.
    await page.getByRole("link", { name: "Séances de conseil" }).click();
    await page.locator("#mode").selectOption("in_person");
    await page.locator("#notes").fill("Veut ouvrir un atelier de couture à Pikine ; sa mère l'aidera.");
    await page.getByRole("button", { name: "Enregistrer" }).click();
    await assert.doesNotReject(page.getByText("Veut ouvrir un atelier de couture à Pikine ; sa mère l'aidera.").waitFor());
    await fitsWidth(page, "the counselling sessions");

    // The plan in one form: a component, then its feasibility checklist, saved with it; agreeing
    // it moves the case on.
    await page.goto(caseUrl);
    await page.getByRole("button", { name: "commencer les évaluations" }).click();
    await page.getByRole("button", { name: "commencer la planification" }).click();
    await page.getByRole("link", { name: "Plan de réintégration" }).click();
    await page.getByRole("button", { name: "Commencer un plan" }).click();
    await page.locator("#place_of_return").fill("Pikine");
    await page.locator("#summary-economic").fill("Un atelier de couture.");
    const economic = await page.locator('#c0-intervention optgroup[label="Économique"] option').first().getAttribute("value");
    await page.locator("#c0-intervention").selectOption(economic);
    await page.locator("#c0-description").fill("Machine à coudre et tissu");
    await page.locator("#c0-amount").fill("150000");
    await page.locator("#c0-currency").fill("XOF");
    await page.locator("#c0-referral").check();
    await page.getByRole("button", { name: "Enregistrer le brouillon" }).click();
    const checklist = page.locator("form.plan .checklist").first();
    await checklist.waitFor();
    const marks = checklist.locator("select");
    for (let i = 0; i < (await marks.count()); i++) await marks.nth(i).selectOption("met");
    await page.getByRole("button", { name: "Enregistrer le brouillon" }).click();
    await assert.doesNotReject(page.locator(".checklist h3").filter({ hasText: "tous les critères sont remplis" }).waitFor());
    await fitsWidth(page, "the plan");
    await accessible(page, "plan (fr, 360 px)");
    await page.locator("#returnee_approved").check();
    await page.locator("#staff_approved").check();
    await page.getByRole("button", { name: "Convenir du plan" }).click();
    await page.goto(caseUrl);
    assert.equal(await status(), "plan convenu", "agreeing the plan moves the case");

    // Consent to a partner chosen from the directory, then the referral from the component.
    await page.locator("#purpose").selectOption("share_with_partner");
    await page.locator("#method").selectOption("written_in_person");
    await page.locator("#given_on").fill("2026-03-01");
    // The directory is searched by name, service or place, accents and case aside.
    const partner = await page.locator("#partner option", { hasText: "Centre de formation professionnelle de Thiès" }).getAttribute("value");
    await page.getByLabel("Trouver un partenaire par nom, service ou lieu").fill("thies vocational");
    assert.equal(await page.locator("#partner").inputValue(), partner, "the one partner found is chosen");
    assert.equal(await page.locator("#partner option:not([hidden])").count(), 2, "the blank choice and the partner found");
    for (const field of ["name", "contacts", "languages"]) await page.locator(`input[name="fields"][value="${field}"]`).check();
    await page.getByRole("button", { name: "Enregistrer le consentement" }).click();
    await page.getByRole("link", { name: "Orientations" }).click();
    await page.getByRole("link", { name: /Orienter pour : Machine à coudre/ }).click();
    assert.equal(await page.locator(`#provider-${partner}`).isChecked(), true, "the consented partner is chosen");
    assert.match(await page.locator("#reason").inputValue(), /Machine à coudre/, "the reason comes from the component");
    await page.getByRole("button", { name: "Proposer l'orientation" }).click();
    await page.getByRole("button", { name: "La personne consent" }).click();
    await page.getByRole("button", { name: "Envoyer le dossier" }).click();
    await assert.doesNotReject(page.locator("article.referral .state").filter({ hasText: /envoy/ }).waitFor());
    await fitsWidth(page, "the referrals");

    // Payments against the plan's schedule: the second instalment before the first is refused
    // next to its field; the first is recorded, and the case is in assistance.
    await page.goto(caseUrl);
    await page.getByRole("link", { name: "Assistance fournie" }).click();
    await page.locator("#modality").selectOption("in_kind");
    await page.locator("#value-amount").fill("75000");
    await page.locator("#value-currency").fill("XOF");
    await page.locator("#payee").selectOption("supplier");
    await page.locator("#supplier").fill("Quincaillerie de Pikine");
    await page.locator("#plan_version").fill("1");
    await page.locator("#component").fill("0");
    await page.locator("#instalment").fill("2");
    await page.locator("#instalments").fill("2");
    await page.getByRole("button", { name: "Enregistrer" }).click();
    await assert.doesNotReject(page.locator("#instalment-error").filter({ hasText: /versement 1/ }).waitFor());
    assert.equal(await page.locator("#supplier").inputValue(), "Quincaillerie de Pikine", "what was typed is kept");
    await page.locator("#instalment").fill("1");
    await page.getByRole("button", { name: "Enregistrer" }).click();
    await assert.doesNotReject(page.locator("tbody td", { hasText: "75000 XOF" }).waitFor());
    await fitsWidth(page, "the assistance ledger");
    await page.goto(caseUrl);
    assert.equal(await status(), "en assistance", "the first payment starts the assistance");

    // Closure: the case is then read only, with no form to fill.
    await page.getByRole("button", { name: "commencer la clôture" }).click();
    await page.getByRole("link", { name: "Clore le dossier" }).click();
    await page.locator("#reason").selectOption("returnee_chose_to_stop");
    await page.locator("#choice").selectOption("voluntary");
    await page.locator("#timing").selectOption("abrupt");
    await page.getByRole("button", { name: "clore le dossier" }).click();
    await page.waitForURL(caseUrl);
    assert.equal(await status(), "clos");
    await assert.doesNotReject(page.getByRole("status").filter({ hasText: "Ce dossier est clos" }).waitFor());
    // Only what a closed case allows: reopening or archiving it, and the returnee withdrawing a
    // consent.
    const actions = await page.locator("main form").evaluateAll((forms) =>
      forms.map((f) => `${f.getAttribute("action").replace(/^.*\/cases\/[^/]+/, "")} ${[...f.querySelectorAll("button")].map((b) => b.value).join(",")}`));
    assert.deepEqual(actions.filter((a) => !/^\/consents\/[^/]+\/withdraw /.test(a)), ["/move reopen", "/move archive"], `${actions}`);
    assert.equal(await page.getByRole("link", { name: "Faire passer une enquête RSS" }).count(), 0);
    await fitsWidth(page, "the closed case");
    await accessible(page, "dossier clos (fr, 360 px)");
    await shoot(page, "phone-day-closed-fr");
  } finally {
    await backToEnglish(page);
  }
  await signOut(page);
  await page.close();
});

test("a French counsellor on a 360 px phone imports a KoboToolbox export: preview first, then the import and its log", async () => {
  const page = await context.newPage();
  await page.setViewportSize({ width: 360, height: 780 });
  await signIn(page, "counsellor");
  await page.goto(`${base}/?filtered=1`);
  await page.locator("table.cases a[href^='/cases/']").first().click();
  const caseUrl = page.url();
  const number = (await page.locator("main").innerText()).match(/HW-\d{4}-\d{6,}/)[0];
  const best = [["Q1", "very_satisfied"], ["Q2", "never"], ["Q3", "yes"], ["Q4", "never"], ["Q5", "no_debt"],
    ["Q6", "very_good"], ["Q7", "yes"], ["Q8", "land"], ["Q9", "no"], ["Q11", "very_good"], ["Q12", "very_good"],
    ["Q13", "very_good"], ["Q14", "yes"], ["Q15", "very_good"], ["Q16", "yes"], ["Q17", "very_good"],
    ["Q18", "very_good"], ["Q19", "very_good"], ["Q20", "very_good"], ["Q22", "very_often"], ["Q23", "very_good"],
    ["Q24", "agree"], ["Q25", "very_safe"], ["Q26", "never"], ["Q27", "never"], ["Q28", "never"], ["Q29", "no"],
    ["Q30", "yes"], ["Q32", "family"]];
  const header = ["_uuid", "profile/case_id", "profile/round", "profile/interview_date", "consent", ...best.map(([q]) => `grp/${q}`)];
  const row = (id, round) => [`uuid:${id}`, number, round, "2026-03-02", "yes", ...best.map(([, a]) => a)].join(";");
  const stamp = Date.now();
  const csv = [header.join(";"), row(`walk-${stamp}-1`, "intermediate"), row(`walk-${stamp}-2`, "midline")].join("\n") + "\n";

  await page.goto(`${base}/`);
  await page.getByRole("link", { name: "Enquêtes venues de KoboToolbox ou d'ODK" }).click();
  await accessible(page, "imports");
  await page.getByLabel("Fichier d'export (CSV ou XLSX)").setInputFiles({ name: "kobo.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByRole("button", { name: "Vérifier le fichier" }).click();
  await page.waitForSelector("#preview-title");
  assert.match(await page.locator("#preview-counts").innerText(), /Enquêtes à enregistrer\s*:\s*1/);
  assert.match(await page.locator("#preview-rows").innerText(), /midline/);
  await accessible(page, "import preview");
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 361), "the preview fits a phone");
  await shoot(page, "phone-import-preview");
  await page.getByRole("button", { name: "Importer" }).click();
  await page.waitForURL(/\/imports\/log\//);
  assert.match(await page.locator("#import-summary").innerText(), /kobo\.csv/);
  await accessible(page, "import entry");
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 361), "the log entry fits a phone");
  await page.goto(caseUrl);
  assert.match(await page.locator("#field-refused").innerText(), /round/);
  await page.close();
});

test("a case manager on a 360 px phone imports a caseload sheet (check first, then the cases) and exports the data", async () => {
  const page = await context.newPage();
  await page.setViewportSize({ width: 360, height: 780 });
  await signIn(page, "fatou");
  const stamp = Date.now().toString(36).replace(/[0-9]/g, "");
  const sheet = ["Given name;Family name;Sex;Date of birth;Date of return;Country",
    `Ousmane${stamp};Kane${stamp};M;05/05/1989;05/01/2026;Senegal`,
    `Awa${stamp};Ndiaye;F;31/02/1990;05/01/2026;SN`,
    `Ousmane${stamp};Kane${stamp};M;07/07/1991;05/01/2026;Guinée`].join("\r\n") + "\r\n";
  await page.goto(`${base}/`);
  await page.getByRole("link", { name: "Import a caseload from a spreadsheet" }).click();
  await accessible(page, "caseload import");
  await page.getByLabel("Caseload spreadsheet (CSV or XLSX)").setInputFiles({ name: "caseload.csv", mimeType: "text/csv", buffer: Buffer.from(sheet) });
  await page.getByRole("button", { name: "Check the file" }).click();
  await page.waitForSelector("#report-title");
  assert.match(await page.locator("#report-counts").innerText(), /Cases to create:\s*1/);
  const rows = await page.locator("#report-rows").innerText();
  assert.match(rows, /Date of birth: '31\/02\/1990' is not a date/);
  assert.match(rows, /same names as row 2/);
  await accessible(page, "caseload check");
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 361), "the check fits a phone");
  await shoot(page, "phone-caseload-check");
  await page.locator("#row-4").getByLabel("This is another person: create the case").check();
  await page.locator("#partial").check();
  await page.getByRole("button", { name: "Create the cases" }).click();
  await page.waitForSelector("#created");
  assert.equal(await page.locator("#created li").count(), 2, "the good row and the other person");
  await accessible(page, "caseload created");
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 361), "the result fits a phone");

  await page.goto(`${base}/`);
  await page.locator("#export-link").click();
  await page.waitForURL(/\/exports$/);
  assert.match(await page.locator("#export-parts").innerText(), /Household members/);
  await accessible(page, "exports");
  const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#export-xlsx").click()]);
  assert.match(download.suggestedFilename(), /^homeward-export-\d{4}-\d{2}-\d{2}\.xlsx$/);
  await page.close();
});

test("a case manager in French on a 360 px phone records a community and runs a project through its screening", async () => {
  const page = await context.newPage();
  await page.setViewportSize({ width: 360, height: 780 });
  await signInFrench(page, "fatou");
  try {
    await page.locator("#communities-link").click();
    await assert.doesNotReject(page.getByRole("heading", { name: "Communautés" }).waitFor());
    await fitsWidth(page, "the communities");
    await accessible(page, "communautés (fr, 360 px)");
    const name = `Guédiawaye ${Date.now().toString(36)}`;
    await page.locator("#community-form").getByLabel(/^Nom/).fill(name);
    await page.getByRole("button", { name: "Enregistrer la communauté" }).click();
    await page.waitForSelector("#sources-error");
    await accessible(page, "communauté refusée (fr, 360 px)");
    await page.locator("#sources").fill("deux groupes de discussion");
    await page.getByRole("button", { name: "Enregistrer la communauté" }).click();
    await assert.doesNotReject(page.getByRole("heading", { name }).waitFor());
    await fitsWidth(page, "a community");
    await accessible(page, "une communauté (fr, 360 px)");
    const proposal = page.locator("#project-form");
    await proposal.getByLabel(/^Titre/).fill("Jardin maraîcher");
    await proposal.getByLabel(/^Approche/).selectOption("new_community_project");
    await proposal.getByLabel(/^Activité/).selectOption("local_development_livelihood");
    await proposal.getByLabel(/^Description/).fill("Un jardin partagé et son irrigation");
    await page.getByRole("button", { name: "Proposer un projet" }).click();
    await assert.doesNotReject(page.getByRole("heading", { name: "Jardin maraîcher" }).waitFor());
    await fitsWidth(page, "a project");
    await accessible(page, "un projet (fr, 360 px)");
    const reasons = page.locator("#screening-form input[name^=reason_]");
    for (let i = 0; i < await reasons.count(); i++) await reasons.nth(i).fill("vu en groupe de discussion");
    await page.locator("#met_not_viable").check();
    await page.getByRole("button", { name: "Enregistrer l'examen" }).click();
    await page.getByRole("button", { name: "Approuver" }).click();
    assert.match(await page.locator("p.error[role=alert]").first().innerText(), /justification/);
    await page.getByLabel(/^Justification/).fill("viabilité revue avec la chambre d'agriculture");
    await page.getByRole("button", { name: "Approuver" }).click();
    assert.equal(await page.locator("#project-state").innerText(), "approuvé");
    const member = page.locator("#member-form");
    await member.getByLabel(/^Nom/).fill("Ndeye Faye");
    await member.getByLabel(/^Sexe/).selectOption("female");
    await member.getByLabel(/^Tranche d'âge/).selectOption("35_49");
    await member.getByLabel(/^Rôle/).fill("animatrice");
    await page.locator("#member-form").getByRole("button", { name: "Ajouter" }).click();
    assert.match(await page.locator("#participant-counts").innerText(), /Membres de la communauté\s*:?\s*1/);
    await fitsWidth(page, "a project with its people");
    await accessible(page, "un projet approuvé (fr, 360 px)");
    await shoot(page, "phone-community-project-fr");
    // Printed, the page is the project's sheet: its facts, people and money, without the forms.
    await page.emulateMedia({ media: "print" });
    assert.ok(await page.locator("#project-facts").isVisible(), "the facts print");
    assert.ok(await page.locator("#participant-list").isVisible(), "the participants print");
    assert.ok(!(await page.locator("#member-form").isVisible()), "the forms do not");
    await page.emulateMedia({ media: "screen" });
    // The stakeholder map: a grid and its table, in French, on the phone.
    await page.goto(`${base}/stakeholders`);
    await assert.doesNotReject(page.getByRole("heading", { name: "Parties prenantes" }).waitFor());
    assert.ok(await page.locator("#stakeholder-grid").isVisible() && await page.locator("#stakeholder-matrix").isVisible());
    await fitsWidth(page, "the stakeholder map");
    await accessible(page, "parties prenantes (fr, 360 px)");
    await shoot(page, "phone-stakeholders-fr");
  } finally {
    await backToEnglish(page);
  }
  await page.close();
});

test("in French on a 360 px phone: an agreement to renew on the worklist, capacity building with its questionnaire, a mentorship and its comparison", async () => {
  const page = await context.newPage();
  await page.setViewportSize({ width: 360, height: 780 });
  await signInFrench(page, "fatou");
  try {
    // The demo's MoU ends within its notice, and Fatou is responsible for it.
    await assert.doesNotReject(page.locator("#agreements-to-renew").waitFor());
    await page.goto(`${base}/communities`);
    await page.locator("#structures-link").click();
    await assert.doesNotReject(page.getByRole("heading", { name: "Structures : accords et renforcement des capacités" }).waitFor());
    await fitsWidth(page, "the structures");
    await accessible(page, "structures (fr, 360 px)");
    // An agreement: refused without its parties, then recorded and shown with where it stands.
    const agreement = page.locator("#agreement-form");
    await agreement.getByLabel(/^Type/).selectOption("sop");
    await agreement.getByLabel(/^Titre/).fill("POS : orientation vers la santé mentale");
    await agreement.getByLabel(/^Ce qu'il couvre/).fill("Qui oriente qui, avec quelles données");
    await page.getByRole("button", { name: "Enregistrer l'accord" }).click();
    await page.waitForSelector("#parties-error");
    assert.match(await page.locator("#parties-error").innerText(), /obligatoire/);
    await accessible(page, "accord refusé (fr, 360 px)");
    await page.locator("#agreement-form #parties").fill("OIM Sénégal\nCentre de santé de Pikine");
    await page.locator("#agreement-form #signed_on").fill("2026-01-05");
    await page.getByRole("button", { name: "Enregistrer l'accord" }).click();
    await assert.doesNotReject(page.getByRole("heading", { name: "POS : orientation vers la santé mentale" }).waitFor());
    assert.equal(await page.locator("#agreement-status").innerText(), "en vigueur");
    await fitsWidth(page, "an agreement");
    await accessible(page, "un accord (fr, 360 px)");
    // A capacity-building activity, a participant from the map, and the questionnaire after it.
    await page.goto(`${base}/structures`);
    const activity = page.locator("#activity-form");
    await activity.getByLabel(/^Titre/).fill("Atelier sur l'orientation");
    await activity.getByLabel(/^Type d'appui/).selectOption("training");
    await activity.getByLabel(/^Tenue le/).fill("2026-06-01");
    await page.getByRole("button", { name: "Enregistrer l'activité" }).click();
    await assert.doesNotReject(page.getByRole("heading", { name: "Atelier sur l'orientation" }).waitFor());
    await page.getByRole("button", { name: "Ajouter la partie prenante" }).click();
    await page.locator("#moment").selectOption("post");
    await page.locator("#answered_on").fill("2026-09-01");
    for (const q of ["knowledge", "services", "coordination"]) await page.locator(`#q_${q}`).selectOption("4");
    await page.getByRole("button", { name: "Enregistrer les réponses" }).click();
    assert.match(await page.locator("p.error[role=alert]").first().innerText(), /obligatoire/);
    await page.locator("#q_more_engaged").selectOption("yes");
    await page.getByRole("button", { name: "Enregistrer les réponses" }).click();
    await assert.doesNotReject(page.locator("#more-engaged", { hasText: "1 / 1" }).waitFor());
    await fitsWidth(page, "an activity");
    await accessible(page, "une activité (fr, 360 px)");
    await shoot(page, "phone-capacity-fr");
    await page.emulateMedia({ media: "print" });
    assert.ok(await page.locator("#participant-list").isVisible() && !(await page.locator("#questionnaire-form").isVisible()));
    await page.emulateMedia({ media: "screen" });
    // Mentoring: the office's mentors, then a mentorship started on a case after its selection.
    await page.goto(`${base}/mentoring`);
    await assert.doesNotReject(page.getByRole("heading", { name: "Mentorat", exact: true }).waitFor());
    await fitsWidth(page, "the mentoring page");
    await accessible(page, "mentorat (fr, 360 px)");
    // A returnee registered today (an unusual name: no possible duplicate), then their mentoring.
    await page.goto(`${base}/cases/new`);
    await page.getByLabel("Prénom").fill("Zeynab");
    await page.getByLabel("Nom de famille").fill(`Qx${Date.now().toString(36)}`);
    await page.getByLabel("Date de naissance").fill("1998-04-02");
    await page.getByLabel("Date du retour").fill("2026-05-02");
    await page.getByLabel("Sexe").selectOption("female");
    await page.getByLabel("Pays d'origine").selectOption("SN");
    await page.getByLabel("Bureau").fill("dakar");
    await page.getByRole("button", { name: "Enregistrer une personne de retour" }).click();
    await page.locator("#mentoring-link").click();
    await assert.doesNotReject(page.getByRole("heading", { name: "Mentorat", exact: true }).waitFor());
    await page.locator("#met_location").check();
    await page.getByRole("button", { name: "Commencer le mentorat" }).click();
    assert.match(await page.locator("p.error[role=alert]").first().innerText(), /doit être rempli/);
    await page.locator("#met_location").check();
    await page.locator("#met_willingness").check();
    await page.getByRole("button", { name: "Commencer le mentorat" }).click();
    await page.locator("#session-form #notes").fill("Première visite à l'atelier");
    await page.locator("#session-form #psychosocial").fill("Dort mieux");
    await page.getByRole("button", { name: "Enregistrer la séance" }).click();
    await assert.doesNotReject(page.locator("ul.sessions li", { hasText: "Première visite" }).waitFor());
    await fitsWidth(page, "a case's mentoring");
    await accessible(page, "mentorat d'un dossier (fr, 360 px)");
    await shoot(page, "phone-mentoring-fr");
    // The comparison of the mentored and the others, on the dashboard.
    await page.goto(`${base}/dashboard#mentoring`);
    await assert.doesNotReject(page.locator("#mentoring-table").waitFor());
    assert.match(await page.locator("#mentoring-table").innerText(), /Composite/);
    await fitsWidth(page, "the dashboard");
  } finally {
    await backToEnglish(page);
  }
  await page.close();
});

test("in French on a 360 px phone: a case manager adds documents (a page dressed as a photo is refused), views, downloads and removes one; others see what their grants allow", async () => {
  // A 1 x 1 PNG, as a phone's camera would hand one over.
  const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=", "base64");
  const pdf = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
  const page = await context.newPage();
  await page.setViewportSize({ width: 360, height: 780 });
  await signInFrench(page, "fatou");
  let caseUrl;
  try {
    await page.goto(`${base}/cases/new`);
    await page.getByLabel("Prénom").fill("Mariama");
    await page.getByLabel("Nom de famille").fill(`Dx${Date.now().toString(36)}`);
    await page.getByLabel("Date de naissance").fill("1995-07-14");
    await page.getByLabel("Date du retour").fill("2026-04-20");
    await page.getByLabel("Sexe").selectOption("female");
    await page.getByLabel("Pays d'origine").selectOption("SN");
    await page.getByLabel("Bureau").fill("dakar");
    await page.getByRole("button", { name: "Enregistrer une personne de retour" }).click();
    await page.locator("#documents-link").click();
    caseUrl = page.url().replace(/\/documents$/, "");
    await assert.doesNotReject(page.getByRole("heading", { name: "Documents", exact: true }).waitFor());
    assert.match(await page.locator("#documents-none").innerText(), /Aucun document/);
    // Nothing chosen: each missing field is named.
    await page.getByRole("button", { name: "Ajouter le document" }).click();
    const problems = page.locator("#document-problems");
    await assert.doesNotReject(problems.waitFor());
    assert.match(await problems.innerText(), /Nature : choisissez dans la liste/);
    assert.match(await problems.innerText(), /Fichier : choisissez un fichier ou prenez une photo/);
    await accessible(page, "documents refusés (fr, 360 px)");
    // A web page renamed as a photo is refused by its content, whatever its name and type.
    await page.getByLabel(/^Nature/).selectOption("photo");
    await page.locator("#file").setInputFiles({ name: "photo.jpg", mimeType: "image/jpeg",
      buffer: Buffer.from("<html><script>alert(1)</script></html>") });
    await page.getByRole("button", { name: "Ajouter le document" }).click();
    assert.match(await page.locator("#document-problems").innerText(), /Fichier : n'est pas un document d'un type accepté/);
    assert.equal(await page.getByLabel(/^Nature/).inputValue(), "photo", "what was chosen is kept");
    // A photo from the camera, then the scan of an identity document.
    await page.locator("#photo").setInputFiles({ name: "image.png", mimeType: "image/png", buffer: png });
    await page.getByRole("button", { name: "Ajouter le document" }).click();
    await assert.doesNotReject(page.locator("#documents a", { hasText: "image.png" }).waitFor());
    await page.getByLabel(/^Nature/).selectOption("id_document");
    await page.locator("#file").setInputFiles({ name: "passeport.pdf", mimeType: "application/pdf", buffer: pdf });
    await page.getByRole("button", { name: "Ajouter le document" }).click();
    await assert.doesNotReject(page.locator("#documents a", { hasText: "passeport.pdf" }).waitFor());
    assert.match(await page.locator("#documents").innerText(), /Pièce d'identité/);
    await fitsWidth(page, "a case's documents");
    await accessible(page, "documents d'un dossier (fr, 360 px)");
    await shoot(page, "phone-documents-fr");
    // The photo's page shows it; the download is the file as kept.
    await page.locator("#documents a", { hasText: "image.png" }).click();
    await assert.doesNotReject(page.getByRole("heading", { name: "image.png" }).waitFor());
    await page.waitForFunction(() => document.querySelector("img.document")?.naturalWidth === 1);
    const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#download").click()]);
    assert.equal(download.suggestedFilename(), "image.png");
    assert.deepEqual(readFileSync(await download.path()), png);
    await fitsWidth(page, "a document");
    await accessible(page, "un document (fr, 360 px)");
    // Removed: a reason is asked; then the list says who removed it.
    await page.getByRole("button", { name: "Retirer le document" }).click();
    assert.match(await page.locator("p.error[role=alert]").first().innerText(), /Pourquoi le retirer : /);
    await page.getByLabel(/^Pourquoi le retirer/).fill("Photo floue, reprise");
    await page.getByRole("button", { name: "Retirer le document" }).click();
    await assert.doesNotReject(page.locator("#documents del", { hasText: "image.png" }).waitFor());
  } finally {
    await backToEnglish(page);
  }
  await signOut(page);
  // The administrator, granted health, keeps a medical report in that section...
  await signIn(page, "demo");
  await page.goto(`${caseUrl}/documents`);
  await page.getByLabel(/^What it is/).selectOption("other");
  await page.getByLabel(/^Restricted section/).selectOption("health");
  await page.locator("#file").setInputFiles({ name: "medical-report.pdf", mimeType: "application/pdf", buffer: pdf });
  await page.getByRole("button", { name: "Add the document" }).click();
  await assert.doesNotReject(page.locator("#documents a", { hasText: "medical-report.pdf" }).waitFor());
  await signOut(page);
  // ...which the case manager, not granted health, knows exists without its name.
  await signIn(page, "fatou");
  await page.goto(`${caseUrl}/documents`);
  assert.match(await page.locator("#documents-restricted").innerText(), /1 other document/);
  assert.doesNotMatch(await page.locator("main").innerText(), /medical-report/);
  await signOut(page);
  // The M&E officer reads no document: no link on the case, a refusal at the address.
  await signIn(page, "monitor");
  await page.goto(caseUrl);
  assert.equal(await page.locator("#documents-link").count(), 0);
  const refused = await page.goto(`${caseUrl}/documents`);
  assert.equal(refused.status(), 403);
  await page.close();
});

test("in French on a 360 px phone: Tripoli prepares a handover (refused without consent), sends it; Dakar reads the packet and takes the case", async () => {
  const page = await context.newPage();
  await page.setViewportSize({ width: 360, height: 780 });
  await signInFrench(page, "amal");
  const family = `Hx${Date.now().toString(36)}`;
  let caseUrl;
  try {
    // A returnee counselled in Tripoli before a return next year.
    await page.goto(`${base}/cases/new`);
    await page.getByLabel("Prénom").fill("Rokhaya");
    await page.getByLabel("Nom de famille").fill(family);
    await page.getByLabel("Date de naissance").fill("1996-02-11");
    await page.getByLabel("Date du retour").fill("2027-03-01");
    await page.getByLabel("Sexe").selectOption("female");
    await page.getByLabel("Pays d'origine").selectOption("SN");
    await page.getByLabel("Bureau").fill("tripoli");
    await page.getByRole("button", { name: "Enregistrer une personne de retour" }).click();
    await page.locator("#handover-link").waitFor();
    caseUrl = page.url();
    // Without the consent to share with the country of origin, the handover is refused, naming it.
    await page.locator("#handover-link").click();
    await assert.doesNotReject(page.getByRole("heading", { name: "Transfert", exact: true }).waitFor());
    await page.getByLabel(/^Vers le bureau/).selectOption("dakar");
    await page.getByLabel("Note pour le bureau qui reçoit").fill("Arrive par le vol du matin");
    await page.getByRole("button", { name: "Préparer le transfert" }).click();
    const problems = page.locator("#handover-problems");
    await assert.doesNotReject(problems.waitFor());
    assert.match(await problems.innerText(), /Consentement au partage avec le pays d'origine : aucun consentement en cours/);
    assert.equal(await page.getByLabel(/^Vers le bureau/).inputValue(), "dakar", "the choice is kept");
    await fitsWidth(page, "a case's handover");
    await accessible(page, "transfert refusé (fr, 360 px)");
    // The consent recorded on the case, the handover is prepared, then sent.
    await page.goto(caseUrl);
    await page.locator("#purpose").selectOption("share_with_country_of_origin");
    await page.locator("#given_on").fill("2026-11-20");
    await page.getByRole("button", { name: "Enregistrer le consentement" }).click();
    await page.locator("#handover-link").click();
    await page.getByLabel(/^Vers le bureau/).selectOption("dakar");
    await page.getByRole("button", { name: "Préparer le transfert" }).click();
    await assert.doesNotReject(page.locator("#handover-state", { hasText: "préparé" }).waitFor());
    assert.match(await page.locator("#packet").innerText(), /Rokhaya/);
    await fitsWidth(page, "a handover");
    await accessible(page, "un transfert préparé (fr, 360 px)");
    await page.locator("#send").click();
    await assert.doesNotReject(page.locator("#handover-state", { hasText: "envoyé" }).waitFor());
    await shoot(page, "phone-handover-sent-fr");
  } finally {
    await backToEnglish(page);
  }
  await signOut(page);
  // Dakar: the handover comes in; the packet reads, the case does not until it is accepted.
  await signInFrench(page, "fatou");
  try {
    assert.equal((await page.goto(caseUrl)).status(), 404, "not Dakar's case yet");
    await page.goto(`${base}/handovers`);
    await page.locator("#incoming a", { hasText: family }).click();
    assert.match(await page.locator("#packet").innerText(), /Rokhaya/);
    await fitsWidth(page, "an incoming handover");
    await accessible(page, "un transfert reçu (fr, 360 px)");
    await page.locator("#accept").click();
    await page.waitForURL(caseUrl);
    assert.match(await page.locator("h1").innerText(), new RegExp(family));
  } finally {
    await backToEnglish(page);
  }
  await signOut(page);
  // Tripoli no longer reads the case; the handover says who accepted it.
  await signIn(page, "amal");
  try {
    assert.equal((await page.goto(caseUrl)).status(), 404, "the case is Dakar's now");
    await page.goto(`${base}/handovers`);
    await page.locator("#outgoing a").first().click();
    assert.match(await page.locator("#handover-state").innerText(), /accepted/);
    assert.equal(await page.locator("#packet").count(), 0, "the packet went with the case");
  } finally {
    await page.close();
  }
});

test("a returnee's own file opens from the case, reads well and passes axe", async () => {
  const page = await context.newPage();
  await signIn(page, "fatou");
  await page.goto(`${base}/?filtered=1`);
  await page.locator("table.cases a[href^='/cases/']").first().click();
  await page.locator("#own-file-link").click();
  await page.waitForURL(/own-file/);
  assert.match(await page.locator("h1").innerText(), /Homeward/);
  assert.ok(await page.locator("#summary-about").isVisible(), "the summary comes first");
  await accessible(page, "own file");
  await shoot(page, "own-file");
  await page.close();
});
