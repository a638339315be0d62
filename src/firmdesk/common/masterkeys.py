"""The master keys of encryption at rest, kept outside the database: from the
environment (FIRMDESK_MASTER_KEY) or the key file (FIRMDESK_MASTER_KEY_FILE,
var/keys/master.keys by default). The last key is the current one; older ones
stay configured until `firmdesk keys rotate` has moved everything off them.

Documents wrap each firm's data key with them (documents/crypto.py); the
encrypted model fields (common/encrypted.py) derive their field keys from
them. Both live below every app that stores client data, so this module is in
common.
"""

import base64
import hashlib
import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings

KEY_BYTES = 32


class MasterKeyError(Exception):
    """The master keys are missing or malformed in the configuration."""


class MissingMasterKey(MasterKeyError):
    """A data key was wrapped by a master key this server does not hold."""


@dataclass(frozen=True)
class MasterKey:
    id: str
    key: bytes


def master_key_id(key: bytes) -> str:
    """A master key's name: the start of its SHA-256, never the key itself."""
    return hashlib.sha256(b"firmdesk-master:" + key).hexdigest()[:16]


def parse_master_keys(text: str) -> list[MasterKey]:
    """Base64 keys of 32 bytes, one per line or comma-separated; blank lines
    and lines starting with # are skipped. The last one is the current one.

    A malformed entry is named by its place, never by its content: the
    message may end up in a log."""
    keys = []
    entries = [
        entry.strip()
        for line in text.splitlines()
        if not line.strip().startswith("#")
        for entry in line.split(",")
    ]
    for place, entry in enumerate(filter(None, entries), start=1):
        try:
            key = base64.b64decode(entry, validate=True)
        except ValueError:
            raise MasterKeyError(
                f"Master key {place} is not base64. Each key is the base64 of 32 "
                "random bytes, as `firmdesk keys new-master` prints it."
            ) from None
        if len(key) != KEY_BYTES:
            raise MasterKeyError(
                f"Master key {place} is {len(key)} bytes; a master key must be "
                f"{KEY_BYTES} (the base64 of 32 random bytes, as `firmdesk keys "
                "new-master` prints it)."
            )
        keys.append(MasterKey(master_key_id(key), key))
    return keys


def new_master_key_line() -> str:
    return base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()


def _create_key_file(path: Path) -> None:
    """A key file with one new key, readable by its owner only. Written aside
    and linked into place, so two processes starting at once agree on one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    aside = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(
            "# FirmDesk master keys, oldest first; the last is current.\n"
            + new_master_key_line()
            + "\n"
        )
    try:
        os.link(aside, path)
    except FileExistsError:
        pass
    finally:
        aside.unlink()


# Every encrypted field value opened asks for the keys: a contact list opens
# hundreds. The file is read again only when it changed (a new master key is
# written aside and renamed over it: a new inode), and a text parsed once.
_file_texts: dict[tuple, str] = {}


def _read_key_file(path: Path) -> str:
    stat = path.stat()
    signature = (str(path), stat.st_ino, stat.st_mtime_ns, stat.st_size)
    text = _file_texts.get(signature)
    if text is None:
        text = path.read_text()
        _file_texts.clear()
        _file_texts[signature] = text
    return text


@lru_cache(maxsize=8)
def _parsed(text: str) -> tuple[MasterKey, ...]:
    return tuple(parse_master_keys(text))


def master_keys() -> list[MasterKey]:
    """The master keys this server holds, oldest first: from the environment
    (FIRMDESK_MASTER_KEY) or else the key file (FIRMDESK_MASTER_KEY_FILE,
    created with one new key on first use when it does not exist)."""
    text = settings.FIRMDESK_MASTER_KEY
    if not text:
        path = Path(settings.FIRMDESK_MASTER_KEY_FILE)
        if not path.exists():
            _create_key_file(path)
        text = _read_key_file(path)
    keys = _parsed(text)
    if not keys:
        raise MissingMasterKey(
            "No master key is configured: FIRMDESK_MASTER_KEY is empty and so is "
            "the key file. Run `firmdesk keys new-master` (docs/documents-"
            "encryption.md)."
        )
    return list(keys)


def current_master_key() -> MasterKey:
    return master_keys()[-1]


def find_master_key(key_id: str) -> MasterKey:
    for candidate in master_keys():
        if candidate.id == key_id:
            return candidate
    raise MissingMasterKey(
        f"The master key {key_id} is not configured on this server: add it back "
        "to FIRMDESK_MASTER_KEY or the key file, then run `firmdesk keys rotate`."
    )
