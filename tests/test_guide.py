"""Issue 34, the guide per role, without a browser: ``/help`` answers with a **Guide** button
(a URL button to the guide of the person's role, in their language, on PUBLIC_BASE_URL),
through the emulator against the real bot; the page it opens and the app's refusals (an
unknown page, picture or language, another method), its language chosen by ``?lang=`` or
``Accept-Language``, its headers. The pictures themselves are taken and checked by
tests/test_guide_browser.py."""

from __future__ import annotations

import re

import aiohttp

from api.guide import GuideBook
from tests.conftest import BotFactory, Chat
from tests.support.conversation import invite_code, join

PUBLIC = "https://bot.example.edu"


def guide_button(chat: Chat) -> dict[str, str]:
    markup = chat.last().reply_markup or {}
    [[button]] = markup["inline_keyboard"]
    return dict(button)


async def test_help_has_a_guide_button_to_the_page_of_the_role(make_bot: BotFactory) -> None:
    harness = await make_bot(flood_rate=1000, public_base_url=PUBLIC)
    book = GuideBook()
    admin = harness.chat(1, "Ada", "Admin")
    await admin.say("/start")
    sam = harness.chat(100, "Sam", "Supervisor")
    await join(admin, sam, invite_code(await admin.say("/invite")))
    dasha = harness.chat(301, "Дарья", "Иванова", language_code="ru")
    await join(sam, dasha, invite_code(await sam.say("/invite")))

    expected = ((admin, "admin", "en", "Guide"), (sam, "supervisor", "en", "Guide"),
                (dasha, "student", "ru", "Руководство"))
    async with aiohttp.ClientSession() as http:
        for chat, page, language, label in expected:
            assert "/language" in await chat.say("/help")
            button = guide_button(chat)
            assert button == {"text": label, "url": f"{PUBLIC}/guide/{page}?lang={language}"}
            # The same path on the app's own port is the page, in that language.
            async with http.get(harness.http + button["url"].removeprefix(PUBLIC)) as response:
                assert response.status == 200
                assert response.headers["Content-Language"] == language
                body = await response.text()
            title = book.pages[language, page].title
            assert f"<h1>{title}</h1>" in body and f'<html lang="{language}">' in body

        # /language changes the guide's language too.
        await sam.say("/language")
        await sam.click("Русский")
        await sam.say("/help")
        assert guide_button(sam) == {"text": "Руководство",
                                     "url": f"{PUBLIC}/guide/supervisor?lang=ru"}


async def test_guide_pages_language_headers_and_refusals(make_bot: BotFactory) -> None:
    harness = await make_bot()
    base = f"{harness.http}/guide"
    book = GuideBook()
    async with aiohttp.ClientSession() as http:
        async def get(path: str, **headers: str) -> tuple[int, dict[str, str], str]:
            async with http.get(base + path, headers=headers) as response:
                return response.status, dict(response.headers), await response.text(
                    errors="replace")

        # The language: ?lang= first, then Accept-Language by its weights, else English.
        for path, accept, language in (
                ("/student", "", "en"),
                ("/student?lang=ru", "en", "ru"),
                ("/student?lang=xx", "ru-RU,ru;q=0.9,en;q=0.8", "ru"),
                ("/student", "de;q=1, ru;q=0.5, en;q=0.9", "en"),
                ("/student", "de, fr;q=0.3", "en"),
                ("/admin", "ru;q=bad", "en")):
            status, headers, body = await get(path, **{"Accept-Language": accept})
            assert status == 200, path
            assert (path, headers["Content-Language"]) == (path, language)
            page = path.split("?")[0].strip("/")
            assert f"<h1>{book.pages[language, page].title}</h1>" in body, path
        status, headers, body = await get("/supervisor?lang=ru")
        csp = headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp and "img-src 'self'" in csp and "script-src" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert "Accept-Language" in headers["Vary"]
        assert "<script" not in body
        # The navigation: the other roles' pages and the other language, same page.
        assert 'href="student?lang=ru"' in body and 'href="supervisor?lang=en"' in body
        assert 'aria-current="page">Научный руководитель<' in body
        # The pictures, relative to the page.
        for src in re.findall(r'<img src="([^"]+)"', body):
            assert src.startswith("ru/img/") and src.endswith(".png")
            async with http.get(f"{base}/{src}") as response:
                assert response.status == 200 and response.content_type == "image/png"

        for path in ("/teacher", "/en/img/nothing.png", "/xx/img/student-help.png",
                     "/en/img/../../README.md", "/en/img/student-help.PNG", "/", "/en/student"):
            assert (await get(path))[0] == 404, path
        async with http.post(f"{base}/student") as response:
            assert response.status == 405
