"""Coverage rules: which objects must be named through which link, by what, how often.

A rule is data (``plan_coverage_rules`` in ``conf.py``): a preset by name, or a
table of the keys of :data:`RULE_KEYS`. Its filter is parsed by the filter
language, never evaluated as Python. :func:`check_coverage` runs every rule
over the resolved index once, in document order, so that serial, parallel and
incremental builds find the same gaps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sphinxcontrib_plan.model.ids import reference_key
from sphinxcontrib_plan.model.names import did_you_mean, unknown_key
from sphinxcontrib_plan.model.typespec import Kind
from sphinxcontrib_plan.query.evaluate import evaluate
from sphinxcontrib_plan.query.filter import FilterError, parse_filter

if TYPE_CHECKING:
    from collections.abc import Collection, Iterator, Mapping, Sequence

    from sphinxcontrib_plan.model.index import ResolvedIndex
    from sphinxcontrib_plan.model.records import ObjectRecord
    from sphinxcontrib_plan.model.typespec import Registry
    from sphinxcontrib_plan.query.filter import Filter

#: the keys a rule's table takes, and what each means (for messages and the reference)
RULE_KEYS: dict[str, str] = {
    "objects": "type of the objects the rule checks, e.g. endpoint",
    "filter": "which of them, in the filter language (default: all)",
    "link": "the reference field that links them, e.g. covers",
    "direction": "incoming (other objects name them in link) or outgoing (their own link)",
    "to": "type of the objects at the other end (default: any the field takes)",
    "min": "how many such objects each needs (default 1)",
    "passing": "true: only tests whose JUnit result passed count",
    "before": "a date field of the checked object the other end's end date must not pass",
    "help": "what the rule asks, shown in its warnings",
}

#: the built-in rules, switched on by name (``True``) or all with ``"presets": True``
PRESETS: dict[str, dict[str, Any]] = {
    "endpoint-tested": {
        "objects": "endpoint",
        "link": "covers",
        "direction": "incoming",
        "to": "test",
        "help": "every endpoint is covered by a plan-test (name it in the test's :covers:)",
    },
    "event-tested": {
        "objects": "event",
        "link": "covers",
        "direction": "incoming",
        "to": "test",
        "help": "every event is covered by a plan-test (name it in the test's :covers:)",
    },
    "high-risk-mitigated": {
        "objects": "risk",
        "filter": "severity >= 6 and status != closed and status != accepted",
        "link": "mitigated-by",
        "direction": "outgoing",
        "to": "phase",
        "before": "review",
        "help": "every open high or critical risk names in :mitigated-by: a phase that ends "
        "(:end:) by the risk's :review: date",
    },
    "alert-runbook": {
        "objects": "alert",
        "link": "runbook",
        "direction": "outgoing",
        "help": "every alert has a :runbook: (a document or URL)",
    },
    "table-migrated": {
        "objects": "table",
        "link": "tables",
        "direction": "incoming",
        "to": "migration",
        "help": "every table is created or changed by a plan-migration (name it in the "
        "migration's :tables:)",
    },
}


@dataclass(frozen=True)
class CoverageRule:
    """One rule, read from its table."""

    #: the rule's name, given in its warnings
    name: str
    #: type of the objects checked
    objects: str
    #: the linking field
    link: str
    #: ``incoming`` or ``outgoing``
    direction: str = "incoming"
    #: type at the other end, ``None`` for any the field takes
    to: str | None = None
    #: how many objects at the other end each checked object needs
    min: int = 1
    #: the parsed filter selecting the checked objects
    filter: Filter | None = None
    #: only tests that passed count
    passing: bool = False
    #: date field of the checked object the other end's ``end``/``date`` must not pass
    before: str | None = None
    #: what the rule asks
    help: str = ""

    @property
    def source(self) -> str:
        """The type of the objects that do the covering (the other end)."""
        return self.to or "object"


@dataclass(frozen=True)
class RuleResult:
    """What one rule found for one checked object."""

    #: the rule's name
    rule: str
    #: the checked object's id
    id: str
    #: ids of the objects covering it that count, in document order
    by: tuple[str, ...]
    #: whether there are enough of them
    covered: bool
    #: the checked object's plan
    plan: str | None
    #: objects linked to it that do not count: ``(id, short reason, reason)``, e.g.
    #: ``("late-fix", "too late", "ends 2024-05-01, after review 2024-03-01")``
    excluded: tuple[tuple[str, str, str], ...] = ()


@dataclass
class Coverage:
    """Every rule's results."""

    #: the rules that ran, in configuration order
    rules: tuple[CoverageRule, ...] = ()
    #: each rule's results, by rule name, in document order
    results: dict[str, list[RuleResult]] = field(default_factory=dict)
    #: results by checked object id
    by_object: dict[str, list[RuleResult]] = field(default_factory=dict)

    def percent(self, rule: str, plans: Collection[str] = ()) -> int | None:
        """Covered objects of *rule* in percent (rounded down), ``None`` when it checks none.

        :param rule: a rule name
        :param plans: only the objects of these plans (empty: all)
        :return: the percentage
        """
        return percent(self.of_rule(rule, plans))

    def of_rule(self, rule: str, plans: Collection[str] = ()) -> list[RuleResult]:
        """The results of one rule, optionally of some plans' objects only.

        :param rule: a rule name
        :param plans: plan ids (empty: all)
        :return: results in document order
        """
        found = self.results.get(rule, [])
        return [r for r in found if r.plan in plans] if plans else found

    def summary(self) -> list[dict[str, Any]]:
        """Every rule with its counts, as ``plan.json`` data.

        :return: one entry per rule, in configuration order
        """
        return [
            {
                "rule": rule.name,
                "help": rule.help,
                "objects": rule.objects,
                "checked": len(self.results[rule.name]),
                "covered": sum(r.covered for r in self.results[rule.name]),
                "percent": self.percent(rule.name),
                "gaps": [r.id for r in self.results[rule.name] if not r.covered],
            }
            for rule in self.rules
        ]


def percent(results: Sequence[RuleResult]) -> int | None:
    """Covered results in percent (rounded down: 99 until all are), ``None`` for none.

    :param results: results of one or more rules
    :return: the percentage
    """
    return 100 * sum(r.covered for r in results) // len(results) if results else None


def parse_rules(value: object, registry: Registry) -> tuple[tuple[CoverageRule, ...], list[str]]:
    """Read ``plan_coverage_rules``: ``True`` (every preset) or ``{name: True | False |
    table}``, where ``"presets": True`` switches every preset on and a table under a
    preset's name changes that preset's keys.

    :param value: the configuration value
    :param registry: the object types (the names a rule may use)
    :return: the rules that could be read, and a message per problem
    """
    if value is True:
        value = {"presets": True}
    if not isinstance(value, dict):
        return (), [] if value in (False, None) else [
            "plan_coverage_rules must be True or a dict of rule name to True, False or a table"
        ]
    problems: list[str] = []
    wanted: dict[str, dict[str, Any]] = {}
    if value.get("presets") is True:
        wanted.update({name: dict(spec) for name, spec in PRESETS.items()})
    for name, spec in value.items():
        if name == "presets":
            continue
        if spec is False:
            wanted.pop(name, None)
        elif spec is True:
            if name in PRESETS:
                wanted[name] = dict(PRESETS[name])
            else:
                problems.append(
                    f"plan_coverage_rules: {name!r} is no preset"
                    + (did_you_mean(str(name), PRESETS) or f"; presets: {', '.join(PRESETS)}")
                )
        elif isinstance(spec, dict):
            wanted[name] = {**PRESETS.get(name, {}), **spec}
        else:
            problems.append(
                f"plan_coverage_rules: {name!r} takes True, False or a table, not {spec!r}"
            )
    rules = []
    for name, spec in wanted.items():
        rule = _rule(str(name), spec, registry, problems)
        if rule is not None:
            rules.append(rule)
    return tuple(rules), problems


def _rule(
    name: str, spec: Mapping[str, Any], registry: Registry, problems: list[str]
) -> CoverageRule | None:
    where = f"plan_coverage_rules: {name}"
    before = len(problems)
    for key in spec:
        if key not in RULE_KEYS:
            problems.append(unknown_key(where, key, RULE_KEYS))
    objects, link = spec.get("objects"), spec.get("link")
    direction, to = spec.get("direction", "incoming"), spec.get("to")
    otype = registry.get(objects) if isinstance(objects, str) else None
    if otype is None:
        problems.append(
            f"{where}: objects {objects!r} is no object type"
            + did_you_mean(str(objects), [t.name for t in registry])
        )
    if to is not None and (not isinstance(to, str) or to not in registry):
        problems.append(
            f"{where}: to {to!r} is no object type"
            + did_you_mean(str(to), [t.name for t in registry])
        )
    if direction not in ("incoming", "outgoing"):
        problems.append(f"{where}: direction {direction!r} is neither incoming nor outgoing")
    # the field is on the checked objects (outgoing) or on the other end's (incoming)
    holder = otype if direction == "outgoing" else registry.get(to) if isinstance(to, str) else None
    names = (
        [f.name for f in holder.fields]
        if holder is not None
        else sorted({f.name for t in registry for f in t.fields if f.kind in (Kind.REF, Kind.REFS)})
    )
    if not isinstance(link, str) or link not in names:
        owner = f"plan-{holder.name}" if holder is not None else "any type"
        problems.append(
            f"{where}: link {link!r} is no field of {owner}" + did_you_mean(str(link), names)
        )
    count = spec.get("min", 1)
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        problems.append(f"{where}: min {count!r} is not a whole number of at least 1")
    flt = None
    if spec.get("filter") is not None:
        try:
            flt = parse_filter(str(spec["filter"]))
        except FilterError as err:
            problems.append(f"{where}: filter {spec['filter']!r}: {err}")
    if len(problems) > before:
        return None
    return CoverageRule(
        name=name,
        objects=str(objects),
        link=str(link),
        direction=str(direction),
        to=to,
        min=int(count),
        filter=flt,
        passing=bool(spec.get("passing", False)),
        before=spec.get("before"),
        help=str(spec.get("help") or _describe(spec)),
    )


def _describe(spec: Mapping[str, Any]) -> str:
    count = spec.get("min", 1)
    other = spec.get("to") or "object"
    article = "an" if other[0] in "aeiou" else "a"
    other = f"at least {count} {other}s" if count != 1 else f"{article} {other}"
    if spec.get("direction", "incoming") == "outgoing":
        return f"every {spec['objects']} names {other} in its :{spec['link']}:"
    return f"every {spec['objects']} is named in the :{spec['link']}: of {other}"


def check_coverage(
    index: ResolvedIndex, rules: tuple[CoverageRule, ...], registry: Registry
) -> Coverage:
    """Run every rule over the index (its views computed).

    :param index: the index
    :param rules: the rules
    :param registry: the object types
    :return: the results
    """
    found = Coverage(rules=rules)
    for rule in rules:
        otype = registry.get(rule.objects)
        ranks = otype.ranks if otype is not None else {}
        spec = otype.field(rule.link) if otype is not None else None
        refs = spec is None or spec.kind in (Kind.REF, Kind.REFS)
        unset = dict.fromkeys(otype.option_names) if otype is not None else {}
        results = found.results[rule.name] = []
        for record in index.by_type.get(rule.objects, ()):
            if index.by_id.get(record.id) is not record:
                continue  # a duplicate is reported as such
            # unset fields read as none (``owner == none``), as in collectors
            if rule.filter is not None and not evaluate(
                rule.filter, {**unset, **index.view(record)}, ranks
            ):
                continue
            result = _check(index, rule, record, refs)
            results.append(result)
            found.by_object.setdefault(record.id, []).append(result)
    return found


def _linked(
    index: ResolvedIndex, rule: CoverageRule, record: ObjectRecord, refs: bool
) -> Iterator[str]:
    """Ids of the objects at the rule's other end; ``""`` for each value of a field
    that names no object (a runbook's document or URL)."""
    if rule.direction == "incoming":
        for name, source in index.backlinks.get(record.id, ()):
            if name == rule.link:
                yield source
        return
    value = record.fields.get(rule.link)
    if value is None or value == []:
        return
    if not isinstance(value, list):
        value = [value]
    for target in value:
        if not refs:
            yield ""  # a document or URL counts as it is; a broken one is plan.ref
            continue
        named = index.lookup(reference_key(str(target)), None)
        if named is not None:
            yield named.id


def _check(
    index: ResolvedIndex, rule: CoverageRule, record: ObjectRecord, refs: bool
) -> RuleResult:
    counted: list[str] = []
    excluded: list[tuple[str, str, str]] = []
    limit = record.fields.get(rule.before) if rule.before else None
    for oid in dict.fromkeys(_linked(index, rule, record, refs)):
        other = index.by_id.get(oid) if oid else None
        if oid and (other is None or (rule.to and other.type != rule.to)):
            continue
        if other is not None and rule.passing and index.view(other).get("result") != "passed":
            result = index.view(other).get("result") or "no result"
            excluded.append((other.id, result, result))
            continue
        if other is not None and limit:
            end = other.fields.get("end") or other.fields.get("date")
            if not end or str(end) > str(limit):
                excluded.append(
                    (
                        other.id,
                        "too late",
                        f"ends {end or 'on no date'}, after {rule.before} {limit}",
                    )
                )
                continue
        counted.append(oid or record.id)
    return RuleResult(
        rule.name, record.id, tuple(counted), len(counted) >= rule.min, record.plan, tuple(excluded)
    )


def gap_message(rule: CoverageRule, result: RuleResult, record: ObjectRecord) -> str:
    """The ``plan.coverage`` warning of one uncovered object.

    :param rule: the rule
    :param result: what it found
    :param record: the uncovered object
    :return: the message
    """
    name = record.title if record.type == "endpoint" else record.id
    found = f"found {len(result.by)} of {rule.min}"
    if result.excluded:
        found += "; not counted: " + ", ".join(f"{oid} ({why})" for oid, _, why in result.excluded)
    return f"{record.type} {name!r} is not covered (rule {rule.name!r}: {rule.help}); {found}"
