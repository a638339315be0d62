"""The soak's verdict as a Markdown page: the requests, the faults, the checks
of ``soak_verify``, the figures, and the command that made it."""

import os
import statistics
from collections import Counter, defaultdict

from soak_load import Recorder, Sample
from soak_verify import acknowledged, duplicates, jobs, partial_records


def _in_window(sample: Sample, faults) -> bool:
    return any(
        f.http and sample.started <= f.ended and sample.ended >= f.started
        for f in faults
    )


def _ms(values: list[float], q: float) -> str:
    if not values:
        return "-"
    if len(values) == 1:
        return f"{values[0] * 1000:.0f}"
    return f"{statistics.quantiles(values, n=100)[q - 1] * 1000:.0f}"


def report(
    *,
    args,
    recorder: Recorder,
    faults,
    since,
    receiver,
    mail_dir,
    load_seconds: float,
    drained: float,
    command: str,
    gunicorn_command: str,
) -> tuple[str, bool]:
    samples = recorder.samples
    inside = [s for s in samples if _in_window(s, faults)]
    outside = [s for s in samples if not _in_window(s, faults)]

    def errors(rows, test):
        return sum(1 for s in rows if test(s))

    def no_answer(s):
        return s.status is None

    def server_error(s):
        return s.status is not None and s.status >= 500

    by_label: dict[str, list[Sample]] = defaultdict(list)
    for s in samples:
        by_label[s.label].append(s)
    lines = [
        "# Soak and fault test",
        "",
        f"{len(samples):,} requests from {args.clients} clients in "
        f"{load_seconds / 60:.1f} minutes ({len(samples) / load_seconds:.1f} req/s), "
        f"gunicorn {args.workers} gthread workers x {args.threads} threads, one "
        "`firmdesk worker`, PostgreSQL 15 of its own; load average at the end "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} (2 cores, shared with "
        "other work: latencies are noisy).",
        "",
        "Set for the soak (the issue is silent on these): the public form's "
        "rate limit is lifted, since every visitor comes from 127.0.0.1; "
        "webhooks may go to the soak's receiver on loopback; a job worker is "
        "presumed dead after 10 s without a heartbeat (60 s by default) and "
        "the schedule runs every 10 s (60 s), so a killed worker's job and a "
        "lost enqueue come back within the run. Clients think 1 to 5 s "
        "between actions; API writes carry an Idempotency-Key and are sent "
        "again with it after a 5xx or no answer, a public form is sent again "
        "as its 503 page offers.",
        "",
        "| requests | count | p50 ms | p95 ms | 4xx | 5xx | no answer |",
        "|---|--:|--:|--:|--:|--:|--:|",
    ]
    for label in sorted(by_label):
        rows = by_label[label]
        times = [s.ended - s.started for s in rows if s.status is not None]
        client_errors = sum(1 for s in rows if s.status and 400 <= s.status < 500)
        lines.append(
            f"| {label} | {len(rows):,} | {_ms(times, 50)} | {_ms(times, 95)} | "
            f"{client_errors} | {errors(rows, server_error)} | "
            f"{errors(rows, no_answer)} |"
        )
    lines += [
        "",
        "“Back in” is from the fault to the first page answered, queued "
        "behind the clients' own requests; after the master's kill it "
        "includes up to 10 s for its orphaned workers to stop (systemd's "
        "KillMode=control-group) and a fresh boot of the app.",
        "",
        "| fault | back in s | 503 in its window | other 5xx | no answer |",
        "|---|--:|--:|--:|--:|",
    ]
    for f in faults:
        window = [s for s in inside if s.started <= f.ended and s.ended >= f.started]
        lines.append(
            f"| {f.name} | {f.recovery:.1f} | "
            f"{errors(window, lambda s: s.status == 503)} | "
            f"{errors(window, lambda s: server_error(s) and s.status != 503)} | "
            f"{errors(window, no_answer)} |"
        )
    acks = Counter(a.kind for a in recorder.acks)
    refused = Counter(a.expect for a in recorder.acks if a.kind == "refused")
    lines += [
        "",
        "Acknowledged writes: "
        + ", ".join(f"{n:,} {k}" for k, n in sorted(acks.items()) if k != "refused")
        + ".",
        f"Writes refused with a 4xx (not errors; listed to be read): "
        f"{dict(refused) or 'none'}. Writes given up after 90 s of retries: "
        f"{len(recorder.gave_up)}.",
        "",
    ]
    checks = [
        ("5xx outside the fault windows", errors(outside, server_error), []),
        (
            "requests without an answer outside the fault windows",
            errors(outside, no_answer),
            [],
        ),
        (
            "writes abandoned (no answer for 90 s of retries)",
            len(recorder.gave_up),
            [p for _, p in recorder.gave_up[:5]],
        ),
    ]
    checks += acknowledged(recorder.acks)
    checks += duplicates()
    checks += partial_records()
    job_checks, figures = jobs(since, receiver, mail_dir)
    checks += job_checks
    lines += ["| check | problems | examples |", "|---|--:|---|"]
    for name, count, examples in checks:
        shown = "; ".join(str(e) for e in examples)
        lines.append(f"| {name} | {count} | {shown} |")
    lines += [
        "",
        f"Inside the fault windows: {errors(inside, server_error)} 5xx and "
        f"{errors(inside, no_answer)} requests without an answer (expected while "
        "a server is dead; retried by the clients).",
        f"Queue drained {drained:.0f} s after the load stopped"
        if drained >= 0
        else "The queue did not drain within 180 s of the load stopping.",
        "",
    ]
    for name, value in figures.items():
        lines.append(f"- {name}: {value}")
    passed = all(count == 0 for _, count, _ in checks)
    lines += [
        "",
        f"**Verdict: {'PASS' if passed else 'FAIL'}** "
        f"({sum(c for _, c, _ in checks)} problems).",
        "",
        f"Command: `{command}` (gunicorn: `{gunicorn_command}`)",
        "",
    ]
    return "\n".join(lines), passed
