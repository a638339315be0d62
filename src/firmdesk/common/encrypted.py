"""Model fields whose database column holds only ciphertext (issue 20).

A value is stored as text::

    fdf1:<master key id>:<base64url(nonce (12 bytes) + AES-256-GCM ciphertext + tag)>

``fdf1`` names the format, so it can change; the master key id says which
configured master key (common/masterkeys.py) the field key comes from, so
master keys can rotate: `firmdesk keys rotate` re-encrypts every value still
sealed under an older one. The field key is derived with HKDF-SHA256 from the
master key and the column's purpose ("matters.Contact.tax_id"), so each column
has its own key, and the purpose is also the associated data: a value copied
into another column does not open. The plaintext is padded to a multiple of
16 bytes, so the column does not tell a 4-digit number from a 9-digit one.

These fields cannot be searched or filtered on (every value has a fresh
nonce): any lookup but ``isnull`` is refused. Empty values are stored as
NULL, so the database shows that a value is absent, never what it is.

A value that does not open (changed in the database, or sealed under a master
key this server does not hold) raises ``EncryptedValueError`` naming the
column and the key, never garbage and never the value.
"""

import base64
import datetime
import secrets
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.db import models

from .masterkeys import MasterKeyError, current_master_key, find_master_key

PREFIX = "fdf1"
NONCE = 12
BLOCK = 16


class EncryptedValueError(MasterKeyError):
    """A stored value does not open with the key its prefix names."""


@lru_cache(maxsize=256)
def _field_key(master_key: bytes, purpose: str) -> AESGCM:
    """The column's own key, derived from the master key (kept once made)."""
    return AESGCM(
        HKDF(
            algorithm=hashes.SHA256(),
            length=32,
            salt=None,
            info=f"firmdesk-field:{PREFIX}:{purpose}".encode(),
        ).derive(master_key)
    )


def _pad(data: bytes) -> bytes:
    data += b"\x80"
    return data + b"\x00" * (-len(data) % BLOCK)


def _unpad(data: bytes) -> bytes:
    return data[: data.rindex(b"\x80")]


def _aad(purpose: str, key_id: str) -> bytes:
    return f"{PREFIX}:{purpose}:{key_id}".encode()


def seal(text: str, *, purpose: str) -> str:
    master = current_master_key()
    nonce = secrets.token_bytes(NONCE)
    sealed = _field_key(master.key, purpose).encrypt(
        nonce, _pad(text.encode()), _aad(purpose, master.id)
    )
    body = base64.urlsafe_b64encode(nonce + sealed).decode()
    return f"{PREFIX}:{master.id}:{body}"


def key_id_of(stored: str) -> str:
    """Which master key a stored value was sealed under."""
    return _split(stored, purpose="")[1]


def _split(stored: str, *, purpose: str) -> tuple[str, str, bytes]:
    prefix, _, rest = stored.partition(":")
    key_id, _, body = rest.partition(":")
    if prefix != PREFIX or not key_id or not body:
        raise EncryptedValueError(
            f"The stored value of {purpose or 'an encrypted field'} is not in "
            "FirmDesk's encrypted form: it was written around FirmDesk or changed "
            "in the database. Restore it from a backup or enter it again."
        )
    try:
        raw = base64.urlsafe_b64decode(body.encode())
    except ValueError:
        raw = b""
    return prefix, key_id, raw


def open_sealed(stored: str, *, purpose: str) -> str:
    _, key_id, raw = _split(stored, purpose=purpose)
    master = find_master_key(key_id)
    try:
        padded = _field_key(master.key, purpose).decrypt(
            raw[:NONCE], raw[NONCE:], _aad(purpose, key_id)
        )
    except (InvalidTag, ValueError) as error:
        raise EncryptedValueError(
            f"A stored value of {purpose} does not open with master key {key_id}: "
            "it was changed in the database or copied from elsewhere. Restore it "
            "from a backup or enter it again."
        ) from error
    return _unpad(padded).decode()


def is_sealed(value) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX + ":")


if TYPE_CHECKING:
    # Mixed into a concrete Field below; typed as one so its super() calls check.
    _FieldBase = models.Field[Any, Any]
else:
    _FieldBase = object


class EncryptedMixin(_FieldBase):
    """Shared by the encrypted fields: seal on the way in, open on the way
    out. Subclasses say how a Python value becomes text and back."""

    empty_value: object = None

    def __init__(self, *args, **kwargs):
        kwargs["null"] = True
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("null", None)
        kwargs.pop("blank", None)
        return name, path, args, kwargs

    @property
    def purpose(self) -> str:
        return f"{self.model._meta.label}.{self.name}"

    def to_text(self, value) -> str:
        raise NotImplementedError

    def from_text(self, text: str):
        raise NotImplementedError

    def get_lookup(self, lookup_name):
        # A fresh nonce per value: equality could never match, so refuse.
        return super().get_lookup(lookup_name) if lookup_name == "isnull" else None

    def get_transform(self, lookup_name):
        return None

    def get_prep_value(self, value):
        value = self.to_python(value)
        if value in (None, ""):
            return None
        return seal(self.to_text(value), purpose=self.purpose)

    def from_db_value(self, value, expression, connection):
        if value is None:
            return self.empty_value
        return self.from_text(open_sealed(value, purpose=self.purpose))

    def to_python(self, value):
        if is_sealed(value):
            return self.from_text(open_sealed(value, purpose=self.purpose))
        return super().to_python(value)


class EncryptedTextField(EncryptedMixin, models.TextField):
    """Short secret text (numbers, names); "" when empty. ``max_length``
    limits what a form accepts, not the column, which holds ciphertext."""

    empty_value = ""

    def to_text(self, value) -> str:
        return str(value)

    def from_text(self, text: str):
        return text

    def to_python(self, value):
        value = super().to_python(value)
        return "" if value is None else value


class EncryptedDateField(EncryptedMixin, models.DateField):
    """A date stored as the ciphertext of its ISO form; None when empty."""

    def db_type(self, connection):
        return models.TextField().db_type(connection)

    def get_internal_type(self):
        return "TextField"

    def to_text(self, value) -> str:
        return value.isoformat()

    def from_text(self, text: str):
        return datetime.date.fromisoformat(text)

    def pre_save(self, model_instance, add):
        return getattr(model_instance, self.attname)

    def get_db_prep_value(self, value, connection, prepared=False):
        return value if prepared else self.get_prep_value(value)


def encrypted_fields(model) -> list:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedMixin)]
