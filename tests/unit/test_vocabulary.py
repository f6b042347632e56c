"""The domain's closed lists have one home, shared/vocabulary.py: no other module of services/,
shared/ or nastavnik/ writes one of them out again (as a dict, a Literal, a tuple or a set of
the same codes). A domain module aliases the vocabulary's list instead."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import get_args

from shared import vocabulary

ROOT = Path(__file__).resolve().parents[2]
LISTS = {
    "FORMS": vocabulary.FORMS, "HOW_FORMS": vocabulary.HOW_FORMS, "CATEGORIES": vocabulary.CATEGORIES,
    "DEFICIT_AREAS": vocabulary.DEFICIT_AREAS, "INTEREST_TYPES": vocabulary.INTEREST_TYPES, "STAGES": vocabulary.STAGES,
    "ROLES": vocabulary.ROLES, "PARTNER_KINDS": vocabulary.PARTNER_KINDS, "AGE_BANDS": vocabulary.AGE_BANDS,
    "SELF_DETERMINATION": vocabulary.SELF_DETERMINATION,
}


def _written_lists(tree: ast.AST) -> list[tuple[int, frozenset[str]]]:
    """The codes of every dict naming them (string keys, string values), and every tuple, list or
    set of strings (a Literal's too), in a module. Data keyed by the codes (an instrument's
    statements per area, an importer's synonyms per category) is not a copy of the list."""
    found = []
    for node in ast.walk(tree):
        items: list[ast.expr | None] = []
        if isinstance(node, ast.Dict) and all(isinstance(v, ast.Constant) and isinstance(v.value, str) for v in node.values):
            items = list(node.keys)
        elif isinstance(node, ast.Tuple | ast.List | ast.Set):
            items = list(node.elts)
        strings = [i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)]
        if len(strings) >= 2 and len(strings) == len(items):
            found.append((node.lineno, frozenset(strings)))
    return found


def test_no_module_writes_out_a_vocabulary_list_again() -> None:
    codes = {frozenset(names): name for name, names in LISTS.items()}
    copies = []
    for folder in ("services", "shared", "nastavnik"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" in path.parts or path == ROOT / "shared" / "vocabulary.py":
                continue
            for line, strings in _written_lists(ast.parse(path.read_text(encoding="utf-8"))):
                if strings in codes:
                    copies.append(f"{path.relative_to(ROOT)}:{line} writes out vocabulary.{codes[strings]}")
    assert copies == []


def test_the_contracts_types_are_the_vocabulary_lists() -> None:
    from shared.contracts import pairing, registry, surveys

    assert get_args(pairing.Form) == tuple(vocabulary.FORMS)
    assert get_args(pairing.HowForm) == tuple(vocabulary.HOW_FORMS)
    assert get_args(registry.Category) == tuple(vocabulary.CATEGORIES)
    assert get_args(registry.ProgrammeStage) == tuple(vocabulary.STAGES)
    assert get_args(surveys.RespondentRole) == get_args(registry.EnrolmentRole) == tuple(vocabulary.ROLES)
    assert surveys.DEFICIT_AREAS is vocabulary.DEFICIT_AREAS and surveys.INTEREST_TYPES is vocabulary.INTEREST_TYPES
