// The printable certificate, from a person's side (called by test/browser/run.mjs, in Node): downloaded
// by clicking « Télécharger le certificat à afficher » on a valid label's verification page, read by an
// independent parser (Mozilla's pdf.js: its text, accents included, and its metadata), and its QR code
// decoded by jsQR — the registry encodes with qrcode-generator — twice: from the rectangles pdf.js finds
// in the PDF, and from Chromium's screenshot of /qr/{code}.svg. A suspended label's certificate URL
// answers the page saying why.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import jsQR from "jsqr";
import { getDocument, OPS } from "pdfjs-dist/legacy/build/pdf.mjs";

/** The QR code drawn in the PDF, as pdf.js reads it: black filled rectangles, rasterised, then jsQR. */
async function qrOfPdf(page) {
  const ops = await page.getOperatorList();
  let colour = null;
  const rects = [];
  for (let i = 0; i < ops.fnArray.length; i++) {
    const fn = ops.fnArray[i];
    if (fn === OPS.setFillRGBColor) colour = ops.argsArray[i][0];
    // pdf.js ≥ 5: [draw op, [path], [minX, minY, maxX, maxY]].
    if (fn === OPS.constructPath && ops.argsArray[i][0] === OPS.fill && colour === "#000000") {
      rects.push(Array.from(ops.argsArray[i][2]));
    }
  }
  if (rects.length === 0) return null;
  const module = Math.min(...rects.map(([, y0, , y1]) => y1 - y0));
  const minX = Math.min(...rects.map((r) => r[0]));
  const maxY = Math.max(...rects.map((r) => r[3]));
  const cells = Math.round((Math.max(...rects.map((r) => r[2])) - minX) / module);
  const scale = 4;
  const quiet = 4;
  const w = (cells + 2 * quiet) * scale;
  const px = new Uint8ClampedArray(w * w * 4).fill(255);
  for (const [x0, y0, x1, y1] of rects) {
    const c0 = Math.round((x0 - minX) / module) + quiet;
    const c1 = Math.round((x1 - minX) / module) + quiet;
    const r0 = Math.round((maxY - y1) / module) + quiet; // PDF y grows upwards
    const r1 = Math.round((maxY - y0) / module) + quiet;
    for (let y = r0 * scale; y < r1 * scale; y++) {
      for (let x = c0 * scale; x < c1 * scale; x++) {
        const i = (y * w + x) * 4;
        px[i] = px[i + 1] = px[i + 2] = 0;
      }
    }
  }
  return jsQR(px, w, w)?.data ?? null;
}

export async function certificateWalk({ page, base, out, check, axe, validate, code = "DEMO-PREF-01" }) {
  const canonical = `${base}/verify/${code}`;
  await page.goto(canonical, { waitUntil: "networkidle" });
  const link = page.locator("#certificat a", { hasText: "Télécharger le certificat à afficher" });
  check((await link.count()) === 1, `verify ${code}: « Télécharger le certificat à afficher » offered`);
  const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
  check(download.suggestedFilename() === `label-${code}.pdf`, `certificate saved as ${download.suggestedFilename()}`);
  const file = join(out, `label-${code}.pdf`);
  await download.saveAs(file);

  const pdf = await getDocument({ data: new Uint8Array(readFileSync(file)), verbosity: 0 }).promise;
  check(pdf.numPages === 1, `certificate: one page (${pdf.numPages})`);
  const { info } = await pdf.getMetadata();
  check(info.Language === "fr-FR", `certificate: language ${info.Language}`);
  check(/^Label Services Publics \+ — palier Or — /.test(info.Title ?? ""), `certificate: title « ${info.Title} »`);
  const p1 = await pdf.getPage(1);
  const [, , width, height] = p1.view;
  check(Math.round(width) === 595 && Math.round(height) === 842, `certificate: A4 portrait (${width} × ${height} pt)`);
  const text = (await p1.getTextContent()).items.map((i) => i.str).join("\n");
  const json = await (await fetch(`${base}/v1/public/labels/${code}`)).json();
  const long = (day) => {
    const [y, m, d] = day.split("-").map(Number);
    const month = new Intl.DateTimeFormat("fr-FR", { month: "long", timeZone: "UTC" }).format(
      new Date(Date.UTC(y, m - 1, 1)),
    );
    return `${d === 1 ? "1er" : d} ${month} ${y}`;
  };
  for (const [what, expected] of [
    ["heading", "Label Services Publics +"],
    ["name", json.structure.name],
    ["town", json.structure.city],
    ["tier", "Or"],
    ["Code SP+", code],
    ["number", json.labelNumber],
    ["awarded on", long(json.awardedOn)],
    ["valid until", long(json.expiresOn)],
    ["certification body", json.certifier.name],
    ["verification URL", canonical],
    ["sentence", "Scannez ce code pour vérifier que ce label est toujours valide"],
  ]) {
    check(
      text.split("\n").some((line) => line.includes(expected)),
      `certificate text (pdf.js): ${what} « ${expected} »`,
    );
  }
  check(/RÉPUBLIQUE/.test(text) && /Démoville/.test(text), "certificate text: accents extract (ToUnicode)");
  check((await qrOfPdf(p1)) === canonical, "certificate: its QR code (pdf.js → jsQR) reads the verification URL");

  // The QR code alone, as Chromium draws it, read from the screenshot's pixels: the browser decodes the
  // PNG and hands back one grey byte a pixel at half size (a full RGBA array would be megabytes of JSON).
  await page.goto(`${base}/qr/${code}.svg`);
  const shot = await page.screenshot({ type: "png" });
  await page.goto("about:blank"); // the SVG's own CSP forbids the fetch below
  const grey = await page.evaluate(async (b64) => {
    const bitmap = await createImageBitmap(await (await fetch(`data:image/png;base64,${b64}`)).blob());
    const [w, h] = [Math.floor(bitmap.width / 2), Math.floor(bitmap.height / 2)];
    const canvas = new OffscreenCanvas(w, h);
    const ctx = canvas.getContext("2d");
    ctx.drawImage(bitmap, 0, 0, w, h);
    const rgba = ctx.getImageData(0, 0, w, h).data;
    let bin = "";
    for (let i = 0; i < rgba.length; i += 4) bin += String.fromCharCode(rgba[i]);
    return { w, h, b64: btoa(bin) };
  }, shot.toString("base64"));
  const g = Buffer.from(grey.b64, "base64");
  const rgba = new Uint8ClampedArray(grey.w * grey.h * 4);
  for (let i = 0; i < g.length; i++) {
    rgba[4 * i] = rgba[4 * i + 1] = rgba[4 * i + 2] = g[i];
    rgba[4 * i + 3] = 255;
  }
  const read = jsQR(rgba, grey.w, grey.h)?.data;
  check(read === canonical, `/qr/${code}.svg screenshot (jsQR) reads ${read}`);

  // A suspended label: its certificate URL says why, and leads to the verification page.
  const suspended = await page.goto(`${base}/certificate/DEMO-MAIRIE-01.pdf`, { waitUntil: "networkidle" });
  const h1 = await page.textContent("h1");
  check(
    suspended.status() === 200 && suspended.headers()["content-type"].startsWith("text/html") && /suspendu/.test(h1),
    `suspended label's certificate URL: « ${h1} »`,
  );
  check(
    (await page.locator('a[href="/verify/DEMO-MAIRIE-01"]').count()) === 1,
    "that page links to the verification page",
  );
  await page.screenshot({ path: join(out, "certificate-refused.png"), fullPage: true });
  await axe("certificate refused");
  await validate(`${base}/certificate/DEMO-MAIRIE-01.pdf`, "certificate refused");
}
