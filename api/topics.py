"""GET /api/topics: the catalogue of open topics (paged, by tag, language and word), as
/topics shows it in the chat (services/topics.py)."""

from __future__ import annotations

from api.models import TopicOut, TopicsOut, TopicsQuery
from api.routing import Call, Endpoint
from services.topics import LINK_PREFIX


async def topics(call: Call) -> TopicsOut:
    query: TopicsQuery = call.query
    page = await call.services.topics.catalogue(query.page, tag=query.tag,
                                                language=query.language, word=query.q)
    return TopicsOut(
        items=[TopicOut(id=topic.id, title=topic.title, supervisor=supervisor,
                        description=topic.description, requirements=topic.requirements,
                        places=topic.places, language=topic.language,
                        tags=list(topic.tags or []), needs_proposal=topic.needs_proposal,
                        start=f"{LINK_PREFIX}{topic.code}")
               for topic, supervisor in page.items],
        total=page.total, page=page.page, pages=page.pages, tags=page.tags,
        languages=page.languages)


ENDPOINTS = (
    Endpoint("GET", "/api/topics", topics, "The catalogue of open thesis topics", TopicsOut,
             query=TopicsQuery, roles=("admin", "supervisor", "member", "student"),
             errors=(400, 401, 403)),
)
