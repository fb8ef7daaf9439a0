"""A small git repository with three commits of one plan, for the diff and approve tests.

1. the plan as first written;
2. the 404 response of the endpoint removed, the Launch phase moved two
   weeks later, the outage risk re-rated from medium × low to high × medium;
3. only the endpoint's description paragraph reflowed.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

CONF = """\
extensions = ["myst_parser", "sphinxcontrib_plan"]
myst_enable_extensions = ["colon_fence", "tasklist"]
project = "Shop"
exclude_patterns = ["_build"]
show_warning_types = True
"""

PLAN = """\
# Shop

:::{plan} Shop
:id: S1
:status: draft
:owner: Shop Team
:::

::::{plan-endpoint} GET /api/orders/{id}
:summary: Fetch an order
:auth: bearer

DESCRIPTION

:::{plan-response} 200 OK
The order.
:::

RESPONSE_404
::::

:::{plan-phase} Build
:id: S1-build
:weeks: 1-2
:::

:::{plan-phase} Launch
:id: S1-launch
:weeks: LAUNCH
:depends-on: S1-build
:::

:::{plan-risk} Payment provider outage
:id: S1-outage
:impact: IMPACT
:likelihood: LIKELIHOOD
:owner: Ops
:mitigation: Retry with backoff
:::

## Sign-off

:::{plan-signoff} Tech Lead
:id: S1-signoff-tech-lead
:::

:::{plan-signoff} Product Manager
:id: S1-signoff-pm
:::
"""

DESCRIPTION = (
    "Returns one order of the caller, with its lines and the\n"
    "payment state as the provider last reported it."
)
REFLOWED = (
    "Returns one order of the caller, with its lines\n"
    "and the payment state as the provider last\nreported it."
)
RESPONSE_404 = ":::{plan-response} 404 Not Found\nNo such order.\n:::\n"


def plan_text(
    *,
    description: str = DESCRIPTION,
    with_404: bool = True,
    launch: str = "3-4",
    impact: str = "medium",
    likelihood: str = "low",
) -> str:
    """The plan document of one version."""
    return (
        PLAN.replace("DESCRIPTION", description)
        .replace("RESPONSE_404\n", RESPONSE_404 if with_404 else "")
        .replace("LAUNCH", launch)
        .replace("IMPACT", impact)
        .replace("LIKELIHOOD", likelihood)
    )


#: the three commits' plan texts
VERSIONS = (
    plan_text(),
    plan_text(with_404=False, launch="5-6", impact="high", likelihood="medium"),
    plan_text(
        description=REFLOWED, with_404=False, launch="5-6", impact="high", likelihood="medium"
    ),
)


def git(root: Path, *args: str) -> str:
    """Run git in *root* with a fixed identity and dates; its stdout."""
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "t@example.org",
        "GIT_AUTHOR_DATE": "2024-01-01T00:00:00Z",
        "GIT_COMMITTER_DATE": "2024-01-01T00:00:00Z",
    }
    run = subprocess.run(
        ["git", *args], cwd=root, env=env, capture_output=True, text=True, check=True
    )
    return run.stdout.strip()


def make_repo(root: Path) -> list[str]:
    """Create the repository (docs in ``root/docs``); the three commit ids."""
    docs = root / "docs"
    docs.mkdir(parents=True)
    (docs / "conf.py").write_text(CONF, encoding="utf-8")
    (docs / "index.md").write_text("# Shop docs\n\n```{toctree}\nplan\n```\n", encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    commits = []
    for i, text in enumerate(VERSIONS, start=1):
        (docs / "plan.md").write_text(text, encoding="utf-8")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", f"version {i}")
        commits.append(git(root, "rev-parse", "HEAD"))
    git(root, "tag", "v1", commits[0])
    return commits
