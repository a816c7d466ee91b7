"""Issue 13's leftover: a file too big for the webhook's deadline is received by the upload
worker under a lease. The replica receiving it is SIGKILLed mid-stream; once the lease runs
out another replica takes the job over and finishes it once: the same progress message
becomes the note prompt once, and the version is stored once."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import func, select

from storage.db import create_engine
from storage.models import Submission, UploadJob
from tests import documents
from tests.conftest import Harness, bucket_keys, free_port
from tests.reliability.test_process import Replica
from tests.reliability.tools import RedisServer
from tests.support.conversation import join
from tests.test_student_journey import invite_code
from tgemu import BotAPIEmulator

MB = 1024 * 1024
NOTE_PROMPT = "Add a short note for your supervisor, or send /skip."


async def test_a_job_whose_worker_dies_mid_stream_is_taken_over_and_finished_once(
        emulator: BotAPIEmulator, db: str, bucket: str, s3_endpoint: str,
        own_redis: RedisServer, tmp_path: Path) -> None:
    emu = emulator
    env = {**os.environ,
           "TELEGRAM_BOT_TOKEN": emu.token, "TELEGRAM_API_URL": emu.base_url,
           "BOT_MODE": "polling", "HTTP_HOST": "127.0.0.1", "DATABASE_URL": db,
           "REDIS_URL": own_redis.url, "S3_BUCKET": bucket, "S3_ENDPOINT_URL": s3_endpoint,
           "ADMIN_IDS": "1", "DATA_DIR": str(tmp_path / "data"), "LOG_FORMAT": "json",
           "BACKGROUND_UPLOAD_MB": "1", "UPLOAD_LEASE_SECONDS": "3"}
    log = tmp_path / "bot.log"
    doomed = Replica({**env, "HTTP_PORT": str(free_port())}, log)
    survivor = Replica({**env, "HTTP_PORT": str(free_port())}, log)
    harness = Harness(emu, None, None)  # type: ignore[arg-type]
    try:
        await doomed.start()
        admin = harness.chat(1, "Ada", "Admin")
        await admin.say("/start")
        supervisor = harness.chat(100, "Sam", "Supervisor")
        await join(admin, supervisor, invite_code(await admin.say("/invite")))
        alice = harness.chat(201, "Alice", "A")
        await join(supervisor, alice, invite_code(await supervisor.say("/invite")))
        await alice.say("/submit")
        await alice.say("My thesis")

        emu.set_download_rate(1 * MB)  # 8 s for the file
        progress = (await alice.upload(documents.pdf("big", pad=8 * MB), "thesis.pdf"))[0]

        def texts() -> list[str]:
            message = next(m for m in emu.bot_messages(alice.id)
                           if m.message_id == progress.message_id)
            return [edit.text or "" for edit in message.edits] + [message.content]

        # Mid-stream: the first percentage is shown, the file is far from in.
        await emu.wait_until(lambda: any("%" in t and "0 %" not in t for t in texts()),
                             timeout=20)
        await doomed.kill()
        assert NOTE_PROMPT not in texts()
        emu.set_download_rate(4 * MB)
        await survivor.start()
        await emu.wait_until(lambda: texts()[-1] == NOTE_PROMPT, timeout=40)

        assert texts().count(NOTE_PROMPT) == 1
        assert sum(NOTE_PROMPT in m.content for m in emu.bot_messages(alice.id)) == 1
        engine = create_engine(db)
        async with engine.connect() as conn:
            job = (await conn.execute(select(UploadJob.state, UploadJob.attempts))).one()
        assert tuple(job) == ("staged", 2)

        assert "Version 1 received" in await alice.say("/skip")
        async with engine.connect() as conn:
            versions = (await conn.execute(select(func.count()).select_from(Submission)))\
                .scalar_one()
            key = (await conn.execute(select(Submission.file_key))).scalar_one()
        await engine.dispose()
        assert versions == 1
        assert await bucket_keys(s3_endpoint, bucket) == [key]  # the dead copy never landed
        assert await survivor.terminate() == 0
    finally:
        await doomed.kill()
        await survivor.kill()
