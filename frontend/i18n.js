// Translations for the page: Django's JavaScript catalog when the page loaded it (a classic
// script that runs before the modules and defines globalThis.django), else the English text.

function catalog() {
  return globalThis.django?.gettext ? globalThis.django : null;
}

/** The text in the page's language. */
export function gettext(text) {
  return catalog()?.gettext(text) ?? text;
}

/** The singular or plural text for `count`, in the page's language. */
export function ngettext(singular, plural, count) {
  return catalog()?.ngettext(singular, plural, count) ?? (count === 1 ? singular : plural);
}

/** `text` with each %(name)s replaced by values[name]. */
export function interpolate(text, values) {
  return text.replace(/%\((\w+)\)s/g, (match, name) => (name in values ? String(values[name]) : match));
}

/**
 * `text` as it is: marks a string for the catalog where it is kept in English and shown
 * later through gettext(), e.g. a label in a table of constants.
 */
export function gettext_noop(text) {
  return text;
}
