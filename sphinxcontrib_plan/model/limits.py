"""The limits on what a reader accepts: one place, the same for every feature.

Every JSON or YAML input (a code block, a ``:file:``, ``sphinx-plan import``,
``plan-openapi``, ``diff --openapi``) is read by
:mod:`sphinxcontrib_plan.model.codedata`, every OpenAPI document by
:mod:`sphinxcontrib_plan.importers.openapi` and every ``plan.json`` by
:mod:`sphinxcontrib_plan.model.planjson`, every JUnit results file by
:mod:`sphinxcontrib_plan.model.junit` and every workbook by
:mod:`sphinxcontrib_plan.importers.sheets` within these limits. Past one,
the input is refused with a message naming the limit (a located ``plan.*``
warning in a build, a one-line error with exit status 2 in the CLI), so no
input can take unbounded time or memory, nor end in a ``RecursionError``.
The values are far above what a real document needs (the largest public
OpenAPI documents nest about 30 levels deep and use a few hundred aliases).
"""

from __future__ import annotations

from typing import BinaryIO

#: the largest file read (``:file:``, ``:schema: x.yaml``, ``plan-openapi``,
#: ``sphinx-plan import``, ``diff --openapi``), in bytes
MAX_FILE_BYTES = 32 * 1024 * 1024

#: the deepest nesting of arrays and objects in a JSON or YAML document; also
#: the deepest nesting of schemas once an OpenAPI document's ``$ref`` s are followed
MAX_DEPTH = 100

#: how many values YAML aliases (``*name``) may add to a document: an alias
#: shares its anchor's value, which a reader would otherwise expand (a
#: 500-byte "billion laughs" document expands to gigabytes)
MAX_ALIAS_VALUES = 100_000

#: how many schema values the ``$ref`` s of an OpenAPI document (other than
#: those naming a schema of ``components.schemas``, which stay references) may
#: copy in when they are replaced by what they point to
MAX_REF_VALUES = 10_000

#: the largest ``plan.json`` read (``sphinx-plan diff``, ``plan-changes :since:``,
#: a ``plan_external`` source, downloaded or not), in bytes: a project of
#: 50,000 objects (102,500 records with their responses) writes 74 MiB, so
#: 256 MiB reads more than 150,000 such objects
MAX_PLAN_JSON_BYTES = 256 * 1024 * 1024

#: the deepest nesting of arrays and objects in a ``plan.json`` (it holds the
#: plans' JSON Schemas, each at most ``MAX_DEPTH`` deep, a few levels down)
MAX_PLAN_JSON_DEPTH = 200

#: the largest JUnit XML results file read (``plan_test_results``), in bytes
#: (a CI run's report is a few MB at most)
MAX_RESULTS_BYTES = 64 * 1024 * 1024

#: the largest uncompressed ``.xlsx`` workbook read (``sphinx-plan import
#: BOOK.xlsx``), in bytes: a zip bomb claims far more
MAX_WORKBOOK_BYTES = 200 * 1024 * 1024

#: the largest compression ratio of one member of an ``.xlsx`` workbook
#: holding more than a megabyte
MAX_WORKBOOK_RATIO = 200


def megabytes(size: int) -> str:
    """A size for messages.

    :param size: bytes
    :return: e.g. ``32 MB``
    """
    return f"{size / (1024 * 1024):g} MB"


def read_at_most(stream: BinaryIO, limit: int) -> bytes:
    """At most ``limit + 1`` bytes of *stream* (one more than accepted, so the
    caller can tell a file that is too large), read a mebibyte at a time:
    ``stream.read(limit + 1)`` would set aside the whole limit first, 256 MiB
    for a two-byte file.

    :param stream: a binary stream
    :param limit: the largest size accepted
    :return: the bytes read
    """
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        chunk = stream.read(min(2**20, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)
