"""/topics: a supervisor's topics (New topic, Share, QR code, Close, Reopen) and the catalogue
everyone browses; a topic's deep link (handlers/start.py); Apply (motivation, an optional
PDF); the application card (Accept, Decline with a template, Interview with slots) and the
applicant's pick of a slot."""

from __future__ import annotations

from typing import TypedDict

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from aiogram.types import (
    User as TelegramUser,
)

from handlers.callbacks import (
    ApplicationAction,
    ApplicationCb,
    CatalogueCb,
    DeclineCb,
    SlotCb,
    TopicAction,
    TopicCb,
    TopicEditCb,
)
from handlers.filters import HasRole, Magic, conversation_steps
from handlers.invites import qr_png, share_url
from handlers.keyboards import Button, in_rows, markup
from services.applications import TEMPLATES
from services.context import Services
from services.registration import Person
from services.topics import (
    LINK_PREFIX,
    PLACES_MAX,
    TITLE_MAX,
    CataloguePage,
    TopicDraft,
    TopicView,
    clean_language,
    clean_places,
    clean_tags,
    clean_text,
    clean_title,
)
from services.vocabulary import Role, TopicState
from storage.models import Topic, User
from telegram.files import incoming_document
from telegram.render import clip
from telegram.texts import Texts, language_of


class NewTopicStates(StatesGroup):
    title = State()
    description = State()
    requirements = State()
    places = State()
    language = State()
    tags = State()
    proposal = State()


class ApplyStates(StatesGroup):
    motivation = State()
    cv = State()


class CoSupervisorStates(StatesGroup):
    usernames = State()


class EditTopicStates(StatesGroup):
    value = State()


# What Edit offers, in order (services/topics.py: TopicService.edit).
EDITABLE = ("title", "description", "requirements", "places", "language", "tags")


class DecideStates(StatesGroup):
    reason = State()  # Decline in the supervisor's own words
    slots = State()  # Interview: the times, one per line


class NewTopicData(TypedDict, total=False):
    title: str
    description: str
    requirements: str | None
    places: int
    language: str
    tags: list[str]


class ApplyData(TypedDict, total=False):
    topic_id: int
    motivation: str


def person_of(sender: TelegramUser) -> Person:
    return Person(id=sender.id, full_name=sender.full_name, username=sender.username,
                  language=language_of(sender.language_code))


async def link_of(bot: Bot, topic: Topic) -> str:
    me = await bot.me()
    return f"https://t.me/{me.username}?start={LINK_PREFIX}{topic.code}"


# --- showing topics ------------------------------------------------------------------------

def topic_text(t: Texts, view: TopicView, link: str | None = None) -> str:
    topic = view.topic
    text = t("topic.card", title=clip(topic.title, 300), supervisor=view.supervisor.full_name,
             language=topic.language, places=topic.places,
             tags=" ".join(f"#{tag}" for tag in topic.tags or []) or None,
             description=clip(topic.description, 2000),
             requirements=t.raw("topic.requirements", requirements=clip(
                 topic.requirements, 800)) if topic.requirements else None,
             proposal=t("topic.proposal_line") if topic.needs_proposal else None)
    if not view.is_open:
        text += "\n" + t("topic.closed_line")
    if view.own:
        text += "\n" + t("topic.own_line", waiting=view.open_applications,
                         accepted=view.accepted, link=link or "")
    return text


def topic_buttons(t: Texts, view: TopicView, link: str) -> InlineKeyboardMarkup:
    topic_id = view.topic.id
    rows: list[list[InlineKeyboardButton]] = []
    if view.own:
        rows.append([InlineKeyboardButton(text=t("topic.share_button"),
                                          url=share_url(link, t("topic.share_text",
                                                                title=view.topic.title))),
                     InlineKeyboardButton(text=t("topic.qr_button"), callback_data=TopicCb(
                         action=TopicAction.QR, topic_id=topic_id).pack())])
        action, key = (TopicAction.CLOSE, "topic.close_button") if view.is_open \
            else (TopicAction.REOPEN, "topic.reopen_button")
        rows.append([InlineKeyboardButton(text=t(key), callback_data=TopicCb(
            action=action, topic_id=topic_id).pack()),
                     InlineKeyboardButton(text=t("topic.co_button"), callback_data=TopicCb(
                         action=TopicAction.CO_SUPERVISORS, topic_id=topic_id).pack()),
                     InlineKeyboardButton(text=t("topic.edit_button"), callback_data=TopicCb(
                         action=TopicAction.EDIT, topic_id=topic_id).pack())])
    elif view.is_open:
        rows.append([InlineKeyboardButton(text=t("topic.apply_button"), callback_data=TopicCb(
            action=TopicAction.APPLY, topic_id=topic_id).pack())])
    return InlineKeyboardMarkup(inline_keyboard=rows or [[InlineKeyboardButton(
        text=t("topic.catalogue_button"), callback_data=CatalogueCb().pack())]])


async def show_topic(message: Message, services: Services, t: Texts, bot: Bot,
                     user: User | None, code: str) -> None:
    """A topic's deep link (``/start topic_<code>``): the topic with Apply, whoever opens it."""
    view = await services.topics.by_code(code, user)
    link = await link_of(bot, view.topic)
    await message.answer(topic_text(t, view, link), reply_markup=topic_buttons(t, view, link))


async def topic_pressed(query: CallbackQuery, callback_data: TopicCb, services: Services,
                        t: Texts, bot: Bot, user: User | None = None) -> None:
    view = await services.topics.view(callback_data.topic_id, user)
    link = await link_of(bot, view.topic)
    await query.answer()
    await bot.send_message(query.from_user.id, topic_text(t, view, link),
                           reply_markup=topic_buttons(t, view, link))


async def topics_command(message: Message, command: CommandObject, services: Services,
                         t: Texts, state: FSMContext, user: User | None = None) -> None:
    """A supervisor's own topics; for everyone else (and ``/topics <word>``) the catalogue."""
    await state.clear()
    if user is not None and user.role in (Role.SUPERVISOR.value, Role.ADMIN.value) \
            and not command.args:
        await _mine(message, services, t, user)
        return
    page = await services.topics.catalogue(0, word=command.args)
    await message.answer(catalogue_text(t, page, command.args),
                         reply_markup=catalogue_buttons(t, page, CatalogueCb()))


async def _mine(message: Message, services: Services, t: Texts, user: User) -> None:
    found = await services.topics.mine(user)
    lines = [t("topics.mine.header", count=len(found))]
    buttons: list[Button] = []
    for number, (topic, waiting, accepted) in enumerate(found[:30], 1):
        lines.append(t("topics.mine.line", number=number, title=clip(topic.title, 120),
                       state=t(f"topic.state.{topic.state}"), waiting=waiting,
                       accepted=accepted, places=topic.places))
        buttons.append((f"{number}. {clip(topic.title, 40)}",
                        TopicCb(action=TopicAction.VIEW, topic_id=topic.id)))
    if not found:
        lines.append(t("topics.mine.none"))
    rows = in_rows(buttons, 2)
    rows.append([(t("topics.new_button"), TopicCb(action=TopicAction.NEW)),
                 (t("topic.catalogue_button"), CatalogueCb())])
    await message.answer("\n".join(lines), reply_markup=markup(rows))


def catalogue_text(t: Texts, page: CataloguePage, word: str | None = None) -> str:
    if not page.items:
        return t("catalogue.empty")
    lines = [t("catalogue.header", count=page.total, page=page.page + 1, pages=page.pages)]
    if word:
        lines.append(t("catalogue.search", word=clip(word, 50)))
    for number, (topic, supervisor) in enumerate(page.items, page.page * 5 + 1):
        lines.append(t("catalogue.line", number=number, title=clip(topic.title, 150),
                       supervisor=supervisor, language=topic.language,
                       tags=" ".join(f"#{tag}" for tag in topic.tags or []) or None))
    return "\n".join(lines)


def catalogue_buttons(t: Texts, page: CataloguePage,
                      current: CatalogueCb) -> InlineKeyboardMarkup | None:
    rows: list[list[Button]] = in_rows(
        ((f"{n}. {clip(topic.title, 40)}", TopicCb(action=TopicAction.VIEW, topic_id=topic.id))
         for n, (topic, _s) in enumerate(page.items, page.page * 5 + 1)), 1)
    pager: list[Button] = []
    if page.page > 0:
        pager.append((t("queue.prev"), CatalogueCb(page=page.page - 1, tag=current.tag,
                                                   language=current.language)))
    if page.page < page.pages - 1:
        pager.append((t("queue.next"), CatalogueCb(page=page.page + 1, tag=current.tag,
                                                   language=current.language)))
    rows.append(pager)
    # Filters: a language, a tag (pressed again: the filter goes).
    rows += in_rows(((("✓ " if language == current.language else "") + language,
                      CatalogueCb(tag=current.tag, language="" if language == current.language
                                  else language)) for language in page.languages[:8]), 4)
    rows += in_rows(((("✓ " if tag == current.tag else "") + f"#{tag}",
                      CatalogueCb(tag="" if tag == current.tag else tag,
                                  language=current.language)) for tag in page.tags[:12]), 3)
    return markup(rows)


async def catalogue_pressed(query: CallbackQuery, callback_data: CatalogueCb,
                            services: Services, t: Texts) -> None:
    page = await services.topics.catalogue(callback_data.page, tag=callback_data.tag or None,
                                           language=callback_data.language or None)
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_text(catalogue_text(t, page),
                                      reply_markup=catalogue_buttons(t, page, callback_data))


# --- the supervisor's topic ------------------------------------------------------------------

async def state_pressed(query: CallbackQuery, callback_data: TopicCb, services: Services,
                        t: Texts, bot: Bot, user: User) -> None:
    wanted = TopicState.CLOSED if callback_data.action is TopicAction.CLOSE else TopicState.OPEN
    topic = await services.topics.set_state(user, callback_data.topic_id, wanted)
    await query.answer(t(f"topic.now.{topic.state}", title=clip(topic.title, 100)))
    view = await services.topics.view(topic.id, user)
    link = await link_of(bot, topic)
    if isinstance(query.message, Message):
        await query.message.edit_text(topic_text(t, view, link),
                                      reply_markup=topic_buttons(t, view, link))


async def qr_pressed(query: CallbackQuery, callback_data: TopicCb, services: Services,
                     t: Texts, bot: Bot, user: User) -> None:
    view = await services.topics.view(callback_data.topic_id, user)
    link = await link_of(bot, view.topic)
    await query.answer()
    # The invites' QR code (handlers/invites.py), for a poster or a slide.
    await bot.send_photo(query.from_user.id, BufferedInputFile(qr_png(link), "qr.png"),
                         caption=t("topic.qr_caption", title=clip(view.topic.title, 200),
                                   link=link))


async def co_pressed(query: CallbackQuery, callback_data: TopicCb, services: Services,
                     t: Texts, user: User, state: FSMContext) -> None:
    view = await services.topics.view(callback_data.topic_id, user)
    if not view.own:
        await query.answer(t("error.not_allowed"), show_alert=True)
        return
    await query.answer()
    await state.set_state(CoSupervisorStates.usernames)
    await state.set_data({"topic_id": view.topic.id})
    await query.bot.send_message(query.from_user.id,  # type: ignore[union-attr]
                                 t("topic.ask.co_supervisors", title=clip(view.topic.title, 200)))


async def got_co_supervisors(message: Message, state: FSMContext, services: Services,
                             t: Texts, user: User) -> None:
    topic_id = int((await state.get_data())["topic_id"])
    text = (message.text or "").strip()
    names = [] if text.startswith("/skip") else \
        [part for part in text.replace(",", " ").split() if part]
    found = await services.topics.set_co_supervisors(user, topic_id, names)
    await state.clear()
    await message.answer(t("topic.co_set", names=", ".join(p.full_name for p in found))
                         if found else t("topic.co_none"))


async def edit_pressed(query: CallbackQuery, callback_data: TopicCb, services: Services,
                       t: Texts, user: User) -> None:
    view = await services.topics.view(callback_data.topic_id, user)
    if not view.own:
        await query.answer(t("error.not_allowed"), show_alert=True)
        return
    await query.answer()
    await query.bot.send_message(  # type: ignore[union-attr]
        query.from_user.id, t("topic.edit.which", title=clip(view.topic.title, 200)),
        reply_markup=markup(in_rows(((t(f"topic.field.{name}"),
                                      TopicEditCb(topic_id=view.topic.id, field=name))
                                     for name in EDITABLE), 3)))


async def field_pressed(query: CallbackQuery, callback_data: TopicEditCb, services: Services,
                        t: Texts, user: User, state: FSMContext) -> None:
    view = await services.topics.view(callback_data.topic_id, user)
    if not view.own or callback_data.field not in EDITABLE:
        await query.answer(t("error.not_allowed"), show_alert=True)
        return
    await query.answer()
    await state.set_state(EditTopicStates.value)
    await state.set_data({"topic_id": view.topic.id, "field": callback_data.field})
    await query.bot.send_message(query.from_user.id,  # type: ignore[union-attr]
                                 t("topic.edit.ask", field=t(f"topic.field.{callback_data.field}")))


async def got_value(message: Message, state: FSMContext, services: Services, t: Texts,
                    user: User, bot: Bot) -> None:
    data = await state.get_data()
    raw = "" if (message.text or "").startswith("/skip") else (message.text or "")
    topic = await services.topics.edit(user, int(data["topic_id"]), str(data["field"]), raw)
    await state.clear()
    view = await services.topics.view(topic.id, user)
    link = await link_of(bot, topic)
    await message.answer(t("topic.edit.saved") + "\n\n" + topic_text(t, view, link),
                         reply_markup=topic_buttons(t, view, link))


# --- New topic -------------------------------------------------------------------------------

async def new_pressed(query: CallbackQuery, state: FSMContext, t: Texts) -> None:
    await query.answer()
    await state.set_state(NewTopicStates.title)
    await query.bot.send_message(query.from_user.id,  # type: ignore[union-attr]
                                 t("topic.ask.title", max=TITLE_MAX))


async def got_title(message: Message, state: FSMContext, t: Texts) -> None:
    await state.update_data(title=clean_title(message.text))
    await state.set_state(NewTopicStates.description)
    await message.answer(t("topic.ask.description"))


async def got_description(message: Message, state: FSMContext, t: Texts) -> None:
    await state.update_data(description=clean_text(message.text))
    await state.set_state(NewTopicStates.requirements)
    await message.answer(t("topic.ask.requirements"))


async def got_requirements(message: Message, state: FSMContext, t: Texts) -> None:
    skip = (message.text or "").startswith("/skip")
    await state.update_data(requirements=None if skip else clean_text(message.text))
    await state.set_state(NewTopicStates.places)
    await message.answer(t("topic.ask.places", max=PLACES_MAX))


async def got_places(message: Message, state: FSMContext, t: Texts) -> None:
    await state.update_data(places=clean_places(message.text))
    await state.set_state(NewTopicStates.language)
    await message.answer(t("topic.ask.language"))


async def got_language(message: Message, state: FSMContext, t: Texts) -> None:
    await state.update_data(language=clean_language(message.text))
    await state.set_state(NewTopicStates.tags)
    await message.answer(t("topic.ask.tags"))


async def got_tags(message: Message, state: FSMContext, t: Texts) -> None:
    skip = (message.text or "").startswith("/skip")
    await state.update_data(tags=[] if skip else clean_tags(message.text))
    await state.set_state(NewTopicStates.proposal)
    await message.answer(t("topic.ask.proposal"), reply_markup=markup([[
        (t("topic.proposal_yes"), TopicCb(action=TopicAction.PROPOSAL_YES)),
        (t("topic.proposal_no"), TopicCb(action=TopicAction.PROPOSAL_NO))]]))


async def need_text(message: Message, t: Texts) -> None:
    await message.answer(t("topic.need_text"))


async def got_proposal(query: CallbackQuery, callback_data: TopicCb, state: FSMContext,
                       services: Services, t: Texts, bot: Bot, user: User) -> None:
    data: NewTopicData = await state.get_data()  # type: ignore[assignment]
    draft = TopicDraft(title=data["title"], description=data["description"],
                       requirements=data.get("requirements"), places=data["places"],
                       language=data["language"], tags=data.get("tags", []),
                       needs_proposal=callback_data.action is TopicAction.PROPOSAL_YES)
    topic = await services.topics.create(user, draft)
    await state.clear()
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)
    view = await services.topics.view(topic.id, user)
    link = await link_of(bot, topic)
    await bot.send_photo(query.from_user.id, BufferedInputFile(qr_png(link), "qr.png"),
                         caption=t("topic.created", title=clip(topic.title, 200), link=link),
                         reply_markup=topic_buttons(t, view, link))


async def proposal_need_button(message: Message, t: Texts) -> None:
    await message.answer(t("topic.need_button"))


# --- Apply ---------------------------------------------------------------------------------

async def apply_pressed(query: CallbackQuery, callback_data: TopicCb, state: FSMContext,
                        services: Services, t: Texts) -> None:
    topic = await services.applications.check_can_apply(person_of(query.from_user),
                                                        callback_data.topic_id)
    await query.answer()
    await state.set_state(ApplyStates.motivation)
    await state.set_data({"topic_id": topic.id})
    await query.bot.send_message(query.from_user.id,  # type: ignore[union-attr]
                                 t("apply.ask_motivation", title=clip(topic.title, 200)))


async def got_motivation(message: Message, state: FSMContext, t: Texts) -> None:
    text = (message.text or "").strip()
    if not text:
        await message.answer(t("apply.need_text"))
        return
    await state.update_data(motivation=text)
    await state.set_state(ApplyStates.cv)
    await message.answer(t("apply.ask_cv"))


async def motivation_not_text(message: Message, t: Texts) -> None:
    await message.answer(t("apply.need_text"))


async def got_cv(message: Message, state: FSMContext, services: Services, t: Texts,
                 bot: Bot) -> None:
    assert message.from_user is not None and message.document is not None
    person = person_of(message.from_user)
    cv = await services.applications.stage_cv(
        person, incoming_document(bot, message.document, "cv.pdf"))
    await _apply(message, state, services, t, person, cv)


async def skip_cv(message: Message, state: FSMContext, services: Services, t: Texts) -> None:
    assert message.from_user is not None
    await _apply(message, state, services, t, person_of(message.from_user), None)


async def cv_not_document(message: Message, t: Texts) -> None:
    await message.answer(t("apply.need_cv"))


async def _apply(message: Message, state: FSMContext, services: Services, t: Texts,
                 person: Person, cv: object) -> None:
    data: ApplyData = await state.get_data()  # type: ignore[assignment]
    await state.clear()
    application = await services.applications.apply(
        person, data["topic_id"], data["motivation"], cv)  # type: ignore[arg-type]
    await message.answer(t("apply.sent", days=services.deps.config.application_auto_decline_days,
                           cv=t("apply.sent_cv") if application.cv_key else None))


# --- the application card ------------------------------------------------------------------

async def accept_pressed(query: CallbackQuery, callback_data: ApplicationCb,
                         services: Services, t: Texts, user: User) -> None:
    accepted = await services.applications.accept(user, callback_data.application_id)
    text = t("application.accepted_by_you", name=accepted.student.full_name,
             title=clip(accepted.topic.title, 200))
    if accepted.closed:
        text += "\n" + t("application.topic_filled", count=accepted.declined)
    await query.answer()
    await _settle_card(query, text)


async def _settle_card(query: CallbackQuery, outcome: str) -> None:
    """The card's buttons go; the outcome is said under it."""
    message = query.message
    if isinstance(message, Message):
        await message.edit_reply_markup(reply_markup=None)
        await message.answer(outcome)


async def decline_pressed(query: CallbackQuery, callback_data: ApplicationCb,
                          services: Services, t: Texts, user: User) -> None:
    application = await services.applications.check_can_decide(user,
                                                               callback_data.application_id)
    await query.answer()
    buttons = [[(t(f"application.template.{name}"),
                 DeclineCb(application_id=application.id, template=name))]
               for name in TEMPLATES]
    buttons.append([(t("application.template.own"),
                     DeclineCb(application_id=application.id, template="own"))])
    await query.bot.send_message(  # type: ignore[union-attr]
        query.from_user.id, t("application.ask_reason", name=application.applicant_name),
        reply_markup=markup(buttons))


async def template_pressed(query: CallbackQuery, callback_data: DeclineCb,
                           services: Services, t: Texts, user: User,
                           state: FSMContext) -> None:
    if callback_data.template == "own":
        await services.applications.check_can_decide(user, callback_data.application_id)
        await query.answer()
        await state.set_state(DecideStates.reason)
        await state.set_data({"application_id": callback_data.application_id})
        await query.bot.send_message(query.from_user.id,  # type: ignore[union-attr]
                                     t("application.ask_own_reason"))
        return
    application = await services.applications.decline(
        user, callback_data.application_id, callback_data.template, None)
    await query.answer()
    await _settle_card(query, t("application.declined_by_you", name=application.applicant_name))


async def got_reason(message: Message, state: FSMContext, services: Services, t: Texts,
                     user: User) -> None:
    application_id = int((await state.get_data())["application_id"])
    application = await services.applications.decline(user, application_id, None,
                                                      message.text)
    await state.clear()
    await message.answer(t("application.declined_by_you", name=application.applicant_name))


async def interview_pressed(query: CallbackQuery, callback_data: ApplicationCb,
                            services: Services, t: Texts, user: User,
                            state: FSMContext) -> None:
    application = await services.applications.check_can_decide(user,
                                                               callback_data.application_id)
    await query.answer()
    await state.set_state(DecideStates.slots)
    await state.set_data({"application_id": application.id})
    await query.bot.send_message(query.from_user.id,  # type: ignore[union-attr]
                                 t("interview.ask_slots", name=application.applicant_name))


async def got_slots(message: Message, state: FSMContext, services: Services, t: Texts,
                    user: User) -> None:
    application_id = int((await state.get_data())["application_id"])
    slots = services.applications.parse_slots(message.text)
    application = await services.applications.propose(user, application_id, slots)
    await state.clear()
    await message.answer(t("interview.proposed_by_you", name=application.applicant_name,
                           count=len(slots)))


async def slot_pressed(query: CallbackQuery, callback_data: SlotCb, services: Services,
                       t: Texts) -> None:
    _application, meeting = await services.applications.pick(
        query.from_user.id, callback_data.application_id, callback_data.index)
    await query.answer()
    await _settle_card(query, t("interview.picked", at=meeting.starts_at))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(topics_command, Command("topics"))
    router.callback_query.register(catalogue_pressed, CatalogueCb.filter())
    router.callback_query.register(topic_pressed, TopicCb.filter(F.action == TopicAction.VIEW))
    router.callback_query.register(apply_pressed, TopicCb.filter(F.action == TopicAction.APPLY))
    router.callback_query.register(slot_pressed, SlotCb.filter())
    apply_steps = conversation_steps(__name__ + ".apply", ApplyStates)
    apply_steps.message.register(got_motivation, StateFilter(ApplyStates.motivation),
                                 Magic(F.text))
    apply_steps.message.register(motivation_not_text, StateFilter(ApplyStates.motivation))
    apply_steps.message.register(skip_cv, StateFilter(ApplyStates.cv), Command("skip"))
    apply_steps.message.register(got_cv, StateFilter(ApplyStates.cv), Magic(F.document))
    apply_steps.message.register(cv_not_document, StateFilter(ApplyStates.cv))
    router.include_router(apply_steps)
    router.include_router(_supervising())
    return router


def _supervising() -> Router:
    """What only a supervisor (or an admin) does: their topics and the application cards."""
    router = Router(name=__name__ + ".supervisor")
    router.message.filter(HasRole(Role.SUPERVISOR, Role.ADMIN))
    router.callback_query.filter(HasRole(Role.SUPERVISOR, Role.ADMIN))
    router.callback_query.register(new_pressed, TopicCb.filter(F.action == TopicAction.NEW))
    router.callback_query.register(state_pressed, TopicCb.filter(
        F.action.in_({TopicAction.CLOSE, TopicAction.REOPEN})))
    router.callback_query.register(qr_pressed, TopicCb.filter(F.action == TopicAction.QR))
    router.callback_query.register(co_pressed, TopicCb.filter(
        F.action == TopicAction.CO_SUPERVISORS))
    router.callback_query.register(edit_pressed, TopicCb.filter(F.action == TopicAction.EDIT))
    router.callback_query.register(field_pressed, TopicEditCb.filter())
    router.callback_query.register(got_proposal, StateFilter(NewTopicStates.proposal),
                                   TopicCb.filter(F.action.in_({TopicAction.PROPOSAL_YES,
                                                                TopicAction.PROPOSAL_NO})))
    router.callback_query.register(accept_pressed, ApplicationCb.filter(
        F.action == ApplicationAction.ACCEPT))
    router.callback_query.register(decline_pressed, ApplicationCb.filter(
        F.action == ApplicationAction.DECLINE))
    router.callback_query.register(interview_pressed, ApplicationCb.filter(
        F.action == ApplicationAction.INTERVIEW))
    router.callback_query.register(template_pressed, DeclineCb.filter())
    steps = conversation_steps(__name__ + ".new", NewTopicStates)
    text = Magic(F.text)
    steps.message.register(got_title, StateFilter(NewTopicStates.title), text)
    steps.message.register(got_description, StateFilter(NewTopicStates.description), text)
    steps.message.register(got_requirements, StateFilter(NewTopicStates.requirements),
                           Command("skip"))
    steps.message.register(got_requirements, StateFilter(NewTopicStates.requirements), text)
    steps.message.register(got_places, StateFilter(NewTopicStates.places), text)
    steps.message.register(got_language, StateFilter(NewTopicStates.language), text)
    steps.message.register(got_tags, StateFilter(NewTopicStates.tags), Command("skip"))
    steps.message.register(got_tags, StateFilter(NewTopicStates.tags), text)
    steps.message.register(proposal_need_button, StateFilter(NewTopicStates.proposal))
    steps.message.register(need_text, StateFilter(NewTopicStates))
    router.include_router(steps)
    edit = conversation_steps(__name__ + ".edit", EditTopicStates)
    edit.message.register(got_value, StateFilter(EditTopicStates.value), Command("skip"))
    edit.message.register(got_value, StateFilter(EditTopicStates.value), text)
    edit.message.register(need_text, StateFilter(EditTopicStates))
    router.include_router(edit)
    co = conversation_steps(__name__ + ".co", CoSupervisorStates)
    co.message.register(got_co_supervisors, StateFilter(CoSupervisorStates.usernames),
                        Command("skip"))
    co.message.register(got_co_supervisors, StateFilter(CoSupervisorStates.usernames), text)
    co.message.register(need_text, StateFilter(CoSupervisorStates))
    router.include_router(co)
    decide = conversation_steps(__name__ + ".decide", DecideStates)
    decide.message.register(got_reason, StateFilter(DecideStates.reason), text)
    decide.message.register(got_slots, StateFilter(DecideStates.slots), text)
    decide.message.register(need_text, StateFilter(DecideStates))
    router.include_router(decide)
    return router
