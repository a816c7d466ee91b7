"""Files: stored on disk under ``storage_dir``, known by file_id and by file_path."""

from __future__ import annotations

import asyncio
import mimetypes
import secrets
import shutil
from pathlib import Path
from typing import Any

from .records import ApiError, JSONDict, StoredFile
from .state import EmulatorState
from .wire import Upload, write_bytes


class Files(EmulatorState):
    """Files by file_id: what users send, what the bot uploads, what getFile hands out."""

    def file(self, file_id: str) -> StoredFile:
        try:
            return self._files[file_id]
        except KeyError:
            raise KeyError(f"unknown file_id {file_id!r}") from None

    def file_path_on_disk(self, file_id: str) -> Path:
        path = self.file(file_id).disk_path
        if path is None:
            raise KeyError(f"file {file_id!r} has no stored bytes")
        return path

    def file_bytes(self, file_id: str) -> bytes:
        return self.file_path_on_disk(file_id).read_bytes()

    async def store_file(
        self,
        data: bytes | Path,
        file_name: str | None,
        *,
        kind: str = "documents",
        mime_type: str | None = None,
        declared_size: int | None = None,
    ) -> StoredFile:
        """Put bytes (or a copy of a file) into storage and register a new file_id."""
        target = self._new_disk_path(file_name or kind)
        if isinstance(data, Path):
            await asyncio.to_thread(shutil.copyfile, data, target)
        else:
            await asyncio.to_thread(write_bytes, target, data)
        size = target.stat().st_size
        return self._register_file(target, file_name, mime_type, kind, declared_size or size)

    def _register_file(
        self,
        disk_path: Path | None,
        file_name: str | None,
        mime_type: str | None,
        kind: str,
        size: int,
    ) -> StoredFile:
        n = next(self._counter)
        prefix = {"photos": "AgAC", "documents": "BQAC", "voice": "AwAC", "stickers": "CAAC"}
        file_id = f"{prefix.get(kind, 'BAAC')}AgAD{n:06d}{secrets.token_urlsafe(16)}"
        if mime_type is None and file_name:
            mime_type = mimetypes.guess_type(file_name)[0]
        suffix = Path(file_name).suffix if file_name else ""
        stored = StoredFile(
            file_id=file_id,
            file_unique_id=f"AgAD{n:06d}",
            kind=kind,
            file_size=size,
            file_path=f"{kind}/file_{n}{suffix}",
            disk_path=disk_path,
            file_name=file_name,
            mime_type=mime_type,
        )
        self._files[file_id] = stored
        self._files_by_path[stored.file_path] = stored
        return stored

    async def _resolve_input_file(
        self, value: Any, uploads: dict[str, Upload], field: str, kind: str
    ) -> StoredFile:
        if isinstance(value, str) and value.startswith("attach://"):
            upload = uploads.get(value.removeprefix("attach://"))
            if upload is None:
                raise ApiError(400, f"Bad Request: there is no {field} in the request")
            return self._register_file(
                upload.path, upload.filename, self._upload_mime(upload), kind, upload.size
            )
        if isinstance(value, str) and value:
            if value in self._files:
                return self._files[value]
            if value.startswith(("http://", "https://")):
                name = value.rstrip("/").rsplit("/", 1)[-1] or field
                return self._register_file(None, name, None, kind, 0)
            raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        raise ApiError(400, f"Bad Request: there is no {field} in the request")

    @staticmethod
    def _upload_mime(upload: Upload) -> str | None:
        guessed = mimetypes.guess_type(upload.filename)[0]
        if guessed:
            return guessed
        if upload.content_type and upload.content_type != "application/octet-stream":
            return upload.content_type
        return "application/octet-stream"

    async def _get_file(self, params: JSONDict, uploads: dict[str, Upload]) -> Any:
        stored = self._files.get(str(params.get("file_id") or ""))
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        if stored.file_size > self.max_download_bytes:
            raise ApiError(400, "Bad Request: file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.file_size,
            "file_path": stored.file_path,
        }
