"""The guide per role (``docs/guide/<language>/<page>.md``, served by ``api/guide.py`` at
``/guide/<page>``): which page is whose, and where a person reads theirs.

A co-supervisor and an examiner (role ``member``) read the supervisor's page, which has a
section for each of them. Pure: no I/O.
"""

from __future__ import annotations

from services.vocabulary import Role

# The pages, in the order the guide's own navigation lists them.
GUIDE_PAGES: tuple[str, ...] = ("student", "supervisor", "admin")
_PAGE_OF: dict[str, str] = {Role.STUDENT: "student", Role.SUPERVISOR: "supervisor",
                            Role.MEMBER: "supervisor", Role.ADMIN: "admin"}


def guide_page(role: str) -> str:
    """The page of a role (anyone else, e.g. a person not registered yet: the student's)."""
    return _PAGE_OF.get(role, "student")


def guide_path(role: str, language: str) -> str:
    """The path of a person's guide on the app's HTTP port, in their language."""
    return f"/guide/{guide_page(role)}?lang={language}"


def guide_url(public_base_url: str, role: str, language: str) -> str:
    """The link the bot hands out (``PUBLIC_BASE_URL`` + the path)."""
    return public_base_url.rstrip("/") + guide_path(role, language)
