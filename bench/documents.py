"""What encryption at rest costs uploads and downloads (issue 19, item 2).

Files of 20 MB and 1 MB go through the real service (``document_upload``:
the type check, the SHA-256, sealing and writing, the rows and the audit
event) and come back through the real download (``web.pages.stream_version``,
iterated to the end: the first-chunk check, then every frame verified). The
same runs again with the storage layer patched to write the bytes as they are
(the product has no switch to turn encryption off), and the figures stand
side by side. Target: encryption costs less than 30 %.

    .venv/bin/python bench/documents.py
    .venv/bin/python bench/documents.py --rounds 9

Files go to a scratch directory that is removed afterwards; the rows (a firm
named "Documents bench <time>") go to the database DATABASE_URL names (the
SQLite file under var/ when unset): point it at a scratch database.
"""

import argparse
import os
import shlex
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "firmdesk.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.files.uploadedfile import (  # noqa: E402
    SimpleUploadedFile,
    TemporaryUploadedFile,
)
from django.core.management import call_command  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from firmdesk.documents import storage  # noqa: E402
from firmdesk.documents.models import documents_storage, version_upload_to  # noqa: E402
from firmdesk.documents.services import document_upload  # noqa: E402
from firmdesk.orgs.models import Organization, User  # noqa: E402
from firmdesk.web.pages import stream_version  # noqa: E402

MB = 1_000_000
TARGET = 0.30


class _PlainFile:
    """The upload's chunks as a file for Storage.save, unchanged."""

    def __init__(self, chunks):
        self._chunks = chunks

    def chunks(self, chunk_size=None):
        yield from self._chunks


def store_plain(version, chunks, size, *, name=""):
    """storage.store without the sealing: what the baseline measures."""
    name = name or version_upload_to(version, version.original_name)
    version.file.name = documents_storage().save(name, _PlainFile(chunks))
    version.key = None


def make_firm():
    stamp = time.strftime("%Y%m%d%H%M%S")
    firm = Organization.objects.create(
        name=f"Documents bench {stamp}", slug=f"documents-bench-{stamp}"
    )
    actor = User.objects.create_user(
        email=f"bench-{stamp}@documents.test", password=None, full_name="Bench"
    )
    return firm, actor


def uploaded(name: str, content: bytes):
    """The file as Django hands it to a view: in memory up to
    FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MB), else in a temporary file."""
    if len(content) <= settings.FILE_UPLOAD_MAX_MEMORY_SIZE:
        return SimpleUploadedFile(name, content, "application/pdf")
    upload = TemporaryUploadedFile(name, "application/pdf", len(content), None)
    upload.write(content)
    upload.seek(0)
    return upload


def once(firm, actor, content: bytes, name: str) -> tuple[float, float]:
    """Seconds of one upload and of one whole download."""
    upload = uploaded(name, content)
    started = time.perf_counter()
    document = document_upload(firm=firm, actor=actor, uploaded_file=upload)
    took_up = time.perf_counter() - started
    upload.close()
    started = time.perf_counter()
    received = 0
    for chunk in stream_version(document.current_version).streaming_content:
        received += len(chunk)
    took_down = time.perf_counter() - started
    assert received == len(content)
    return took_up, took_down


def measure(firm, actor, content: bytes, rounds: int):
    """Median (upload, download) seconds, sealed and plain. The two take turns
    (and swap who goes first each round), so the disk's state, the page cache
    and the database's growth weigh on both alike."""
    sealed, plain = [], []
    real_store = storage.store
    for n in range(rounds):
        for encrypted in (True, False) if n % 2 else (False, True):
            storage.store = real_store if encrypted else store_plain
            try:
                took = once(firm, actor, content, f"bench-{n}.pdf")
            finally:
                storage.store = real_store
            (sealed if encrypted else plain).append(took)

    def medians(runs):
        return tuple(statistics.median(r[i] for r in runs) for i in (0, 1))

    return medians(sealed), medians(plain)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7, help="Runs per figure.")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    firm, actor = make_firm()
    sizes = {"20 MB": 20 * MB, "1 MB": 1 * MB}
    rows = []
    worst = 0.0
    with (
        tempfile.TemporaryDirectory() as media,
        override_settings(MEDIA_ROOT=media, FIRMDESK_UPLOAD_MAX_BYTES=25 * 1024 * 1024),
    ):
        for label, size in sizes.items():
            content = b"%PDF-1.7\n" + os.urandom(size - 9)
            # Warm up: the firm's data key, the first file of the directory.
            measure(firm, actor, content, 1)
            sealed, plain = measure(firm, actor, content, args.rounds)
            for what, enc, base in (
                ("upload", sealed[0], plain[0]),
                ("download", sealed[1], plain[1]),
            ):
                cost = enc / base - 1
                worst = max(worst, cost)
                rows.append(
                    (f"{what} {label}", size / MB / enc, size / MB / base, cost)
                )
    table = Table(title="Documents: encryption at rest", title_justify="left")
    table.add_column("What")
    table.add_column("Encrypted", justify="right")
    table.add_column("Plain (baseline)", justify="right")
    table.add_column("Encrypted ÷ plain, time", justify="right")
    for what, enc, base, cost in rows:
        table.add_row(what, f"{enc:.0f} MB/s", f"{base:.0f} MB/s", f"{1 + cost:.2f}")
    console = Console(width=120)
    console.print(table)
    verdict = "within" if worst < TARGET else "OVER"
    console.print(
        f"Largest cost of encryption: {worst:+.0%} of the plain time ({verdict} the "
        f"{TARGET:.0%} target). Median of {args.rounds} runs each; database: "
        f"{settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}."
    )
    env = " ".join(
        f"{var}={shlex.quote(os.environ[var])}"
        for var in ("DATABASE_URL", "FIRMDESK_VAR")
        if os.environ.get(var)
    )
    parts = (env, ".venv/bin/python bench/documents.py", shlex.join(sys.argv[1:]))
    print("Command: " + " ".join(part for part in parts if part))


if __name__ == "__main__":
    main()
