"""Hypothesis profiles of the fuzzer (tests/fuzz, run by ``nox -s fuzz``).

``COVTASKS_FUZZ`` picks the profile: ``full`` (10,000 inputs per reader, the nox
session's default), ``ci`` (200 per reader, .ci/run) or ``dev`` (the default: 50, for a
quick local look). No example database is written into the repository, and no
deadline applies: the machine may be loaded, and time is never a property.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

for name, count in (("full", 10_000), ("ci", 200), ("dev", 50)):
    settings.register_profile(
        name,
        max_examples=count,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
settings.load_profile(os.environ.get("COVTASKS_FUZZ", "dev"))
