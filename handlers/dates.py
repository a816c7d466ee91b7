"""A date question, the same wherever one is asked (deadlines, meetings, and later features):
the question comes with quick buttons (**+1 week**, **+2 weeks**, **End of month**); a typed
date is read as people write it (services/dates.py); whichever way it came, the moment is
echoed back with its weekday and saved only after **Save**.

A feature asks with ``ask`` and registers its steps with ``register``: for each state that
waits for a date, the function that uses the confirmed moment (``Use``). The pending moment
lives in the step's FSM data (``DATE_KEY``) until it is saved or another is given."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from handlers.callbacks import DateCb, DatePick
from handlers.filters import Magic
from handlers.keyboards import Button, markup
from services import dates
from services.context import Services
from storage.models import User
from telegram.texts import Texts

DATE_KEY = "date_pending"
Use = Callable[[Message, FSMContext, Services, User, Texts, datetime], Awaitable[None]]
QUICK = {DatePick.WEEK: dates.Quick.WEEK, DatePick.TWO_WEEKS: dates.Quick.TWO_WEEKS,
         DatePick.MONTH_END: dates.Quick.MONTH_END}


def quick_rows(t: Texts) -> list[list[Button]]:
    return [[(t("dates.week"), DateCb(pick=DatePick.WEEK)),
             (t("dates.two_weeks"), DateCb(pick=DatePick.TWO_WEEKS))],
            [(t("dates.month_end"), DateCb(pick=DatePick.MONTH_END))]]


def quick_buttons(t: Texts) -> InlineKeyboardMarkup | None:
    return markup(quick_rows(t))


async def ask(message: Message, text: str, t: Texts) -> None:
    """Ask for a date: the question and the quick buttons."""
    await message.answer(text, reply_markup=quick_buttons(t))


async def _echo(message: Message, state: FSMContext, t: Texts, moment: datetime) -> None:
    await state.update_data({DATE_KEY: moment.isoformat()})
    await message.answer(t("dates.confirm", when=t.weekday(moment)), reply_markup=markup([[
        (t("dates.save"), DateCb(pick=DatePick.SAVE)),
        (t("dates.change"), DateCb(pick=DatePick.CHANGE))]]))


async def typed(message: Message, state: FSMContext, services: Services, t: Texts) -> None:
    moment = dates.parse(message.text, services.deps.config.tz, services.deps.clock.now())
    await _echo(message, state, t, moment)


def register(router: Router, steps: Router, uses: dict[State, Use]) -> None:
    """The typed date and the buttons of each state in ``uses`` (register it before the
    step's other message handlers)."""
    for waiting in uses:
        steps.message.register(typed, StateFilter(waiting), Magic(F.text))

    async def pressed(query: CallbackQuery, callback_data: DateCb, state: FSMContext,
                      services: Services, user: User, t: Texts) -> None:
        message = query.message
        current = await state.get_state()
        use = next((u for s, u in uses.items() if s.state == current), None)
        if not isinstance(message, Message) or use is None:
            await query.answer(t("error.bad_button"), show_alert=True)
            return
        if callback_data.pick in QUICK:
            now, tz = services.deps.clock.now(), services.deps.config.tz
            moment = dates.bounded(dates.quick(QUICK[callback_data.pick], tz, now), now)
            await query.answer()
            await _echo(message, state, t, moment)
            return
        pending = (await state.get_data()).get(DATE_KEY)
        if callback_data.pick is DatePick.CHANGE or not isinstance(pending, str):
            await query.answer()
            await state.update_data({DATE_KEY: None})
            await ask(message, t("dates.again"), t)
            return
        # Used first: a refusal (a date the step cannot take) is this button's alert, and
        # the step stays for another date.
        await use(message, state, services, user, t, datetime.fromisoformat(pending))
        await query.answer()
        await message.edit_reply_markup(reply_markup=None)

    router.callback_query.register(pressed, StateFilter(*uses), DateCb.filter())
