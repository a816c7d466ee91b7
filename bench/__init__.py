"""Benchmarks: ``python -m bench`` (or ``./dev.sh bench``) writes bench/results.md.

The bot runs in its own process (``python -m bot``, webhook mode, aiogram's request handler
as in production) against PostgreSQL, Redis, an S3 server and the Bot API emulator (in a
process of its own). The load driver posts updates straight to the bot's webhook with the
secret header, as Telegram does. Every number is compared with a baseline measured in the
same run: a bare aiogram bot, a plain download-and-upload copy, the small data set.
"""
