"""covtasks' own [tool.covtasks] (the dogfood `nox -s coverage`): it loads, and every
module of covtasks is in a domain, so a moved or new module cannot break the main job."""

from __future__ import annotations

from covtasks.config import load_config
from covtasks.globs import Matcher
from tests.helpers import REPO


def test_own_configuration_loads_and_every_module_is_in_a_domain() -> None:
    cfg = load_config(REPO)
    modules = sorted((REPO / "covtasks").rglob("*.py"))
    matchers = [Matcher(d.paths, REPO) for d in cfg.domains]
    # _launch.py is omitted from measurement on purpose ([tool.coverage.run] omit).
    outside = [
        m.relative_to(REPO).as_posix()
        for m in modules
        if not any(x.match(str(m)) for x in matchers)
        and m.name not in ("__init__.py", "__main__.py", "_launch.py")
        and m.parent.name != "__pycache__"
    ]
    assert outside == []
