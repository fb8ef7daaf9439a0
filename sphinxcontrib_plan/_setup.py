"""The ordered registration of every part of the extension."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from sphinxcontrib_plan import __version__

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.util.typing import ExtensionMetadata

#: bump when records or the domain data change shape, to force a re-read
ENV_VERSION = 4

STATIC = Path(__file__).parent / "static"


def _register_user_types(app: Sphinx, config: Config) -> None:
    from sphinxcontrib_plan.config import PlanConfig
    from sphinxcontrib_plan.directives.base import PlanObjectDirective
    from sphinxcontrib_plan.domain import PlanXRefRole

    for otype in PlanConfig.from_sphinx(config).registry():
        if not otype.builtin:
            app.add_directive(f"plan-{otype.name}", PlanObjectDirective, override=True)
            app.add_role_to_domain("plan", otype.name, PlanXRefRole(), override=True)


def _builder_inited(app: Sphinx) -> None:
    app.env.get_domain("plan").add_user_types()  # type: ignore[attr-defined]
    if app.builder.format == "html":
        app.add_css_file("plan.css")
        # copied now, before any page is written: Sphinx adds the file's checksum
        # (?v=...) to its link only when the file exists, and a clean build must
        # write the same pages as an incremental one
        _copy_css(app, None)


def _copy_css(app: Sphinx, exception: BaseException | None) -> None:
    # copied rather than added to html_static_path: changing that config value
    # would make every following build look like a configuration change
    if exception is None and app.builder.format == "html":
        static = Path(app.builder.outdir, "_static")
        static.mkdir(parents=True, exist_ok=True)
        for name in ("plan.css", "plan-tables.js"):
            source, target = STATIC / name, static / name
            # a plain copy, replaced whenever the package's file changed: Sphinx's
            # copy_asset_file refuses to overwrite (and warns) after an upgrade
            if not target.exists() or target.read_bytes() != source.read_bytes():
                shutil.copyfile(source, target)


def setup_extension(app: Sphinx) -> ExtensionMetadata:
    """Register config, domain, directives, roles, transforms and events.

    :param app: the Sphinx application
    :return: the extension metadata
    """
    from sphinxcontrib_plan.config import setup_config
    from sphinxcontrib_plan.directives.base import PlanObjectDirective
    from sphinxcontrib_plan.directives.collectors import setup_collectors
    from sphinxcontrib_plan.directives.objects import setup_objects
    from sphinxcontrib_plan.directives.rejected import setup_recovery
    from sphinxcontrib_plan.domain import setup_domain
    from sphinxcontrib_plan.export.writer import setup_export
    from sphinxcontrib_plan.render.html import setup_html
    from sphinxcontrib_plan.render.interactive import setup_interactive
    from sphinxcontrib_plan.render.latex import setup_latex
    from sphinxcontrib_plan.render.transform import setup_transforms
    from sphinxcontrib_plan.resolve import on_env_get_updated, on_env_updated
    from sphinxcontrib_plan.roles import setup_roles

    setup_config(app)
    setup_domain(app)
    app.add_directive("plan", PlanObjectDirective)
    setup_objects(app)
    setup_collectors(app)
    setup_recovery(app)
    setup_roles(app)
    setup_transforms(app)
    setup_html(app)
    setup_interactive(app)
    setup_latex(app)
    app.connect("config-inited", _register_user_types, priority=450)
    app.connect("builder-inited", _builder_inited)
    app.connect("build-finished", _copy_css)
    app.connect("env-updated", on_env_updated)
    app.connect("env-get-updated", on_env_get_updated)
    setup_export(app)
    return {
        "version": __version__,
        "env_version": ENV_VERSION,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
