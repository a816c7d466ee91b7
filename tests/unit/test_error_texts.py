"""Every domain error the code can raise has a text, and that text gets all it needs."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

import services.errors as errors
from services.errors import DependencyError, DomainError, StorageUnavailable
from telegram.render import error_text
from telegram.texts import Texts

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_ERRORS = {name: cls for name, cls in inspect.getmembers(errors, inspect.isclass)
                 if issubclass(cls, DomainError) and cls is not DomainError}


def _constructions() -> list[tuple[str, str, dict[str, object]]]:
    """Each ``SomeDomainError(...)`` call in services/ and handlers/, with its keywords."""
    found = []
    for package in ("services", "handlers", "telegram"):
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text())):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                        and node.func.id in DOMAIN_ERRORS):
                    continue
                params: dict[str, object] = {}
                for keyword in node.keywords:
                    assert keyword.arg is not None, f"{path}:{node.lineno}: **params"
                    value = keyword.value
                    params[keyword.arg] = (value.value if isinstance(value, ast.Constant)
                                           else "1")
                found.append((f"{path.relative_to(ROOT)}:{node.lineno}", node.func.id, params))
    return found


CONSTRUCTIONS = _constructions()


def test_the_scan_finds_the_errors_the_code_raises() -> None:
    names = {name for _, name, _ in CONSTRUCTIONS}
    assert {"NotAllowed", "InvalidDeadline", "UnsupportedDocument", "AlreadyReviewed"} <= names


@pytest.mark.parametrize("name", sorted(DOMAIN_ERRORS))
def test_every_domain_error_has_a_catalog_text(name: str) -> None:
    assert Texts().has(f"error.{DOMAIN_ERRORS[name].code}")


@pytest.mark.parametrize(("where", "name", "params"), CONSTRUCTIONS,
                         ids=[where for where, _, _ in CONSTRUCTIONS])
def test_every_raised_error_renders_with_its_params(where: str, name: str,
                                                    params: dict[str, object]) -> None:
    reason = params.get("reason")
    if reason is not None:
        assert isinstance(reason, str)
        assert Texts().has(f"reason.{reason}") or \
            "reason_text" not in Texts().params(f"error.{DOMAIN_ERRORS[name].code}"), where
    text = error_text(Texts(), DOMAIN_ERRORS[name](**params))
    assert text.strip(), where


def test_a_missing_text_or_parameter_is_an_error_not_a_vaguer_message() -> None:
    class Unheard(DomainError):
        code = "never_written"

    with pytest.raises(KeyError):
        error_text(Texts(), Unheard())
    with pytest.raises(KeyError):
        error_text(Texts(), errors.DuplicateSubmission())  # its text needs {version}


def test_outages_are_not_domain_errors() -> None:
    assert issubclass(StorageUnavailable, DependencyError)
    assert not issubclass(StorageUnavailable, DomainError)
    assert not any(issubclass(cls, DependencyError) for cls in DOMAIN_ERRORS.values())
