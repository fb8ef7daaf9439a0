"""Reproducible benchmark content: D documents of K plan objects, as plain data.

The content is generated once from ``random.Random(seed)`` and written in two
flavours by :mod:`bench.write_plan` and :mod:`bench.write_plain`, so both
carry the same text. It is built to be warning-free under the extension's
checks: every high risk has an owner and a mitigation, endpoints have
responses, phase dependencies end before their dependants start, approved
plans have approved sign-offs, done phases have every deliverable ticked.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

#: documents per plan (every document belongs to the plan of its group)
DOCS_PER_PLAN = 25

#: share of each object type among the K objects of a document (sums to 20)
WEIGHTS: dict[str, int] = {
    "risk": 4,
    "endpoint": 3,
    "phase": 2,
    "signoff": 1,
    "check": 2,
    "component": 2,
    "tech": 2,
    "table": 1,
    "metric": 2,
    "alert": 1,
}

#: the corpus shapes: ``mixed`` draws each object's type from :data:`WEIGHTS`;
#: ``lean`` is the independent shape the field-list floor is measured on: per 20
#: objects of a document 7 risks, 7 endpoints (each with a JSON request example
#: and three responses) and 6 phases (each with four deliverables), no
#: cross-references between documents
SHAPES = ("mixed", "lean")
LEAN: dict[str, int] = {"risk": 7, "endpoint": 7, "phase": 6}

LABELS = {
    "plan": "Plan",
    "risk": "Risk",
    "endpoint": "Endpoint",
    "response": "Response",
    "phase": "Phase",
    "signoff": "Sign-off",
    "check": "Checklist",
    "component": "Component",
    "tech": "Technology",
    "table": "Table",
    "metric": "Metric",
    "alert": "Alert",
}

_NON_ALNUM = re.compile(r"[^a-z0-9]+")

_SUBJECTS = (
    "Stripe API",
    "Database",
    "Cache cluster",
    "Search index",
    "Message queue",
    "Auth provider",
    "CDN",
    "Payment gateway",
    "Email relay",
    "Object store",
    "Feature flags",
    "Billing job",
    "Mobile client",
    "Data warehouse",
    "DNS",
)
_PROBLEMS = (
    "downtime",
    "performance degradation",
    "schema drift",
    "data loss",
    "rate limiting",
    "cost overrun",
    "vendor lock-in",
    "security breach",
    "capacity shortfall",
    "latency spikes",
    "configuration error",
)
_PEOPLE = (
    "Alice Martin",
    "Bob Chen",
    "Carla Diaz",
    "Dev Patel",
    "Eva Novak",
    "Femi Ade",
    "Greta Holm",
    "Hiro Sato",
    "Ines Costa",
    "Jon Berg",
    "Kai Wong",
    "Lena Fischer",
)
_TEAMS = ("Payments Team", "Platform Team", "Data Team", "Mobile Team", "Security Team")
_MITIGATIONS = (
    "Retry with exponential backoff",
    "Add indexes and read replicas",
    "Run a chaos drill each quarter",
    "Cache responses for `60s`",
    "Negotiate a higher quota",
    "Keep a second provider warm",
    "Alert on error budget burn",
    "Encrypt at rest and rotate keys",
)
_RESOURCES = (
    "orders",
    "invoices",
    "customers",
    "payment-methods",
    "refunds",
    "webhooks",
    "subscriptions",
    "coupons",
    "reports",
    "sessions",
    "accounts",
    "carts",
)
_PHASES = (
    "Foundation",
    "Core functionality",
    "Integration",
    "Hardening",
    "Rollout",
    "Migration",
    "Beta",
    "Performance work",
    "Launch readiness",
)
_DELIVERABLES = (
    "Database schema created",
    "CI pipeline configured",
    "CRUD APIs done",
    "Provider integration",
    "Error handling",
    "Load test passed",
    "Runbook written",
    "Dashboards live",
    "Security review done",
)
_ROLES = ("Tech Lead", "Product Manager", "Security", "QA Lead", "Architect", "SRE")
_AREAS = (
    "architecture",
    "testing",
    "security",
    "tech-stack",
    "quality-gates",
    "documentation",
    "rollback",
)
_COMPONENTS = (
    "Gateway",
    "Ledger",
    "Notifier",
    "Scheduler",
    "Importer",
    "Exporter",
    "Tokenizer",
    "Reconciler",
    "Dispatcher",
    "Auditor",
)
_TECH = (
    ("Frontend", "Framework", "React", "18.2"),
    ("Backend", "Framework", "FastAPI", "0.110"),
    ("Data", "Database", "PostgreSQL", "16"),
    ("Data", "Cache", "Redis", "7.2"),
    ("Infrastructure", "Orchestration", "Kubernetes", "1.29"),
    ("Backend", "Queue", "RabbitMQ", "3.13"),
    ("Frontend", "Build", "Vite", "5.1"),
)
_METRIC_KINDS = ("counter", "gauge", "histogram", "summary")
_SENTENCES = (
    "This part of the plan was reviewed with the owning team.",
    "The numbers below come from last quarter's production traffic.",
    "Keep the public contract stable while the internals change.",
    "Any deviation is recorded in the decision log before merging.",
    "Rollback is a configuration change and needs no deploy.",
    "See the runbook for the operational steps.",
)


def slug(text: str) -> str:
    """Lower-case slug as the extension derives ids (ASCII titles only here).

    :param text: a title or signature
    :return: the slug
    """
    return _NON_ALNUM.sub("-", text.lower()).strip("-")


@dataclass
class Obj:
    """One plan object, in flavour-neutral form."""

    #: type name, e.g. ``risk``
    type: str
    #: title (the signature for endpoints, ``CODE reason`` for responses)
    title: str
    #: id in the plan domain (explicit or as the extension derives it)
    id: str
    #: plan id
    plan: str
    #: docname of the document holding it
    doc: str
    #: whether the plan flavour writes ``:id:``
    explicit_id: bool = False
    #: options in order: name to raw text, or to objects (references)
    fields: list[tuple[str, FieldValue]] = field(default_factory=list)
    #: body blocks: ``("p", text)``, ``("code", lang, text)``, ``("checks", [(done, text)])``
    body: list[tuple] = field(default_factory=list)
    #: nested responses of an endpoint
    responses: list[Obj] = field(default_factory=list)

    @property
    def label(self) -> str:
        """The ``(label)=`` target of the plain flavour."""
        return f"{self.type}-{slug(self.id)}"

    def get(self, name: str) -> FieldValue | None:
        """The raw value of option *name*, or ``None``."""
        return next((v for k, v in self.fields if k == name), None)

    def set(self, name: str, value: FieldValue) -> None:
        """Replace the value of option *name*."""
        self.fields = [(k, value if k == name else v) for k, v in self.fields]

    @property
    def checks(self) -> tuple[int, int] | None:
        """``(done, total)`` of the checklist items in the body."""
        items = [i for b in self.body if b[0] == "checks" for i in b[1]]
        return (sum(d for d, _ in items), len(items)) if items else None


#: a field value: raw text, or the objects a reference option names
FieldValue = str | list[Obj]


@dataclass
class Doc:
    """One document: its objects and the cross-references of its intro."""

    #: docname
    name: str
    #: heading
    title: str
    #: plan id (front matter)
    plan: str
    #: objects in order (the plan object first in a plan's first document)
    objects: list[Obj] = field(default_factory=list)
    #: objects referenced from the intro paragraph: ``(role, object)``
    xrefs: list[tuple[str, Obj]] = field(default_factory=list)


@dataclass
class Corpus:
    """The whole generated project."""

    docs: list[Doc]
    #: every plan object, by id
    plans: dict[str, Obj]
    #: the risk whose owner the one-object edit changes
    edit_target: Obj

    def all_objects(self) -> list[Obj]:
        """Every top-level object in document order."""
        return [o for d in self.docs for o in d.objects]

    def of_type(self, typ: str) -> list[Obj]:
        """Top-level objects of one type, in document order."""
        return [o for o in self.all_objects() if o.type == typ]

    def doc_of(self, obj: Obj) -> Doc:
        """The document holding *obj*."""
        return next(d for d in self.docs if d.name == obj.doc)


class _Gen:
    """Stateful generator; one instance per corpus."""

    def __init__(self, docs: int, objects: int, seed: int, shape: str = "mixed") -> None:
        self.rng = random.Random(seed)
        self.n_docs, self.n_objects = docs, objects
        self.lean = shape == "lean"
        self.serial = 0
        self.plans: dict[str, Obj] = {}
        self.last_phase: dict[str, Obj] = {}
        self.components: dict[str, list[Obj]] = {}

    def text(self, n: int = 1) -> str:
        return " ".join(self.rng.choice(_SENTENCES) for _ in range(n))

    def next(self) -> int:
        self.serial += 1
        return self.serial

    def derived(self, plan: str, typ: str, title: str, doc: str, **kw: object) -> Obj:
        return Obj(typ, title, f"{plan}-{slug(title)}", plan, doc, **kw)  # type: ignore[arg-type]

    def run(self) -> Corpus:
        docs: list[Doc] = []
        types, weights = zip(*WEIGHTS.items(), strict=True)
        for d in range(self.n_docs):
            plan_id = f"P{d // DOCS_PER_PLAN + 1:02d}"
            doc = Doc(f"doc{d:04d}", f"Design notes {d:04d}", plan_id)
            if d % DOCS_PER_PLAN == 0:
                doc.objects.append(self.plan(plan_id, doc.name))
            for typ in self.types(types, weights):
                doc.objects.append(getattr(self, typ)(self.plans[plan_id], doc.name))
            docs.append(doc)
        self.link(docs)
        risks = [o for d in docs[len(docs) // 2 :] + docs for o in d.objects if o.type == "risk"]
        return Corpus(docs, self.plans, risks[0])

    def types(self, types: tuple[str, ...], weights: tuple[int, ...]) -> list[str]:
        """The types of one document's objects, in order."""
        if not self.lean:
            return self.rng.choices(types, weights, k=self.n_objects)
        risks = endpoints = round(self.n_objects * LEAN["risk"] / sum(LEAN.values()))
        order = (
            ["risk"] * risks
            + ["endpoint"] * endpoints
            + ["phase"] * (self.n_objects - risks - endpoints)
        )
        self.rng.shuffle(order)
        return order

    def link(self, docs: list[Doc]) -> None:
        """Endpoint phases and the intro cross-references, once everything exists."""
        phases: dict[str, list[Obj]] = {}
        for o in (o for d in docs for o in d.objects if o.type == "phase"):
            phases.setdefault(o.plan, []).append(o)
        risks = [o for d in docs for o in d.objects if o.type == "risk"]
        endpoints = [o for d in docs for o in d.objects if o.type == "endpoint"]
        for o in (o for d in docs for o in d.objects if o.type == "endpoint"):
            if phases.get(o.plan):
                o.fields.append(("phase", [self.rng.choice(phases[o.plan])]))
        for doc in docs if not self.lean else ():
            others = [r for r in risks if r.doc != doc.name]
            doc.xrefs += [("risk", r) for r in self.rng.sample(others, min(2, len(others)))]
            eps = [e for e in endpoints if e.doc != doc.name]
            if eps:
                doc.xrefs.append(("endpoint", self.rng.choice(eps)))

    # -- one method per type ---------------------------------------------------

    def plan(self, plan_id: str, doc: str) -> Obj:
        n = int(plan_id[1:])
        status = self.rng.choice(("draft", "in-review", "approved", "in-progress"))
        obj = Obj(
            "plan",
            f"Platform initiative {n:02d}",
            plan_id,
            plan_id,
            doc,
            True,
            [
                ("status", status),
                ("created", f"2024-{n % 12 + 1:02d}-10"),
                ("updated", f"2024-{n % 12 + 1:02d}-{self.rng.randint(11, 28)}"),
                ("owner", self.rng.choice(_TEAMS)),
            ],
            [("p", self.text(2))],
        )
        self.plans[plan_id] = obj
        return obj

    def risk(self, plan: Obj, doc: str) -> Obj:
        n = self.next()
        title = f"{self.rng.choice(_SUBJECTS)} {self.rng.choice(_PROBLEMS)} {n}"
        explicit = n % 2 == 0
        fields: list[tuple[str, FieldValue]] = [
            ("impact", self.rng.choice(("high", "medium", "low"))),
            ("likelihood", self.rng.choice(("high", "medium", "low"))),
            ("mitigation", self.rng.choice(_MITIGATIONS)),
            ("owner", self.rng.choice(_PEOPLE)),
            ("status", self.rng.choice(("open", "mitigating", "accepted", "closed"))),
        ]
        if self.rng.random() < 0.5:
            fields.append(("residual", self.rng.choice(("low", "medium"))))
        if self.rng.random() < 0.5:
            fields.append(
                ("review", f"2024-{self.rng.randint(1, 12):02d}-{self.rng.randint(1, 28):02d}")
            )
        body = [("p", self.text(2))]
        if explicit:
            return Obj("risk", title, f"R-{n:05d}", plan.id, doc, True, fields, body)
        return self.derived(plan.id, "risk", title, doc, fields=fields, body=body)

    def endpoint(self, plan: Obj, doc: str) -> Obj:
        n = self.next()
        method = self.rng.choice(("GET", "POST", "PUT", "PATCH", "DELETE"))
        resource = self.rng.choice(_RESOURCES)
        path = f"/api/v1/{resource}-{n}" + (
            "/{id}"
            if method in ("GET", "PUT", "PATCH", "DELETE") and self.rng.random() < 0.7
            else ""
        )
        obj = self.derived(
            plan.id,
            "endpoint",
            f"{method} {path}",
            doc,
            fields=[
                ("summary", f"{method.capitalize()} {resource} {n}"),
                ("auth", self.rng.choice(("bearer", "api-key", "session"))),
                ("permissions", f"write:{resource}, read:{resource}"),
                ("rate-limit", f"{self.rng.choice((10, 60, 100))}/minute per user"),
            ],
            body=[
                ("p", self.text(1)),
                ("code", "json", f'{{"resource": "{resource}", "serial": {n}, "dry_run": false}}'),
            ],
        )
        count = self.rng.randint(2, 3)
        codes = [
            ("201 Created" if method == "POST" else "200 OK"),
            "400 Bad Request",
            "404 Not Found",
        ][: 3 if self.lean else count]
        for code in codes:
            ok = code[0] == "2"
            resp = Obj(
                "response",
                code,
                f"{obj.id}-{code.split()[0]}",
                plan.id,
                doc,
                fields=[("content-type", "application/json")],
                body=[("p", "The stored object." if ok else "The error, with a reason.")]
                + [
                    (
                        "code",
                        "json",
                        f'{{"id": "{resource[:3]}_{n:06d}", "status": "ok"}}'
                        if ok
                        else '{"error": "invalid_request", "detail": "see the field errors"}',
                    )
                ][: 0 if self.lean else 1],
            )
            obj.responses.append(resp)
        return obj

    def phase(self, plan: Obj, doc: str) -> Obj:
        n = self.next()
        title = f"{self.rng.choice(_PHASES)} {n}"
        prev = self.last_phase.get(plan.id)
        weeks_prev = prev and prev.get("weeks")
        start = int(str(weeks_prev).split("-")[-1]) + 1 if prev else 1
        fields: list[tuple[str, FieldValue]] = []
        length = self.rng.randint(0, 2)
        if prev and start + length <= 50:
            deps: list[Obj] = [prev]
        else:
            deps, start = [], 1
        status = self.rng.choice(("planned", "in-progress", "done"))
        fields.append(("weeks", f"{start}-{start + length}" if length else f"{start}"))
        if deps:
            fields.append(("depends-on", deps))
        fields.append(("status", status))
        items = []
        count = self.rng.randint(2, 4)
        for text in self.rng.sample(_DELIVERABLES, 4 if self.lean else count):
            done = status == "done" or (status == "in-progress" and self.rng.random() < 0.5)
            items.append((done, text))
        obj = self.derived(
            plan.id,
            "phase",
            title,
            doc,
            fields=fields,
            body=[("p", self.text(1)), ("checks", items)],
        )
        self.last_phase[plan.id] = obj
        return obj

    def signoff(self, plan: Obj, doc: str) -> Obj:
        n = self.next()
        approved_plan = plan.get("status") in ("approved", "in-progress")
        status = (
            "approved" if approved_plan else self.rng.choice(("pending", "approved", "rejected"))
        )
        fields: list[tuple[str, FieldValue]] = [
            ("name", self.rng.choice(_PEOPLE)),
            ("status", status),
        ]
        if status != "pending":
            fields.insert(
                1, ("date", f"2024-{self.rng.randint(1, 12):02d}-{self.rng.randint(1, 28):02d}")
            )
        if self.rng.random() < 0.3:
            fields.append(("conditions", "After the penetration test"))
        return self.derived(
            plan.id, "signoff", f"{self.rng.choice(_ROLES)} {n}", doc, fields=fields
        )

    def check(self, plan: Obj, doc: str) -> Obj:
        n = self.next()
        area = self.rng.choice(_AREAS)
        items = [
            (self.rng.random() < 0.6, f"{area.capitalize()} rule {i} holds")
            for i in range(1, self.rng.randint(3, 5))
        ]
        return self.derived(
            plan.id,
            "check",
            f"{area.capitalize()} gate {n}",
            doc,
            fields=[("area", area)],
            body=[("checks", items)],
        )

    def component(self, plan: Obj, doc: str) -> Obj:
        n = self.next()
        earlier = self.components.setdefault(plan.id, [])
        fields: list[tuple[str, FieldValue]] = [
            ("responsibility", f"Owns the {self.rng.choice(_RESOURCES)} workflow"),
            ("technology", self.rng.choice(_TECH)[2]),
            ("interfaces", "REST in, events out"),
        ]
        deps = self.rng.sample(earlier[-10:], min(len(earlier), self.rng.randint(0, 2)))
        if deps:
            fields.append(("depends-on", deps))
        obj = self.derived(
            plan.id,
            "component",
            f"{self.rng.choice(_COMPONENTS)} {n}",
            doc,
            fields=fields,
            body=[("p", self.text(1))],
        )
        earlier.append(obj)
        return obj

    def tech(self, plan: Obj, doc: str) -> Obj:
        n = self.next()
        layer, category, name, version = self.rng.choice(_TECH)
        return self.derived(
            plan.id,
            "tech",
            f"{name} {n}",
            doc,
            fields=[
                ("layer", layer),
                ("category", category),
                ("version", version),
                ("rationale", "Team experience and a mature ecosystem"),
                ("alternatives", "Two others were evaluated"),
            ],
        )

    def table(self, plan: Obj, doc: str) -> Obj:
        n = self.next()
        name = f"{self.rng.choice(_RESOURCES).replace('-', '_')}_{n}"
        sql = (
            f"CREATE TABLE {name} (\n"
            "    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),\n"
            "    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,\n"
            "    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),\n"
            "    status VARCHAR(20) NOT NULL DEFAULT 'pending',\n"
            "    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW()\n"
            ");\n"
            f"CREATE INDEX idx_{name}_user ON {name}(user_id);"
        )
        return self.derived(
            plan.id, "table", name, doc, body=[("p", self.text(1)), ("code", "sql", sql)]
        )

    def metric(self, plan: Obj, doc: str) -> Obj:
        n = self.next()
        kind = self.rng.choice(_METRIC_KINDS)
        fields: list[tuple[str, FieldValue]] = [("type", kind), ("labels", "method, status")]
        if kind == "histogram":
            fields.append(("buckets", "0.1, 0.5, 1, 5"))
        fields.append(("unit", "seconds" if kind in ("histogram", "summary") else "requests"))
        return self.derived(
            plan.id, "metric", f"{self.rng.choice(_RESOURCES)} requests {n}", doc, fields=fields
        )

    def alert(self, plan: Obj, doc: str) -> Obj:
        n = self.next()
        return self.derived(
            plan.id,
            "alert",
            f"{self.rng.choice(_SUBJECTS)} errors {n}",
            doc,
            fields=[
                ("condition", f"error rate above {self.rng.randint(1, 9)} percent for 5 minutes"),
                ("severity", self.rng.choice(("critical", "warning", "info"))),
                ("notify", self.rng.choice(_TEAMS)),
                ("action", "Page the on-call engineer and follow the runbook"),
            ],
        )


def generate(docs: int, objects: int, seed: int = 20240115, shape: str = "mixed") -> Corpus:
    """Generate a corpus.

    :param docs: number of documents D
    :param objects: top-level objects per document K (responses and plans not counted)
    :param seed: the random seed; the same arguments give the same corpus
    :param shape: one of :data:`SHAPES`
    :return: the corpus
    """
    if shape not in SHAPES:
        raise ValueError(f"shape {shape!r}: one of {', '.join(SHAPES)}")
    return _Gen(docs, objects, seed, shape).run()
