"""Bot API methods that create, copy, edit and delete messages."""

from __future__ import annotations

import copy
from typing import Any

from .chats import Chats
from .files import Files
from .records import ApiError, JSONDict, RecordedMessage
from .validation import format_text, reply_to, validate_markup
from .wire import Handler, Upload, now


class Messaging(Chats, Files):
    """sendMessage, the media sends, copy/forward, edits, deleteMessage, answerCallbackQuery."""

    def _format_caption(self, params: JSONDict) -> tuple[str, list[JSONDict]]:
        """A request's caption, parsed by its parse_mode, within the caption limit."""
        return format_text(params.get("caption"), params.get("parse_mode"),
                           params.get("caption_entities"), caption=True)

    def _addressed_message(self, params: JSONDict) -> RecordedMessage | None:
        """The live message that ``chat_id`` and ``message_id`` name, if there is one."""
        chat = self._lookup_chat(params.get("chat_id"))
        message_id = params.get("message_id")
        if chat is None or not isinstance(message_id, int):
            return None
        msg = self._find_message(chat.id, message_id)
        return None if msg is None or msg.deleted else msg

    def _message_for_edit(self, params: JSONDict) -> RecordedMessage | None:
        """The bot message an edit targets; None for inline messages."""
        if params.get("inline_message_id"):
            return None
        msg = self._addressed_message(params)
        if msg is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        if not msg.from_bot:
            raise ApiError(400, "Bad Request: message can't be edited")
        return msg

    def _apply_edit(self, msg: RecordedMessage, **changes: Any) -> JSONDict:
        unchanged = all(getattr(msg, k) == v for k, v in changes.items())
        if unchanged:
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and "
                "reply markup are exactly the same as a current content and reply markup "
                "of the message",
            )
        msg.edits.append(msg.snapshot())
        for key, value in changes.items():
            setattr(msg, key, value)
        msg.edit_date = now()
        self._publish({"type": "edit", "chat_id": msg.chat_id, "message": msg.to_dict()})
        return msg.to_api()

    async def _send_message(self, params: JSONDict, uploads: dict[str, Upload]) -> Any:
        chat = self._target_chat(params.get("chat_id"))
        text, entities = format_text(
            params.get("text"), params.get("parse_mode"), params.get("entities"), caption=False
        )
        markup = validate_markup(params.get("reply_markup"))
        msg = self._new_message(
            chat,
            from_bot=True,
            text=text,
            entities=entities,
            parse_mode=params.get("parse_mode"),
            reply_markup=markup,
            reply_to=reply_to(params),
        )
        return msg.to_api()

    def _media_sender(self, field: str, kind: str) -> Handler:
        async def send(params: JSONDict, uploads: dict[str, Upload]) -> Any:
            chat = self._target_chat(params.get("chat_id"))
            caption: str | None = None
            entities: list[JSONDict] = []
            if params.get("caption") is not None:
                caption, entities = self._format_caption(params)
            markup = validate_markup(params.get("reply_markup"))
            stored = await self._resolve_input_file(params.get(field), uploads, field, kind)
            document: JSONDict | None = None
            photo: list[JSONDict] | None = None
            media: JSONDict = {}
            if field == "document":
                document = stored.as_document()
            elif field == "photo":
                photo = stored.as_photo()
            else:
                media[field] = {**stored.as_document(), "duration": params.get("duration") or 1}
                if field == "sticker":
                    media[field] = {
                        "file_id": stored.file_id,
                        "file_unique_id": stored.file_unique_id,
                        "type": "regular",
                        "width": 512,
                        "height": 512,
                        "is_animated": False,
                        "is_video": False,
                    }
                elif field in ("video", "animation", "video_note"):
                    media[field].update({"width": 640, "height": 480, "length": 240})
            msg = self._new_message(
                chat,
                from_bot=True,
                caption=caption,
                entities=entities,
                parse_mode=params.get("parse_mode"),
                document=document,
                photo=photo,
                media=media,
                reply_markup=markup,
                reply_to=reply_to(params),
            )
            return msg.to_api()

        return send

    def _source_message(self, params: JSONDict, verb: str) -> RecordedMessage:
        source_chat = self._lookup_chat(params.get("from_chat_id"))
        message_id = params.get("message_id")
        src = (
            self._find_message(source_chat.id, message_id)
            if source_chat and isinstance(message_id, int)
            else None
        )
        if src is None or src.deleted:
            raise ApiError(400, f"Bad Request: message to {verb} not found")
        return src

    async def _copy_message(self, params: JSONDict, uploads: dict[str, Upload]) -> Any:
        chat = self._target_chat(params.get("chat_id"))
        src = self._source_message(params, "copy")
        caption, entities = src.caption, copy.deepcopy(src.entities)
        if params.get("caption") is not None:
            caption, entities = self._format_caption(params)
        markup = validate_markup(params.get("reply_markup"))
        msg = self._new_message(
            chat,
            from_bot=True,
            text=src.text,
            caption=caption,
            entities=entities,
            document=copy.deepcopy(src.document),
            photo=copy.deepcopy(src.photo),
            media=copy.deepcopy(src.media),
            reply_markup=markup,
            reply_to=reply_to(params),
        )
        return {"message_id": msg.message_id}

    async def _forward_message(self, params: JSONDict, uploads: dict[str, Upload]) -> Any:
        chat = self._target_chat(params.get("chat_id"))
        src = self._source_message(params, "forward")
        origin: JSONDict = {"type": "user", "sender_user": src.sender, "date": src.date}
        msg = self._new_message(
            chat,
            from_bot=True,
            text=src.text,
            caption=src.caption,
            entities=copy.deepcopy(src.entities),
            document=copy.deepcopy(src.document),
            photo=copy.deepcopy(src.photo),
            media=copy.deepcopy(src.media),
            extra={"forward_origin": origin},
        )
        return msg.to_api()

    async def _edit_message_text(self, params: JSONDict, uploads: dict[str, Upload]) -> Any:
        text, entities = format_text(
            params.get("text"), params.get("parse_mode"), params.get("entities"), caption=False
        )
        markup = validate_markup(params.get("reply_markup"))
        msg = self._message_for_edit(params)
        if msg is None:
            return True
        if msg.text is None:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        return self._apply_edit(
            msg,
            text=text,
            entities=entities,
            reply_markup=markup,
            parse_mode=params.get("parse_mode"),
        )

    async def _edit_message_caption(self, params: JSONDict, uploads: dict[str, Upload]) -> Any:
        caption, entities = self._format_caption(params)
        markup = validate_markup(params.get("reply_markup"))
        msg = self._message_for_edit(params)
        if msg is None:
            return True
        if msg.text is not None:
            raise ApiError(400, "Bad Request: there is no caption in the message to edit")
        return self._apply_edit(
            msg, caption=caption or None, entities=entities, reply_markup=markup
        )

    async def _edit_message_reply_markup(self, params: JSONDict, uploads: dict[str, Upload]) -> Any:
        markup = validate_markup(params.get("reply_markup"))
        msg = self._message_for_edit(params)
        if msg is None:
            return True
        return self._apply_edit(msg, reply_markup=markup)

    async def _delete_message(self, params: JSONDict, uploads: dict[str, Upload]) -> Any:
        msg = self._addressed_message(params)
        if msg is None:
            raise ApiError(400, "Bad Request: message to delete not found")
        msg.deleted = True
        self._publish({"type": "delete", "chat_id": msg.chat_id, "message": msg.to_dict()})
        return True

    async def _answer_callback_query(self, params: JSONDict, uploads: dict[str, Upload]) -> Any:
        query_id = str(params.get("callback_query_id") or "")
        if query_id not in self._open_callbacks:
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        self._open_callbacks.discard(query_id)
        text = params.get("text")
        show_alert = bool(params.get("show_alert"))
        self.callback_answers.append((query_id, text, show_alert))
        self._publish(
            {
                "type": "callback_answer",
                "chat_id": None,
                "message": None,
                "callback_query_id": query_id,
                "text": text,
                "show_alert": show_alert,
            }
        )
        return True

