"""``jindu check_dependencies``: the dependency gate of CI (known vulnerabilities, pinned ranges).

1. Every installed dependency named in pyproject.toml satisfies its pinned range (offline; the
   ranges start at or above the releases that fixed the advisories we know of).
2. pip-audit, against the PyPI advisory data (``--vulnerability-service pypi``): any known
   vulnerability fails the gate. When no vulnerability service answers from this machine (a
   registry mirror without the JSON API, no route to OSV), pip-audit cannot audit anything: the
   step says so and is skipped, so that CI does not depend on an unreachable service;
   ``--strict`` makes that a failure instead (for a machine that can reach the service).
"""

import json
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Check installed dependencies against their pinned ranges and run pip-audit when a service answers."

    def add_arguments(self, parser):
        parser.add_argument("--strict", action="store_true", help="fail when pip-audit cannot audit")
        parser.add_argument("--timeout", type=int, default=600)

    def handle(self, *args, strict=False, timeout=600, **options):
        self.check_pins()
        self.run_pip_audit(strict, timeout)

    def check_pins(self):
        from packaging.requirements import Requirement

        pyproject = Path(settings.ROOT_DIR) / "pyproject.toml"
        project = tomllib.loads(pyproject.read_text("utf-8"))["project"]
        requirements = list(project.get("dependencies", []))
        for extra in project.get("optional-dependencies", {}).values():
            requirements += extra
        problems = []
        for line in requirements:
            requirement = Requirement(line)
            try:
                version = metadata.version(requirement.name)
            except metadata.PackageNotFoundError:
                problems.append(f"{requirement.name} is not installed")
                continue
            if requirement.specifier and not requirement.specifier.contains(version, prereleases=True):
                problems.append(f"{requirement.name} {version} is outside the pinned range {requirement.specifier}")
        if problems:
            raise CommandError("dependency pins: " + "; ".join(problems), returncode=1)
        self.stdout.write(f"dependency pins: {len(requirements)} requirements satisfied")

    def run_pip_audit(self, strict, timeout):
        command = [sys.executable, "-m", "pip_audit", "--vulnerability-service", "pypi", "--format", "json",
                   "--skip-editable", "--progress-spinner", "off"]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        except (OSError, subprocess.TimeoutExpired) as error:
            return self.skipped(strict, f"pip-audit did not run ({error})")
        try:
            report = json.loads(result.stdout or "{}")
        except ValueError:
            return self.skipped(strict, "pip-audit gave no report: " + (result.stderr.strip()[-300:] or "no output"))
        dependencies = report.get("dependencies", [])
        audited = [dep for dep in dependencies if "skip_reason" not in dep]
        if not audited:
            return self.skipped(strict, f"no vulnerability service answered from this machine: 0 of "
                                        f"{len(dependencies)} dependencies could be audited")
        findings = [(dep["name"], dep["version"], vuln["id"], ",".join(vuln.get("fix_versions", [])) or "none")
                    for dep in audited for vuln in dep.get("vulns", [])]
        for name, version, vuln_id, fixes in findings:
            self.stderr.write(f"  {name} {version}: {vuln_id} (fixed in {fixes})")
        if findings:
            raise CommandError(f"pip-audit: {len(findings)} known vulnerabilities", returncode=1)
        self.stdout.write(f"pip-audit: no known vulnerabilities in {len(audited)} audited dependencies "
                          f"({len(dependencies) - len(audited)} not audited)")

    def skipped(self, strict, reason):
        if strict:
            raise CommandError("pip-audit: " + reason, returncode=1)
        self.stdout.write("pip-audit: SKIPPED — " + reason)
