"""make audit: pip-audit over the packages installed in .venv, written to
docs/security-dependencies.md with the date and the command.

Not a test: new advisories appear without any change to the code, so a finding
is for a person to read and act on, not a reason to fail the build. What does
fail (exit status 1) is an audit that checked nothing: pip-audit answers "No
known vulnerabilities found" when its vulnerability service cannot be reached
and every package is skipped, and this says so instead.

Usage: python .ci/dependency_audit.py [--service pypi|osv] [--output PATH]
"""

import argparse
import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _pip_audit() -> str:
    beside = Path(sys.executable).with_name("pip-audit")
    return str(beside) if beside.exists() else (shutil.which("pip-audit") or "")


def _run(service: str) -> tuple[list[str], dict | None, str]:
    command = [
        _pip_audit(),
        "--local",
        "--skip-editable",
        "--progress-spinner",
        "off",
        "--aliases",
        "on",
        "--desc",
        "off",
        "--vulnerability-service",
        service,
        "--format",
        "json",
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=900)
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        report = None
    return command, report, result.stderr.strip()


def _version(tool: str) -> str:
    result = subprocess.run([tool, "--version"], capture_output=True, text=True)
    return result.stdout.strip() or "unknown version"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    return [
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        *("| " + " | ".join(row) + " |" for row in rows),
    ]


def _document(*, command, report, errors, service, when) -> tuple[str, int]:
    shown = " ".join(["pip-audit", *command[1:]])
    lines = [
        "# Dependency audit",
        "",
        "Known vulnerabilities in the Python packages FirmDesk runs with, as "
        "pip-audit found them. Made by `make audit` (`.ci/dependency_audit.py`); "
        "not a test, since new advisories appear without any change to the code. "
        "Run it again before a release and after changing a pin in "
        "pyproject.toml, and commit the result.",
        "",
        f"- Date: {when:%Y-%m-%d %H:%M} UTC",
        f"- Command: `{shown}`",
        f"- Tool: {_version(command[0])}",
        f"- Vulnerability service: {service}",
        "- What was audited: every package installed in `.venv` (pyproject.toml's "
        "pins with the `test` and `audit` extras, and what they pull in), "
        "FirmDesk itself left out.",
        "",
    ]
    if report is None:
        lines += [
            "## Result: the audit did not run",
            "",
            "pip-audit gave no report. What it said:",
            "",
            "```",
            errors or "(nothing)",
            "```",
        ]
        return "\n".join(lines) + "\n", 1
    dependencies = [
        d
        for d in report.get("dependencies", [])
        if "editable" not in (d.get("skip_reason") or "")  # FirmDesk itself
    ]
    skipped = [d for d in dependencies if d.get("skip_reason")]
    audited = [d for d in dependencies if not d.get("skip_reason")]
    vulnerable = [d for d in audited if d.get("vulns")]
    if not audited:
        lines += [
            "## Result: nothing could be checked",
            "",
            f"The vulnerability service ({service}) did not answer for any of the "
            f"{len(skipped)} packages, so this run says nothing about them — "
            "neither that they are safe nor that they are not. pip-audit's own "
            "summary (“No known vulnerabilities found”) is misleading in that "
            "case. Run `make audit` again from a machine that reaches the "
            "service (or `make audit AUDIT_SERVICE=osv`).",
            "",
            f"What it answered for the first package: "
            f"“{skipped[0]['skip_reason'] if skipped else 'nothing'}”.",
            "",
        ]
        if errors:
            lines += ["pip-audit's messages:", "", "```", errors[-2000:], "```", ""]
        status = 1
    else:
        rows = [
            [
                d["name"],
                d["version"],
                v["id"] + (f" ({', '.join(v['aliases'])})" if v.get("aliases") else ""),
                ", ".join(v.get("fix_versions", [])) or "no fix yet",
            ]
            for d in vulnerable
            for v in d["vulns"]
        ]
        lines += [
            f"## Result: {len(rows)} known vulnerabilities in {len(vulnerable)} of "
            f"{len(audited)} packages checked",
            "",
        ]
        if rows:
            lines += _table(["package", "installed", "advisory", "fixed in"], rows)
            lines += [
                "",
                "For each: read the advisory, decide whether FirmDesk uses the "
                "affected part, and raise the pin in pyproject.toml to a fixed "
                "version (then `make test`).",
            ]
        else:
            lines.append("No known vulnerability in any package checked.")
        lines.append("")
        status = 0
    if skipped:
        lines += [
            f"## Not checked ({len(skipped)})",
            "",
            ", ".join(d["skip_reason"].rsplit(": ", 1)[-1] for d in skipped),
            "",
        ]
    return "\n".join(lines), status


def _why(report, errors: str) -> str:
    if report is None:
        last = errors.splitlines()[-1:] or ["no report and no message"]
        return last[0][-300:]
    reasons = [d["skip_reason"] for d in report.get("dependencies", [])]
    return f"every package skipped (“{reasons[0] if reasons else 'no packages'}”)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--service", default="pypi", choices=["pypi", "osv"])
    parser.add_argument(
        "--output", default=str(ROOT / "docs" / "security-dependencies.md")
    )
    options = parser.parse_args()
    if not _pip_audit():
        print("pip-audit is not installed: make audit installs it.", file=sys.stderr)
        return 1
    when = dt.datetime.now(dt.UTC)
    # When the chosen service checks nothing, the other one is tried, and the
    # report says what each answered.
    services = [options.service, *({"pypi", "osv"} - {options.service})]
    failures, first = [], None
    for service in services:
        command, report, errors = _run(service)
        text, status = _document(
            command=command,
            report=report,
            errors=errors,
            service=service,
            when=when,
        )
        if status == 0:
            break
        first = first or text
        failures.append((service, _why(report, errors)))
    if status != 0:
        text = first
    if failures:
        text += "\n## Services that did not answer\n\n" + "".join(
            f"- {service}: {why}\n" for service, why in failures
        )
    Path(options.output).write_text(text)
    heading = next(line for line in text.splitlines() if line.startswith("## "))
    print(f"{heading[3:]} — written to {options.output}")
    return status


if __name__ == "__main__":
    sys.exit(main())
