import { signal } from "./signal";
import { en, type MessageKey } from "./i18n/en";
import { fr } from "./i18n/fr";

export type Lang = "fr" | "en";
export const dictionaries: Record<Lang, Record<MessageKey, string>> = { en, fr };

// The choice is remembered in this browser (a language code: not personal data).
const storageKey = "classcomms.lang";
function initial(): Lang {
  const saved = localStorage.getItem(storageKey);
  if (saved === "fr" || saved === "en") return saved;
  return navigator.language.toLowerCase().startsWith("en") ? "en" : "fr";
}

export const lang = signal<Lang>(initial());
document.documentElement.lang = lang.value;

export function setLang(value: Lang) {
  localStorage.setItem(storageKey, value);
  document.documentElement.lang = value;
  lang.value = value;
}

export function t(key: MessageKey, values?: Record<string, string | number>): string {
  let text = dictionaries[lang.value][key];
  if (values) for (const [k, v] of Object.entries(values)) text = text.replace(`{${k}}`, String(v));
  return text;
}

// Dates and times in the school's time zone (GET /api/school/time-zone), in the chosen language.
export const timeZone = signal<string>("America/Toronto");
export function formatDate(iso: string): string {
  return new Intl.DateTimeFormat(lang.value === "fr" ? "fr-CA" : "en-CA", {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone: timeZone.value,
  }).format(new Date(iso));
}
