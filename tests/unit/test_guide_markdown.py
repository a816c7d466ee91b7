"""The guide's Markdown renderer (api/markdown.py) writes only its own tags, whatever the text
says; the guide's language negotiation; which page is whose (services/guide.py)."""

from __future__ import annotations

from api import markdown
from api.guide import GuideBook, accepted_languages
from services.guide import GUIDE_PAGES, guide_page, guide_url
from services.vocabulary import Role

SOURCE = """# Guide <for> students

Send **/submit** and a `<file>` & wait.
A second line of the same paragraph, see [Supervisor](supervisor).

![What it <shows>](img/student-help.png)

1. First
2. Second
   goes on
- One **bold** [web](https://example.org/a?b=1&c=2)
- Two [bad](javascript:alert(1)) [worse](data:text/html,x) [also](//evil.example)

<script>alert(1)</script>
![outside](../../etc/passwd.png)
"""


def test_blocks_and_safe_html() -> None:
    blocks = markdown.parse(SOURCE)
    assert [b.kind for b in blocks] == ["h1", "p", "img", "ol", "ul", "p"]
    assert blocks[3].items == ("First", "Second goes on")
    html = markdown.render(blocks, lambda src: "en/" + src, lambda name: f"{name}?lang=en")
    assert "<h1>Guide &lt;for&gt; students</h1>" in html
    assert ("<p>Send <strong>/submit</strong> and a <code>&lt;file&gt;</code> &amp; wait. "
            'A second line of the same paragraph, see <a href="supervisor?lang=en">'
            "Supervisor</a>.</p>") in html
    assert '<figure><img src="en/img/student-help.png" alt="What it &lt;shows&gt;"></figure>' \
        in html
    assert '<a href="https://example.org/a?b=1&amp;c=2">web</a>' in html
    # Anything but the web or a page of the guide: the words stay, the link goes.
    assert 'href="javascript' not in html and 'href="data:' not in html
    assert 'href="//' not in html and "<a" not in html.split("Two", 1)[1]
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # A picture outside the page's img/ folder is no picture.
    assert markdown.images(blocks) == ["img/student-help.png"]
    assert "etc/passwd" not in "".join(b.src for b in blocks)


def test_plain_is_what_a_reader_sees() -> None:
    assert markdown.plain("**/status**: where `x < y` & [it](student) is") == \
        "/status: where x < y & it is"


def test_accept_language() -> None:
    assert accepted_languages("ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7") == ["ru", "ru", "en", "en"]
    assert accepted_languages("en;q=0.5, ru") == ["ru", "en"]
    assert accepted_languages("*, de;q=0, fr;q=x") == []
    assert accepted_languages("") == []
    book = GuideBook()
    assert book.language("ru", "en") == "ru"
    assert book.language("de", "de, ru;q=0.4") == "ru"
    assert book.language(None, "de") == "en"


def test_every_role_has_its_page_in_every_language() -> None:
    assert {guide_page(role) for role in Role} == set(GUIDE_PAGES)
    assert guide_page(Role.MEMBER) == "supervisor"  # co-supervisors and examiners
    assert guide_url("https://bot.example.edu/", Role.STUDENT, "ru") == \
        "https://bot.example.edu/guide/student?lang=ru"
    book = GuideBook()
    assert set(book.pages) == {(language, page) for language in ("en", "ru")
                               for page in GUIDE_PAGES}
    for (language, page), found in book.pages.items():
        # Each page shows pictures, and the same ones in every language.
        assert len(found.images) >= 2, (language, page)
        assert found.images == book.pages["en", page].images, (language, page)
