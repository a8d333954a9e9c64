import assert from "node:assert/strict";
import { test } from "node:test";
import { contentDisposition, safeFileName, withExtension } from "./names.ts";

test("file names lose folders, control and bidi characters, leading dots", () => {
  assert.equal(safeFileName("../../etc/passwd"), "passwd");
  assert.equal(safeFileName("..\\..\\windows\\win.ini"), "win.ini");
  assert.equal(safeFileName("/"), "file");
  assert.equal(safeFileName(".."), "file");
  assert.equal(safeFileName(".htaccess"), "htaccess");
  assert.equal(safeFileName("invoice\u202Egpj.exe"), "invoicegpj.exe");
  assert.equal(safeFileName("a\u0000b\nc\td.txt"), "abcd.txt");
  assert.equal(safeFileName('what?<is>"this".txt'), "what__is__this_.txt");
  assert.equal(safeFileName("Résumé 😀.pdf"), "Résumé 😀.pdf");
  assert.equal(safeFileName(undefined), "file");
  assert.equal(safeFileName("   "), "file");
});

test("long names are cut to 200 characters, keeping the extension", () => {
  const name = safeFileName(`${"x".repeat(300)}.pdf`);
  assert.equal([...name].length, 200);
  assert.ok(name.endsWith("x.pdf"));
  assert.equal([...safeFileName("😀".repeat(300))].length, 200);
});

test("a re-encoded image gets its new extension", () => {
  assert.equal(withExtension("photo.JPG", "webp"), "photo.webp");
  assert.equal(withExtension("photo", "webp"), "photo.webp");
});

test("Content-Disposition carries an ASCII fallback and the exact UTF-8 name", () => {
  assert.equal(contentDisposition("attachment", 'a"b\\c.txt'), `attachment; filename="a_b_c.txt"; filename*=UTF-8''a%22b%5Cc.txt`);
  assert.equal(contentDisposition("inline", "Résumé (1).pdf"), `inline; filename="R_sum_ (1).pdf"; filename*=UTF-8''R%C3%A9sum%C3%A9%20%281%29.pdf`);
});
