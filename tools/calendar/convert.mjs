// Converts the chinese-days package (dist/chinese-days.json) into liantiao's calendar
// file: {"source","version","license","years":[{"year","holidays","workdays"}]}.
//
// The package keys `holidays` (days off) and `workdays` (weekend days worked in lieu,
// 调休上班日) by date. Its `inLieuDays` are days off that were bought by an adjusted
// working day; they are all in `holidays` already, so they add nothing for us and are
// only checked, not copied.
//
// Usage: node convert.mjs <unpacked package dir> <output file>
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [pkgDir, outFile] = process.argv.slice(2);
if (!pkgDir || !outFile) {
  console.error('usage: node convert.mjs <package dir> <output file>');
  process.exit(2);
}

const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
const data = JSON.parse(readFileSync(join(pkgDir, 'dist', 'chinese-days.json'), 'utf8'));

function fail(message) {
  console.error(`convert.mjs: ${message}`);
  process.exit(1);
}

const dateRe = /^\d{4}-\d{2}-\d{2}$/;
const holidays = Object.keys(data.holidays ?? {}).sort();
const workdays = Object.keys(data.workdays ?? {}).sort();
const holidaySet = new Set(holidays);

// Fail loudly instead of committing data that the C++ parser would reject, or that
// would silently change meaning if the package changes its format.
for (const d of [...holidays, ...workdays]) {
  if (!dateRe.test(d)) fail(`unexpected date key ${d}`);
}
for (const d of workdays) {
  if (holidaySet.has(d)) fail(`${d} is both a holiday and a working day`);
  const wd = new Date(`${d}T00:00:00Z`).getUTCDay();
  if (wd !== 0 && wd !== 6) fail(`adjusted working day ${d} is not a weekend day`);
}
for (const d of Object.keys(data.inLieuDays ?? {})) {
  if (!holidaySet.has(d)) fail(`in-lieu day ${d} is not a holiday; the format changed`);
}

const byYear = new Map();
const yearOf = (d) => Number(d.slice(0, 4));
const entry = (y) => {
  if (!byYear.has(y)) byYear.set(y, { year: y, holidays: [], workdays: [] });
  return byYear.get(y);
};
for (const d of holidays) entry(yearOf(d)).holidays.push(d);
for (const d of workdays) entry(yearOf(d)).workdays.push(d);

const years = [...byYear.values()].sort((a, b) => a.year - b.year);
const out = {
  source: 'chinese-days',
  version: pkg.version,
  license: pkg.license,
  years,
};
// One year per line: readable diffs when a year is added or corrected.
const lines = years.map((y) => '    ' + JSON.stringify(y));
const text =
  '{\n' +
  `  "source": ${JSON.stringify(out.source)},\n` +
  `  "version": ${JSON.stringify(out.version)},\n` +
  `  "license": ${JSON.stringify(out.license)},\n` +
  '  "years": [\n' + lines.join(',\n') + '\n  ]\n}\n';
JSON.parse(text);  // self-check
writeFileSync(outFile, text);
console.error(`convert.mjs: ${years.length} years, ${years[0].year}-${years.at(-1).year}`);
