"""The French the interface is written in reads right: no "(s)" plural hacks, "de" elided before a
vowel, capital accents at the start of a sentence, "1er" for the first of a month.

Scans the sources the catalogue is made from: every template, and every string given to gettext
in Python. Use `ngettext` / `{% blocktranslate count %}` for plurals and the helpers of
`maillage/lib/french.py` (filters `de`, `de_mois`, `date` with "1er") for the rest.
"""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR) / "maillage"
GETTEXT = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy"}
MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
# A variable standing for a name, an e-mail or a month, after "de": it must go through `de`.
NAMED = r"(?:name|email|who|person|place|network|commune|month|mois|session|parent|holder)"

BAD = {
    "plural written (s): use ngettext or blocktranslate count": re.compile(r"\w\((?:s|es|e)\)"),
    "de before a vowel: write d'": re.compile(r"(?<![\w'’])de (?=[aeiouéèêàâîôûœ][a-zéèêàâîôûç])"),
    "de before a name, an e-mail or a month: use the de filter / lib.french.de": re.compile(
        r"(?<![\w'’])de (?:\{\{ ?" + NAMED + r"\b[^}]*\}\}|%\(" + NAMED + r"\)s)"
    ),
    "capital A without its accent (À)": re.compile(
        r"(?:^|[>\"«(]|[.!?:] )\s*A (?=été\b|eu\b|rejoint\b|fait\b|pris\b|mis\b|\w+é(?:e|s|es)?\b)"
    ),
    "capital E without its accent": re.compile(
        r"(?:^|[>\"«(]|[.!?:] )\s*E(?=tat\b|tats\b|tape|quipe|vénement|vènement|cole|dition|tre\b)"
    ),
    "the first of a month is 1er": re.compile(r"\b1 (?:" + MONTHS + r")\b"),
}


def template_texts():
    for path in sorted(ROOT.rglob("templates/**/*")):
        if path.suffix in {".html", ".txt"} and "/demo/" not in str(path):
            text = re.sub(r"\{#.*?#\}", "", path.read_text(encoding="utf-8"), flags=re.S)
            text = re.sub(r"\{%.*?%\}", "{% %}", text, flags=re.S)  # tags: code, not French
            yield path.relative_to(ROOT).as_posix(), text


def gettext_strings():
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if "/tests/" in f"/{rel}" or "/migrations/" in rel or rel.startswith("demo/"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                if name in GETTEXT:
                    for arg in node.args:
                        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                            yield rel, arg.value


def faults(sources) -> list[str]:
    found = []
    for where, text in sources:
        for rule, pattern in BAD.items():
            for match in pattern.finditer(text):
                start = max(0, match.start() - 30)
                found.append(f"{where}: {rule}: …{text[start : match.end() + 30]!r}…")
    return found


def test_templates_read_right():
    assert faults(template_texts()) == []


def test_translatable_python_strings_read_right():
    assert faults(gettext_strings()) == []


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("2 jour(s) restant(s)", "plural written (s): use ngettext or blocktranslate count"),
        ("1 visite de octobre", "de before a vowel: write d'"),
        (
            "Vote de %(name)s",
            "de before a name, an e-mail or a month: use the de filter / lib.french.de",
        ),
        (
            "Cercles de {{ name }}",
            "de before a name, an e-mail or a month: use the de filter / lib.french.de",
        ),
        ("A quitté le réseau", "capital A without its accent (À)"),
        ("<dd>A été validé</dd>", "capital A without its accent (À)"),
        ("Etat du lieu", "capital E without its accent"),
        ("ouvert le 1 décembre", "the first of a month is 1er"),
    ],
)
def test_the_rules_catch_the_faults_of_issue_13(text, rule):
    assert BAD[rule].search(text)


@pytest.mark.parametrize(
    "text",
    [
        "Vote %(de_name)s",
        "le 1er décembre",
        "À quitté le cercle",
        "une liste de lieux",
        "au moins 3 présent·es",
        "Il a été prévenu",
        "plus de %(max)s Mo",
        "de haut en bas",
    ],
)
def test_the_rules_let_good_french_through(text):
    assert not any(pattern.search(text) for pattern in BAD.values())
