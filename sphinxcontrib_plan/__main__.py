"""``python -m sphinxcontrib_plan``: the ``sphinx-plan`` command."""

from __future__ import annotations

from sphinxcontrib_plan.cli import main

raise SystemExit(main())
