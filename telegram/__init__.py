"""The Telegram runtime that handlers and workers share: texts, notification cards, progress
messages and file transfer. Routers live in ``handlers/``; nothing here registers a handler."""
