"""``GET /guide/<page>``: the guide of a role (student, supervisor, admin) as a web page, in
the language of ``?lang=`` or else of ``Accept-Language``; ``GET /guide/<lang>/img/<name>.png``:
its pictures.

The pages are the Markdown files of ``docs/guide/<lang>/`` (``api/markdown.py`` renders them
once, at start-up); the pictures are read from ``docs/guide/<lang>/img/`` on every request,
so screenshots refreshed on disk (tests/test_guide_browser.py takes them from the sandbox)
are served as they are. Public (no token): the bot links to it from ``/help`` (**Guide**) and
the Mini App from its header. A strict CSP: no script at all, the page's one stylesheet by
its hash, pictures from this origin.
"""

from __future__ import annotations

import base64
import hashlib
import html
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from api import markdown
from api.routing import Call, Endpoint
from services.guide import GUIDE_PAGES
from telegram.texts import DEFAULT_LANGUAGE, Texts, languages

GUIDE_DIR = Path(__file__).resolve().parents[1] / "docs" / "guide"
PAGE_PATH = "/guide/{page:" + "|".join(GUIDE_PAGES) + "}"
IMAGE_PATH = r"/guide/{lang:[a-z][a-z]}/img/{image:[a-z0-9-]+\.png}"
STYLE = """
body { margin: 0; font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: #1b1f24; background: #fff; }
nav { display: flex; flex-wrap: wrap; gap: .4rem 1.2rem; padding: .7rem 1rem;
      background: #f2f5f8; border-bottom: 1px solid #d5dce3; }
nav a { color: #0b5cad; }
nav a[aria-current] { color: #1b1f24; font-weight: 600; text-decoration: none; }
main { max-width: 46rem; margin: 0 auto; padding: 1rem 1rem 3rem; }
h1 { font-size: 1.8rem; margin: .8rem 0; }
h2 { font-size: 1.35rem; margin: 2rem 0 .6rem; }
h3 { font-size: 1.1rem; margin: 1.4rem 0 .4rem; }
a { color: #0b5cad; }
code { background: #eef1f4; padding: .05rem .3rem; border-radius: 4px; font-size: .95em; }
figure { margin: 1rem 0; }
img { max-width: 100%; height: auto; border: 1px solid #d5dce3; border-radius: 8px; }
@media (prefers-color-scheme: dark) {
  body { color: #e6e9ed; background: #17191c; }
  nav { background: #22262b; border-color: #3a4047; }
  nav a, a { color: #7cb8ff; }
  nav a[aria-current] { color: #e6e9ed; }
  code { background: #2a2f35; }
  img { border-color: #3a4047; }
}
"""
STYLE_HASH = base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()
CSP = (f"default-src 'none'; img-src 'self'; style-src 'sha256-{STYLE_HASH}'; "
       "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cache-Control": "no-cache",
}


@dataclass(frozen=True)
class GuidePage:
    language: str
    page: str
    title: str
    body: str  # the rendered Markdown
    images: tuple[str, ...]  # img/name.png, in order


class GuideBook:
    """Every page of the guide in every language that has it, rendered once."""

    def __init__(self, root: Path = GUIDE_DIR) -> None:
        self.root = root
        self.pages: dict[tuple[str, str], GuidePage] = {}
        for language in languages():
            for page in GUIDE_PAGES:
                source = root / language / f"{page}.md"
                if source.is_file():
                    self.pages[language, page] = read_page(source, language, page)
        self.languages = tuple(dict.fromkeys(language for language, _ in self.pages))

    def language(self, asked: str | None, accept_language: str) -> str:
        """``?lang=`` when the guide has it, else the first of ``Accept-Language`` it has,
        else English."""
        wanted = [asked] if asked else []
        wanted += accepted_languages(accept_language)
        for language in wanted:
            if language in self.languages:
                return language
        return DEFAULT_LANGUAGE

    def document(self, page: GuidePage) -> str:
        """The whole HTML page: the navigation (the other roles' pages, the other languages)
        and the guide's text."""
        t = Texts(page.language)
        links = [_link(f"{name}?lang={page.language}", t(f"guide.page.{name}"),
                       name == page.page) for name in GUIDE_PAGES
                 if (page.language, name) in self.pages]
        links += [_link(f"{page.page}?lang={other}", Texts(other)("language.name"), False,
                        other) for other in self.languages if other != page.language]
        nav = f'<nav aria-label="{html.escape(t("guide.nav"))}">{"".join(links)}</nav>'
        return (f'<!doctype html>\n<html lang="{page.language}">\n<head>\n'
                '<meta charset="utf-8">\n'
                '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
                '<meta name="color-scheme" content="light dark">\n'
                f"<title>{html.escape(page.title)} — {html.escape(t('guide.product'))}"
                f"</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{nav}\n"
                f"<main>\n{page.body}\n</main>\n</body>\n</html>\n")


def read_page(source: Path, language: str, page: str) -> GuidePage:
    blocks = markdown.parse(source.read_text(encoding="utf-8"))
    title = next((markdown.plain(b.items[0]) for b in blocks if b.kind == "h1"), page)
    # Relative to /guide/<page>: the pictures are under /guide/<lang>/img/.
    body = markdown.render(blocks, lambda src: f"{language}/{src}",
                           lambda name: f"{name}?lang={language}")
    return GuidePage(language, page, title, body, tuple(markdown.images(blocks)))


def _link(href: str, label: str, current: bool, language: str | None = None) -> str:
    extra = ' aria-current="page"' if current else ""
    extra += f' hreflang="{language}" lang="{language}"' if language else ""
    return f'<a href="{html.escape(href)}"{extra}>{html.escape(label)}</a>'


def accepted_languages(header: str) -> list[str]:
    """The primary tags of an ``Accept-Language`` header, most wanted first."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().split("-", 1)[0].lower()
        if primary and primary != "*" and quality > 0:
            ranked.append((-quality, index, primary))
    return [primary for _q, _i, primary in sorted(ranked)]


BOOK = web.AppKey("guide_book", GuideBook)


async def page(call: Call) -> web.StreamResponse:
    request = call.request
    book = request.app[BOOK]
    language = book.language(request.query.get("lang"),
                             request.headers.get("Accept-Language", ""))
    found = book.pages.get((language, request.match_info["page"]))
    if found is None:
        raise web.HTTPNotFound(text="no such page", headers=HEADERS)
    return web.Response(text=book.document(found), content_type="text/html", charset="utf-8",
                        headers={**HEADERS, "Content-Language": language,
                                 "Vary": "Accept-Language"})


async def image(call: Call) -> web.StreamResponse:
    request = call.request
    book = request.app[BOOK]
    language = request.match_info["lang"]
    path = book.root / language / "img" / request.match_info["image"]
    if language not in book.languages or not path.is_file():
        raise web.HTTPNotFound(text="no such picture", headers=HEADERS)
    return web.FileResponse(path, headers={**HEADERS, "Content-Type": "image/png"})


ENDPOINTS = (
    Endpoint("GET", PAGE_PATH, page, "The guide of a role, in the reader's language", None,
             auth=False, content_types=("text/html",)),
    Endpoint("GET", IMAGE_PATH, image, "A picture of the guide (a screenshot of the product)",
             None, auth=False, content_types=("image/png",)),
)
