"""The html, Cobertura XML and LCOV reports; html and XML written side by side.

coverage.py analyses every file again for each report, so a project that asks for
both pays twice, one after the other. When both are configured, the html report is
written by a second process (``python -m covtasks.htmlxml SPEC``) on the combined data
while this one writes the XML: on a machine with two cores the two take the time of
the slower. A second process costs about a quarter of a second (interpreter, imports,
reading the data), about what the XML report of 50 files takes, so smaller projects
write both here. Reports start only once the data has passed covtasks' checks (a refused
run writes nothing). All are written to temp paths of a ``covtasks.publication``
(the html report to a temp directory, in either process), which replace the configured
ones together with the metrics and trend, or not at all.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import coverage
from coverage.exceptions import CoverageException

from covtasks.errors import EXIT_BAD_INPUT, CovtasksError


@dataclass(frozen=True)
class Spec:
    """How to open the combined data in another process, and what to write."""

    config_file: str
    data_file: str
    source: tuple[str, ...]
    branch: bool

    def coverage(self) -> coverage.Coverage:
        return coverage.Coverage(
            config_file=self.config_file,
            data_file=self.data_file,
            source=list(self.source),
            branch=self.branch,
            messages=False,
        )


def _html(cov: coverage.Coverage, directory: Path) -> None:
    cov.html_report(directory=str(directory))


def _xml(cov: coverage.Coverage, outfile: Path) -> None:
    outfile.parent.mkdir(parents=True, exist_ok=True)
    cov.xml_report(outfile=str(outfile))


def _lcov(cov: coverage.Coverage, outfile: Path) -> None:
    cov.lcov_report(outfile=str(outfile))


def _failure(exc: BaseException) -> str:
    return f"writing reports failed: {' '.join(str(exc).split())}"


# With this many measured files or more, the html report goes to a second process.
SIDE_BY_SIDE_FILES = 50


class Reports:
    """The configured reports, started by ``start`` and finished by ``finish``.

    ``cov`` has the combined data loaded; ``spec`` opens the same data in the second
    process, run with ``env`` (covtasks importable) in ``cwd``."""

    def __init__(
        self,
        cov: coverage.Coverage,
        spec: Spec,
        *,
        html: Path | None,
        xml: Path | None,
        lcov: Path | None = None,
        cwd: Path,
        env: Mapping[str, str],
        side_by_side_from: int = SIDE_BY_SIDE_FILES,
    ) -> None:
        self.cov = cov
        self.spec = spec
        self.html = html
        self.xml = xml
        self.lcov = lcov
        self.cwd = cwd
        self.env = dict(env)
        self.side_by_side_from = side_by_side_from
        self.child: subprocess.Popen[str] | None = None

    def start(self) -> None:
        """Start the html report in a second process when the XML is wanted too and
        the data is large enough for that to pay."""
        if self.html is None or self.xml is None:
            return
        if len(self.cov.get_data().measured_files()) < self.side_by_side_from:
            return
        # Its stdout carries only its error line; coverage.py's warnings go to stderr,
        # as they would from this process.
        try:
            args = {**dataclasses.asdict(self.spec), "html": str(self.html)}
            self.child = subprocess.Popen(
                [sys.executable, "-m", "covtasks.htmlxml", json.dumps(args)],
                cwd=self.cwd,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                text=True,
            )
        except OSError:
            self.child = None  # finish() writes the html report here instead

    def finish(self) -> None:
        """Write what is left to write here, then wait for the second process."""
        try:
            if self.html is not None and self.child is None:
                _html(self.cov, self.html)
            if self.xml is not None:
                _xml(self.cov, self.xml)
            if self.lcov is not None:
                _lcov(self.cov, self.lcov)
        except (CoverageException, OSError) as exc:
            self.stop()
            raise CovtasksError(_failure(exc)) from exc
        if self.child is not None:
            said, _ = self.child.communicate()
            if self.child.returncode != 0:
                lines = [line for line in said.splitlines() if line.strip()]
                raise CovtasksError(
                    lines[-1] if lines else f"the html report exited {self.child.returncode}"
                )

    def stop(self) -> None:
        """After an error or an interrupt here: end the second process, wait for it."""
        if self.child is None or self.child.poll() is not None:
            return
        with contextlib.suppress(OSError):
            self.child.terminate()
        try:
            self.child.communicate(timeout=30)
        except subprocess.TimeoutExpired:  # pragma: no cover - html ignores SIGTERM
            self.child.kill()
            self.child.communicate()


def main(argv: Sequence[str]) -> int:
    """The second process: write the html report of the combined data."""
    args = json.loads(argv[0])
    html = Path(args.pop("html"))
    spec = Spec(**{**args, "source": tuple(args["source"])})
    try:
        cov = spec.coverage()
        cov.load()
        _html(cov, html)
    except (CoverageException, OSError) as exc:
        print(_failure(exc))
        return EXIT_BAD_INPUT
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
