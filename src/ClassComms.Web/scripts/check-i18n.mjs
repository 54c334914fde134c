// Compares the keys of src/i18n/en.ts and src/i18n/fr.ts (every string in both languages, none empty). Exit 1 if they differ.
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const dir = resolve(dirname(fileURLToPath(import.meta.url)), "../src/i18n");
const entries = (file) => [...readFileSync(resolve(dir, file), "utf8").matchAll(/^\s*"([^"]+)":\s*"(.*)",?\s*$/gm)].map((m) => [m[1], m[2]]);

export function keySets() {
  const en = entries("en.ts"), fr = entries("fr.ts");
  return { en: en.map(([k]) => k).sort(), fr: fr.map(([k]) => k).sort(), empty: [...en, ...fr].filter(([, v]) => v.trim() === "").map(([k]) => k) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { en, fr, empty } = keySets();
  const onlyEn = en.filter((k) => !fr.includes(k)), onlyFr = fr.filter((k) => !en.includes(k));
  if (onlyEn.length || onlyFr.length || empty.length || en.length === 0) {
    console.error(`check-i18n: missing in fr: ${onlyEn.join(", ") || "none"}; missing in en: ${onlyFr.join(", ") || "none"}; empty: ${empty.join(", ") || "none"}`);
    process.exit(1);
  }
  console.log(`check-i18n: ${en.length} keys, same in fr and en`);
}
