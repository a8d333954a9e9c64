import assert from "node:assert/strict";
import { test } from "node:test";
import { csvCell, scansToCsv } from "./csv.ts";

test("plain values stay as they are", () => {
  assert.equal(csvCell("4006381333931"), "4006381333931");
  assert.equal(csvCell("hello world"), "hello world");
  assert.equal(csvCell(""), "");
});

test("commas, quotes and line breaks are quoted, quotes doubled", () => {
  assert.equal(csvCell("a,b"), '"a,b"');
  assert.equal(csvCell('say "hi"'), '"say ""hi"""');
  assert.equal(csvCell("line1\nline2"), '"line1\nline2"');
  assert.equal(csvCell("cr\r\nlf"), '"cr\r\nlf"');
  assert.equal(csvCell(" padded "), '" padded "');
});

test("formula starts are defused", () => {
  assert.equal(csvCell("=1+1"), "'=1+1");
  assert.equal(csvCell("+33 6 12"), "'+33 6 12");
  assert.equal(csvCell("-5"), "'-5");
  assert.equal(csvCell("@SUM(A1)"), "'@SUM(A1)");
  assert.equal(csvCell("\tx"), "'\tx");
  assert.equal(csvCell('=HYPERLINK("http://x","y")'), `"'=HYPERLINK(""http://x"",""y"")"`);
  assert.equal(csvCell("a=b"), "a=b");
});

test("a history becomes a CSV file with a header and CRLF rows", () => {
  const csv = scansToCsv([{ id: "a", text: "x,y", format: "QRCode", scannedAt: 0, receivedAt: 1000, phoneId: "p1", seq: 1 }], () => "Pixel 8");
  assert.equal(csv, 'seq,scanned_at,received_at,format,text,phone\r\n1,1970-01-01T00:00:00.000Z,1970-01-01T00:00:01.000Z,QRCode,"x,y",Pixel 8\r\n');
});
