"""Every string the pages and the front end translate has a German and a Spanish translation."""

import re
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.extract import extract
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils.translation.template import templatize

PROJECT = Path(__file__).resolve().parent.parent
LOCALE = PROJECT / "locale"
TRANSLATED = ["de", "es"]
# As manage.py makemessages reads them: a literal first argument is a string to translate.
JS_KEYWORDS = {"gettext": None, "gettext_noop": None, "ngettext": (1, 2)}
PY_KEYWORDS = {
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _messages(method, source, keywords, options=None):
    """(msgid, context) of each string marked in `source` (bytes); msgid is the singular."""
    found = []
    for _, message, _, context in extract(method, BytesIO(source), keywords=keywords, options=options or {}):
        singular = _singular(message)
        if singular:
            found.append((singular, context))
    return found


def frontend_strings():
    """{(msgid, context): first place} of every gettext/ngettext string in frontend/**/*.js."""
    strings = {}
    for path in sorted((PROJECT / "frontend").rglob("*.js")):
        source = path.read_bytes()
        for key in _messages("javascript", source, JS_KEYWORDS, {"parse_template_string": True}):
            strings.setdefault(key, path.relative_to(PROJECT))
    return strings


def page_strings():
    """{(msgid, context): first place} of every string the templates and draw/*.py translate."""
    strings = {}
    for path in sorted((PROJECT / "draw" / "templates").rglob("*.html")):
        # Django's own reading of {% translate %} and {% blocktranslate %}, as makemessages does.
        source = templatize(path.read_text(), origin=str(path)).encode()
        for key in _messages("python", source, PY_KEYWORDS):
            strings.setdefault(key, path.relative_to(PROJECT))
    for path in sorted((PROJECT / "draw").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for key in _messages("python", path.read_bytes(), PY_KEYWORDS):
            strings.setdefault(key, path.relative_to(PROJECT))
    return strings


def _singular(msgid):
    return msgid[0] if isinstance(msgid, (tuple, list)) else msgid


def catalog(language, domain):
    with (LOCALE / language / "LC_MESSAGES" / f"{domain}.po").open("rb") as po:
        return read_po(po, locale=language, domain=domain)


def translations_of(language, domain):
    """{(msgid, context): [msgstr, ...]} of the catalog's translations that count (not fuzzy)."""
    translated = {}
    for message in catalog(language, domain):
        if not message.id or message.fuzzy:
            continue
        singular = _singular(message.id)
        strings = list(message.string) if isinstance(message.string, tuple) else [message.string]
        translated[(singular, message.context)] = strings
    return translated


def untranslated(strings, translations):
    """Where each string without a whole translation is, and its msgid."""
    return [
        f"{place}: {msgid!r}" + (f" (context {context!r})" if context else "")
        for (msgid, context), place in sorted(strings.items(), key=lambda item: str(item[1]))
        if not all(text.strip() for text in translations.get((msgid, context), [""]))
    ]


def test_the_extraction_finds_the_strings_it_should():
    """A guard for the tests below: an extraction that found nothing would pass them all."""
    assert ("Undo", None) in frontend_strings()
    assert ("Join code", None) in page_strings()
    assert ('Join <span class="join-board">%(board_name)s</span>', None) in page_strings()


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_front_end_string_is_translated(language):
    missing = untranslated(frontend_strings(), translations_of(language, "djangojs"))
    assert not missing, (
        f"{len(missing)} front-end strings lack a {language} translation in "
        f"locale/{language}/LC_MESSAGES/djangojs.po (README.md, 'Languages'):\n" + "\n".join(missing)
    )


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_page_string_is_translated(language):
    missing = untranslated(page_strings(), translations_of(language, "django"))
    assert not missing, (
        f"{len(missing)} page strings lack a {language} translation in "
        f"locale/{language}/LC_MESSAGES/django.po (README.md, 'Languages'):\n" + "\n".join(missing)
    )


@pytest.mark.parametrize("language", TRANSLATED)
@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_translations_keep_every_placeholder(language, domain):
    """A translation naming a placeholder the text does not have breaks the page that shows it."""
    wrong = []
    for message in catalog(language, domain):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set().union(*(PLACEHOLDER.findall(text) for text in ids))
        for text in strings:
            if text and set(PLACEHOLDER.findall(text)) - wanted:
                wrong.append(f"{message.id!r} -> {text!r}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("language", TRANSLATED)
@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_the_compiled_catalogs_are_those_of_the_po_files(language, domain):
    """The server reads the .mo files: bin/setup compiles them from the .po files."""
    mo_path = LOCALE / language / "LC_MESSAGES" / f"{domain}.mo"
    assert mo_path.exists(), f"{mo_path} is missing: run bin/setup"
    with mo_path.open("rb") as mo:
        compiled = {
            (_singular(message.id), message.context): message.string for message in read_mo(mo) if message.id
        }
    for (msgid, context), strings in translations_of(language, domain).items():
        if not all(strings):
            continue
        shown = compiled.get((msgid, context))
        shown = list(shown) if isinstance(shown, (tuple, list)) else [shown]
        assert shown == strings, f"{mo_path} is older than its .po file ({msgid!r}): run bin/setup"


def test_every_language_offered_has_its_catalogs():
    for code, _ in settings.LANGUAGES:
        if code == settings.LANGUAGE_CODE:
            continue
        assert code in TRANSLATED
        for domain in ("django", "djangojs"):
            assert (LOCALE / code / "LC_MESSAGES" / f"{domain}.po").exists(), (code, domain)
