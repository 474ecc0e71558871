#!/usr/bin/env python3
"""Offline checks of Glocal's deployment manifests; run through scripts/check-deploy.

1. helm/glocal: lint (strict) and render with default and production values through Helm's
   own Go SDK (helm-python-sdk); values the schema must reject are rejected.
2. k8s/base is the chart's default render and k8s/production its production render (the
   prod overlay's base), so neither can drift from the chart (regenerate both with
   --write-k8s-base); the kustomize overlays render with `kubectl kustomize`.
3. Every rendered manifest validates against the Kubernetes schema (kubernetes-validate,
   strict; a kind without a schema fails, except the two CRD kinds checked below).
4. Each workload references only its own secret keys (the JWT secret: the gateway and the
   portal only, and not in production; the portal's cookie key and, when
   secretKeys.portalOidcClientSecret names one, its OIDC client secret: the portal only); production renders (Helm production values, the prod overlay)
   run environment=production with an https OIDC issuer that the gateway may reach, and
   give the portal its OIDC client id.
5. NetworkPolicy egress is exactly what each component needs (default deny underneath):
   the gateway reaches the services' gRPC ports, Redis, the collector, DNS and (with an OIDC
   issuer) the provider, never PostgreSQL; the portal the gateway's HTTP port, the collector,
   DNS and (with an issuer and portal.oidc.clientId) the provider only; each service
   PostgreSQL, Redis, the collector and
   DNS; the migration Job PostgreSQL, the collector and DNS, never Redis.
6. checkov scans every rendered manifest (skips are justified in scripts/checkov.yaml).
7. Operations renders (alerts, dashboards, backups on; backups to a volume and to S3): the
   PrometheusRule passes `promtool check rules` and the unit tests of deploy/prometheus-tests
   (`promtool test rules`), every alert has a runbook_url whose anchor is a heading of
   docs/operations.md and a unit test; every dashboard is valid JSON whose queries promtool
   parses (as recording rules); the backup CronJob gets only the database URLs (and S3 keys).
   That the dashboards name only exported metrics is checked against running components by
   tests/tests/e2e/dashboards.rs.
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import helm_python as helm
import jsonschema
import kubernetes_validate
import yaml

ROOT = Path(__file__).resolve().parent.parent
CHART = ROOT / "helm" / "glocal"
K8S = ROOT / "k8s"
OUT = ROOT / "target" / "deploy-check"
KUBE_VERSION = "1.33.0"
RELEASE = "glocal"

# Kinds from CRDs (Prometheus Operator, Gateway API) that kubernetes-validate has no schema
# for: checked against the parts of their CRD schemas the chart uses.
CRD_SCHEMAS = {
    ("monitoring.coreos.com/v1", "ServiceMonitor"): {
        "type": "object",
        "required": ["apiVersion", "kind", "metadata", "spec"],
        "properties": {
            "metadata": {"type": "object", "required": ["name"]},
            "spec": {
                "type": "object",
                "additionalProperties": False,
                "required": ["selector", "endpoints"],
                "properties": {
                    "selector": {"type": "object", "required": ["matchLabels"]},
                    "namespaceSelector": {"type": "object"},
                    "endpoints": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["port"],
                            "properties": {
                                "port": {"type": "string"},
                                "path": {"type": "string", "pattern": "^/"},
                                "interval": {"type": "string", "pattern": "^[0-9]+(ms|s|m|h)$"},
                                "honorLabels": {"type": "boolean"},
                            },
                        },
                    },
                },
            },
        },
    },
    ("monitoring.coreos.com/v1", "PrometheusRule"): {
        "type": "object",
        "required": ["apiVersion", "kind", "metadata", "spec"],
        "properties": {
            "metadata": {"type": "object", "required": ["name"]},
            "spec": {
                "type": "object",
                "additionalProperties": False,
                "required": ["groups"],
                "properties": {
                    "groups": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["name", "rules"],
                            "properties": {
                                "name": {"type": "string", "minLength": 1},
                                "interval": {"type": "string"},
                                "rules": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "additionalProperties": False,
                                        "required": ["expr"],
                                        "properties": {
                                            "alert": {"type": "string"},
                                            "record": {"type": "string"},
                                            "expr": {"type": "string"},
                                            "for": {"type": "string", "pattern": "^[0-9]+(ms|s|m|h|d)$"},
                                            "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                                            "annotations": {"type": "object", "additionalProperties": {"type": "string"}},
                                        },
                                    },
                                },
                            },
                        },
                    }
                },
            },
        },
    },
    ("gateway.networking.k8s.io/v1", "HTTPRoute"): {
        "type": "object",
        "required": ["apiVersion", "kind", "metadata", "spec"],
        "properties": {
            "metadata": {"type": "object", "required": ["name"]},
            "spec": {
                "type": "object",
                "additionalProperties": False,
                "required": ["parentRefs", "rules"],
                "properties": {
                    "parentRefs": {
                        "type": "array",
                        "minItems": 1,
                        "items": {"type": "object", "required": ["name"]},
                    },
                    "hostnames": {"type": "array", "items": {"type": "string"}},
                    "rules": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "matches": {"type": "array"},
                                "backendRefs": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "required": ["name", "port"],
                                        "properties": {"port": {"type": "integer"}},
                                    },
                                },
                            },
                        },
                    },
                },
            },
        },
    },
}

# Values the schema must refuse, each with why.
REJECTED = [
    ({"environment": "staging"}, "unknown environment"),
    ({"gateway": {"port": 70000}}, "port out of range"),
    ({"existingSecret": ""}, "no Secret for the credentials"),
    ({"securityContext": {"readOnlyRootFilesystem": False}}, "writable root filesystem"),
    ({"securityContext": {"allowPrivilegeEscalation": True}}, "privilege escalation"),
    ({"podSecurityContext": {"runAsNonRoot": False}}, "root"),
    ({"image": {"digest": "latest"}}, "a digest that is not sha256"),
    ({"services": {"requests": {"grpcService": "requests"}}}, "not a gRPC service name"),
    ({"replicas": 3}, "unknown top-level key"),
    ({"services": {"events": {"resources": {"limits": {"gpu": 1}}}}}, "unknown resource"),
    ({"httpRoute": {"enabled": True, "parentRefs": []}}, "HTTPRoute without a parent"),
    ({"environment": "production"}, "production without an OIDC issuer"),
    (
        {"environment": "production", "auth": {"oidcIssuer": "http://id.example.org/realms/glocal"}},
        "production OIDC issuer over plain http",
    ),
    (
        {"environment": "production", "auth": {"oidcIssuer": "https://id.example.org/realms/glocal"}},
        "production without the services' caller-token keys",
    ),
    ({"grpc": {"identityKeys": ["not a key"]}}, "caller-token key that is not base64url Ed25519"),
    ({"auth": {"oidcIssuer": "id.example.org"}}, "OIDC issuer that is not a URL"),
    ({"outbox": {"batchSize": 0}}, "empty outbox batches"),
    ({"outbox": {"pollIntervalMs": "200ms"}}, "outbox interval that is not an integer"),
    ({"cache": {"localCapacity": -1}}, "negative cache capacity"),
    ({"cache": {"entityTtl": 300}}, "unknown cache setting"),
    ({"alerts": {"enabled": "yes"}}, "alerts switch that is not a boolean"),
    ({"alerts": {"runbookBaseUrl": "docs/operations.md"}}, "runbook base that is not a URL"),
    ({"alerts": {"severity": "page"}}, "unknown alerts setting"),
    ({"dashboards": {"label": ""}}, "dashboards without a sidecar label"),
    ({"backup": {"retentionDays": 0}}, "backups kept for no day"),
    ({"backup": {"schedule": "daily"}}, "backup schedule that is not cron"),
    ({"backup": {"services": ["gateway"]}}, "backup of a component without a database"),
    ({"backup": {"s3": {"enabled": True}}}, "S3 backups without a bucket"),
    ({"backup": {"image": {"digest": "latest"}}}, "backup image digest that is not sha256"),
    ({"networkPolicy": {"extraIngress": {"nobody": []}}}, "extra ingress for an unknown component"),
    ({"services": {"requests": {"pool": {"maxConnections": 0, "minConnections": 0, "connectTimeoutMs": 1, "acquireTimeoutMs": 1}}}}, "an empty pool"),
    ({"migrations": {"activeDeadlineSeconds": 600}}, "a hook deadline beyond Helm's default timeout"),
    ({"portal": {"port": 0}}, "portal port out of range"),
    ({"portal": {"publicUrl": "glocal.example.org"}}, "portal public URL that is not a URL"),
    ({"portal": {"publicUrl": ""}}, "portal without a public URL"),
    ({"portal": {"hosts": []}}, "portal without a host"),
    ({"portal": {"hosts": ["https://glocal.example.org/"]}}, "portal host that is a URL"),
    ({"portal": {"gatewayTimeoutMs": 0}}, "portal calls without a deadline"),
    ({"portal": {"enabled": "yes"}}, "portal switch that is not a boolean"),
    ({"portal": {"cookieKey": "not-in-values"}}, "portal secret in values (unknown key)"),
    ({"secretKeys": {"portalCookieKey": ""}}, "no Secret key for the portal's cookie key"),
    ({"portal": {"oidc": {"clientSecret": "not-in-values"}}}, "portal client secret in values (unknown key)"),
    ({"portal": {"oidc": {"clientId": "glocal portal"}}}, "portal client id with a space"),
    ({"portal": {"oidc": {"scopes": ""}}}, "portal asking for no scope"),
    ({"notifications": {"portalUrl": "glocal.example.org"}}, "notices' portal URL that is not a URL"),
    ({"networkPolicy": {"extraIngress": {"portal": {}}}}, "portal extra ingress that is not a list"),
    (
        {
            "environment": "production",
            "auth": {"oidcIssuer": "https://id.example.org/realms/glocal"},
            "grpc": {"identityKeys": ["AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"]},
            "storage": {"url": "s3://glocal-files"},
            "portal": {"publicUrl": "http://glocal.example.org"},
        },
        "production portal over plain http",
    ),
    (
        {
            "environment": "production",
            "auth": {"oidcIssuer": "https://id.example.org/realms/glocal"},
            "grpc": {"identityKeys": ["AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"]},
            "storage": {"url": "s3://glocal-files"},
        },
        "production portal without its OpenID Connect client id",
    ),
]

# Values of the operations renders (over the defaults; values-production.yaml turns alerts,
# dashboards and backups to a volume on as well): alert rules, dashboards and backups on, to a
# volume and to an S3-compatible bucket.
OPS_VALUES = {
    "serviceMonitor": {"enabled": True},
    "alerts": {"enabled": True},
    "dashboards": {"enabled": True},
    "backup": {"enabled": True},
}
OPS_S3_VALUES = {
    "backup": {
        "enabled": True,
        "s3": {
            "enabled": True,
            "bucket": "glocal-backups",
            "endpoint": "https://minio.example.org:9000",
            "port": 9000,
            "cidrs": ["10.20.0.0/16"],
        },
    },
}
PROMETHEUS_TESTS = ROOT / "deploy" / "prometheus-tests"
OPERATIONS_DOC = ROOT / "docs" / "operations.md"

# The secret environment each workload may have (by `app.kubernetes.io/component`), all
# `secretKeyRef`s with optional: false: the JWT secret for the gateway and the portal only and
# only outside production (the gateway checks development tokens, the portal's development
# sign-in mints them; production neither accepts nor mints them), the portal's cookie key for
# the portal only (and nothing else: no Redis), the caller-signing key for the gateway only and only in production, Redis for the gateway and the services' outbox relays, a service's
# own database URL (and the SMTP URL for the notifier), and every database URL for the
# migration Job.
SERVICES = ("requests", "training", "events", "research", "notifier")
DATABASE_URLS = {s: f"GLOCAL_{s.upper()}__DATABASE_URL" for s in SERVICES}


MIGRATION_DATABASE_URLS = {s: f"GLOCAL_{s.upper()}__MIGRATION_DATABASE_URL" for s in SERVICES}


def expected_secret_env(component: str, production: bool, values: dict | None = None) -> set[str]:
    if component == "migrate":
        separate = ((values or {}).get("migrations") or {}).get("separateCredentials")
        return set((MIGRATION_DATABASE_URLS if separate else DATABASE_URLS).values())
    if component == "backup":
        backup = (values or {}).get("backup") or {}
        names = {DATABASE_URLS[s] for s in backup.get("services", SERVICES)}
        return names | ({"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"} if backup.get("s3", {}).get("enabled") else set())
    if component == "portal":
        names = {"GLOCAL_PORTAL__COOKIE_KEY"} | (set() if production else {"GLOCAL_AUTH__JWT_SECRET"})
        if ((values or {}).get("secretKeys") or {}).get("portalOidcClientSecret"):
            names.add("GLOCAL_PORTAL__OIDC_CLIENT_SECRET")
        return names
    names = {"GLOCAL_REDIS__URL"}
    if component == "gateway" and not production:
        names.add("GLOCAL_AUTH__JWT_SECRET")
    if component == "gateway" and production:
        names.add("GLOCAL_GRPC__IDENTITY_SIGNING_KEY")
    if component in DATABASE_URLS:
        names.add(DATABASE_URLS[component])
    if component == "notifier":
        names.add("GLOCAL_NOTIFICATIONS__SMTP_URL")
    if component in FILE_KEEPERS and storage_secret(values):
        names |= {"GLOCAL_STORAGE__ACCESS_KEY_ID", "GLOCAL_STORAGE__SECRET_ACCESS_KEY"}
    return names


# The services that keep uploaded files in object storage (ADR 0022, ADR 0026).
FILE_KEEPERS = ("requests", "training", "research")


def s3_storage(values: dict | None) -> bool:
    """Whether the files go to an S3-compatible bucket (the services then reach it)."""
    return str(((values or {}).get("storage") or {}).get("url") or "").startswith("s3://")


def storage_secret(values: dict | None) -> bool:
    """Whether the file-keeping services read the bucket's access key from the Secret."""
    return s3_storage(values) and ((values or {}).get("storage") or {}).get("credentialsFromSecret", True)

failures: list[str] = []


def fail(message: str) -> None:
    failures.append(message)
    print(f"FAIL: {message}")


def deep_merge(base: dict, override: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def documents(text: str) -> list[dict]:
    return [d for d in yaml.safe_load_all(text) if d]


def lint(values: dict, label: str) -> None:
    report = helm.lint(CHART, values, strict=True, kube_version=f"v{KUBE_VERSION}")
    problems = list(report.get("errors") or [])
    for message in report.get("messages") or []:
        if message.get("severity", 0) >= 2:
            problems.append(f"{message.get('path')}: {message.get('error')}")
    for problem in problems:
        fail(f"helm lint --strict ({label}): {problem}")
    if not problems:
        print(f"helm lint --strict ({label}): clean")


def render(values: dict, label: str) -> list[dict]:
    chart = helm.Chart.load(CHART)
    merged = chart.merge_values(values)
    chart.validate_schema(merged)
    manifests = chart.render(values, name=RELEASE, namespace=RELEASE, is_install=True)
    target = OUT / f"helm-{label}"
    target.mkdir(parents=True, exist_ok=True)
    docs: list[dict] = []
    for path, text in sorted(manifests.items()):
        if path.endswith("NOTES.txt") or not text.strip():
            continue
        name = path.split("/templates/", 1)[-1].replace("/", "-")
        (target / name).write_text(text)
        docs.extend(documents(text))
    kinds = sorted({d["kind"] for d in docs})
    print(f"helm render ({label}): {len(docs)} manifests ({', '.join(kinds)})")
    return docs


def check_rejections(defaults: dict) -> None:
    chart = helm.Chart.load(CHART)
    for override, why in REJECTED:
        merged = deep_merge(defaults, override)
        try:
            chart.validate_schema(merged)
        except helm.HelmError:
            continue
        fail(f"values.schema.json accepts {override} ({why})")
    print(f"values.schema.json: {len(REJECTED)} bad value sets checked")


def k8s_base(rendered: list[dict], values: str = "default values") -> dict[str, str]:
    """A render of the chart as plain manifests, one file per kind (helm test pods and Helm's
    own annotations and labels left out)."""
    files: dict[str, list[dict]] = {}
    for doc in copy.deepcopy(rendered):
        annotations = doc.get("metadata", {}).get("annotations") or {}
        if annotations.get("helm.sh/hook") == "test":
            continue
        for key in [k for k in annotations if k.startswith("helm.sh/")]:
            del annotations[key]
        if not annotations:
            doc["metadata"].pop("annotations", None)
        doc["metadata"].pop("namespace", None)  # overlays choose the namespace
        labels = doc["metadata"].get("labels") or {}
        labels.pop("helm.sh/chart", None)
        if "app.kubernetes.io/managed-by" in labels:
            labels["app.kubernetes.io/managed-by"] = "kustomize"
        files.setdefault(doc["kind"].lower(), []).append(doc)
    header = (
        f"# Generated from helm/glocal ({values}, release `glocal`) by\n"
        "# `scripts/check-deploy --write-k8s-base`; CI fails when it drifts. Do not edit.\n"
    )
    out = {
        f"{kind}.yaml": header
        + "---\n".join(yaml.safe_dump(d, sort_keys=False, width=100) for d in docs)
        for kind, docs in sorted(files.items())
    }
    resources = "".join(f"  - {name}\n" for name in sorted(out))
    out["kustomization.yaml"] = (
        header
        + "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n"
        + resources
    )
    return out


def check_k8s_base(expected: dict[str, str], write: bool, folder: str = "base") -> None:
    """k8s/<folder> holds exactly `expected` (or is rewritten with it)."""
    base = K8S / folder
    if write:
        base.mkdir(parents=True, exist_ok=True)
        for old in base.glob("*.yaml"):
            old.unlink()
        for name, text in expected.items():
            (base / name).write_text(text)
        print(f"k8s/{folder}: written ({len(expected)} files)")
        return
    actual = {p.name: p.read_text() for p in base.glob("*.yaml")} if base.is_dir() else {}
    if actual != expected:
        stale = sorted(set(actual) ^ set(expected) | {n for n in expected if actual.get(n) != expected[n]})
        fail(f"k8s/{folder} is not the chart's render ({', '.join(stale)}): run scripts/check-deploy --write-k8s-base")
    else:
        print(f"k8s/{folder}: in sync with the chart")


def kustomize(overlay: str) -> list[dict]:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        fail("kubectl not found for `kubectl kustomize`")
        return []
    result = subprocess.run(
        [kubectl, "kustomize", str(K8S / "overlays" / overlay)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        fail(f"kubectl kustomize k8s/overlays/{overlay}: {result.stderr.strip()}")
        return []
    (OUT / f"kustomize-{overlay}.yaml").write_text(result.stdout)
    docs = documents(result.stdout)
    print(f"kubectl kustomize k8s/overlays/{overlay}: {len(docs)} manifests")
    return docs


def validate(docs: list[dict], label: str) -> None:
    checked = 0
    for doc in docs:
        what = f"{label}: {doc.get('kind')}/{doc.get('metadata', {}).get('name')}"
        key = (doc.get("apiVersion"), doc.get("kind"))
        try:
            kubernetes_validate.validate(doc, KUBE_VERSION, strict=True)
        except kubernetes_validate.SchemaNotFoundError:
            schema = CRD_SCHEMAS.get(key)
            if schema is None:
                fail(f"{what}: no schema for {key[0]} {key[1]} in Kubernetes {KUBE_VERSION}")
                continue
            try:
                jsonschema.validate(doc, schema)
            except jsonschema.ValidationError as e:
                fail(f"{what}: {e.message}")
                continue
        except kubernetes_validate.ValidationError as e:
            fail(f"{what}: {e.message}")
            continue
        checked += 1
    print(f"kubernetes-validate {KUBE_VERSION} --strict ({label}): {checked}/{len(docs)} valid")


def settings_config_maps(docs: list[dict]) -> list[dict]:
    """The ConfigMaps holding settings (not the dashboards')."""
    return [
        d
        for d in docs
        if d.get("kind") == "ConfigMap" and "-dashboard-" not in d["metadata"]["name"]
    ]


def environment_of(docs: list[dict]) -> str | None:
    """GLOCAL_ENVIRONMENT of a render's (single) ConfigMap."""
    config = settings_config_maps(docs)
    if len(config) != 1:
        return None
    return (config[0].get("data") or {}).get("GLOCAL_ENVIRONMENT")


def pod_spec(doc: dict) -> dict:
    """The pod template's spec of a Deployment, Job or CronJob."""
    if doc["kind"] == "CronJob":
        return doc["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return doc["spec"]["template"]["spec"]


def pod_labels(doc: dict) -> dict:
    """The pod template's labels of a Deployment, Job or CronJob."""
    spec = doc["spec"]["jobTemplate"]["spec"] if doc["kind"] == "CronJob" else doc["spec"]
    return spec["template"]["metadata"].get("labels") or {}


def check_secret_scoping(docs: list[dict], label: str, values: dict | None = None) -> None:
    """Every Deployment and Job gets exactly its own secret keys, never a whole Secret."""
    environment = environment_of(docs)
    if environment not in ("development", "production"):
        fail(f"{label}: no single ConfigMap with GLOCAL_ENVIRONMENT development or production")
        return
    production = environment == "production"
    checked = 0
    for doc in docs:
        if doc.get("kind") not in ("Deployment", "Job", "CronJob"):
            continue
        name = doc["metadata"]["name"]
        component = (doc["metadata"].get("labels") or {}).get("app.kubernetes.io/component", "")
        expected = expected_secret_env(component, production, values)
        spec = pod_spec(doc)
        if component == "backup":
            # The dump and the upload are separate containers: check the pod's union.
            containers = spec.get("initContainers") or []
            merged = {"name": "(all)", "env": [e for c in containers + spec.get("containers", []) for e in c.get("env") or []]}
            for c in containers + spec.get("containers", []):
                if any("secretRef" in source for source in c.get("envFrom") or []):
                    fail(f"{label}: CronJob/{name} container {c.get('name')}: envFrom of a whole Secret")
            containers = [merged]
        else:
            containers = spec.get("containers") or []
        for container in containers:
            what = f"{label}: {doc['kind']}/{name} container {container.get('name')}"
            if any("secretRef" in source for source in container.get("envFrom") or []):
                fail(f"{what}: envFrom of a whole Secret")
            refs = {}
            for env in container.get("env") or []:
                ref = (env.get("valueFrom") or {}).get("secretKeyRef")
                if ref is not None:
                    refs[env["name"]] = ref
            if set(refs) != expected:
                extra = sorted(set(refs) - expected)
                missing = sorted(expected - set(refs))
                fail(f"{what}: secret env {sorted(refs)} (extra {extra}, missing {missing})")
            lenient = sorted(n for n, ref in refs.items() if ref.get("optional") is not False)
            if lenient:
                fail(f"{what}: secretKeyRef without optional: false: {lenient}")
        checked += 1
    print(f"secret scoping ({label}, {environment}): {checked} workloads reference only their own keys")


def check_production(docs: list[dict], label: str) -> None:
    """A production render: environment=production, an https OIDC issuer, the services'
    caller-token keys, and gateway egress to the issuer's port (the gateway refuses to start,
    or to accept any token, otherwise)."""
    config = settings_config_maps(docs)
    if len(config) != 1:
        fail(f"{label}: expected one ConfigMap, found {len(config)}")
        return
    data = config[0].get("data") or {}
    environment = data.get("GLOCAL_ENVIRONMENT")
    issuer = (data.get("GLOCAL_AUTH__OIDC_ISSUER") or "").strip()
    if environment != "production":
        fail(f"{label}: GLOCAL_ENVIRONMENT is {environment!r}, not production")
    if not (data.get("GLOCAL_STORAGE__URL") or "").strip():
        fail(f"{label}: no GLOCAL_STORAGE__URL (requests, training and research refuse to start in production without object storage)")
    if not (data.get("GLOCAL_GRPC__IDENTITY_KEYS") or "").strip():
        fail(f"{label}: no GLOCAL_GRPC__IDENTITY_KEYS (services refuse to start in production without them)")
    parts = urlsplit(issuer)
    if parts.scheme != "https" or not parts.hostname:
        fail(f"{label}: GLOCAL_AUTH__OIDC_ISSUER {issuer!r} is not an https URL")
        return
    port = parts.port or 443
    policies = [
        d
        for d in docs
        if d.get("kind") == "NetworkPolicy"
        and (d["spec"].get("podSelector", {}).get("matchLabels") or {}).get(
            "app.kubernetes.io/component"
        )
        == "gateway"
    ]
    reachable = any(
        p.get("port") == port and p.get("protocol", "TCP") == "TCP"
        for policy in policies
        for rule in policy["spec"].get("egress") or []
        for p in rule.get("ports") or []
    )
    if policies and not reachable:
        fail(f"{label}: the gateway's NetworkPolicy has no egress to TCP {port} (OIDC provider)")
    print(f"production ({label}): environment=production, OIDC issuer {issuer}, gateway egress to :{port}")


# NetworkPolicy egress, as a set of (protocol, port, peers) per component: peers is "anywhere"
# (a rule without `to`), or the sorted peers of the rule's `to`: "dns" (the kube-dns pods of
# networkPolicy.dns), "pods:<component>" (this release's pods of a component), "cidr:<cidr>".
Egress = tuple[str, object, str]
ANYWHERE = "anywhere"


def peer_name(peer: dict, own_labels: dict, dns: dict) -> str:
    if set(peer) == {"ipBlock"} and set(peer["ipBlock"]) == {"cidr"}:
        return f"cidr:{peer['ipBlock']['cidr']}"
    if set(peer) == {"namespaceSelector", "podSelector"} and peer == {
        "namespaceSelector": dns["namespaceSelector"],
        "podSelector": dns["podSelector"],
    }:
        return "dns"
    if set(peer) == {"podSelector"}:
        labels = dict(peer["podSelector"].get("matchLabels") or {})
        component = labels.pop("app.kubernetes.io/component", None)
        if component and set(peer["podSelector"]) == {"matchLabels"} and labels == own_labels:
            return f"pods:{component}"
    return json.dumps(peer, sort_keys=True)


def egress_of(policy: dict, dns: dict) -> set[Egress]:
    selector = dict(policy["spec"].get("podSelector", {}).get("matchLabels") or {})
    selector.pop("app.kubernetes.io/component", None)
    out: set[Egress] = set()
    for rule in policy["spec"].get("egress") or []:
        to = rule.get("to") or []
        peers = ",".join(sorted(peer_name(p, selector, dns) for p in to)) if to else ANYWHERE
        # A rule without ports opens every port (and protocol): never expected.
        ports = rule.get("ports") or [{"protocol": "any", "port": "all ports"}]
        for port in ports:
            out.add((port.get("protocol", "TCP"), port.get("port", "all ports"), peers))
    return out


def expected_egress(component: str, values: dict, oidc: bool) -> tuple[set[Egress], dict]:
    """The egress a component may have, and a name for each (protocol, port) in it."""
    def external(key: str) -> Egress:
        cidrs = values[key].get("cidrs") or []
        peers = ",".join(sorted(f"cidr:{c}" for c in cidrs)) if cidrs else ANYWHERE
        return ("TCP", values[key]["port"], peers)

    names = {
        ("UDP", 53): "DNS",
        ("TCP", 53): "DNS",
        ("TCP", values["postgresql"]["port"]): "PostgreSQL",
        ("TCP", values["redisServer"]["port"]): "Redis",
        ("TCP", values["otel"]["port"]): "OTLP collector",
        ("TCP", values["oidcProvider"]["port"]): "OIDC provider",
        ("TCP", values["gateway"]["port"]): "gateway HTTP",
        ("TCP", values["portal"]["port"]): "portal HTTP",
        ("TCP", values["smtpServer"]["port"]): "SMTP",
    }
    names.setdefault(("TCP", values["backup"]["s3"]["port"]), "object storage")
    names.setdefault(("TCP", values["storage"]["port"]), "object storage")
    services = {n: s for n, s in values["services"].items() if s.get("enabled")}
    for name, svc in services.items():
        names[("TCP", svc["port"])] = f"{name} gRPC"
    egress = {("UDP", 53, "dns"), ("TCP", 53, "dns")}
    if component == "gateway":
        egress |= {("TCP", svc["port"], f"pods:{name}") for name, svc in services.items()}
        egress |= {external("redisServer"), external("otel")}
        if oidc:
            egress.add(external("oidcProvider"))
    elif component in SERVICES:
        egress |= {external("postgresql"), external("redisServer"), external("otel")}
        if component == "notifier":
            egress.add(external("smtpServer"))
        if component in FILE_KEEPERS and s3_storage(values):
            egress.add(external("storage"))
    elif component == "migrate":
        egress |= {external("postgresql"), external("otel")}
    elif component == "backup":
        egress.add(external("postgresql"))
        if values["backup"]["s3"]["enabled"]:
            s3 = values["backup"]["s3"]
            cidrs = s3.get("cidrs") or []
            egress.add(("TCP", s3["port"], ",".join(sorted(f"cidr:{c}" for c in cidrs)) if cidrs else ANYWHERE))
    elif component == "portal":
        egress |= {("TCP", values["gateway"]["port"], "pods:gateway"), external("otel")}
        if oidc and values["portal"]["oidc"]["clientId"]:
            egress.add(external("oidcProvider"))
    elif component == "test":
        egress.add(("TCP", values["gateway"]["port"], "pods:gateway"))
        if values["portal"]["enabled"]:
            egress.add(("TCP", values["portal"]["port"], "pods:portal"))
    else:
        return set(), names
    return egress, names


def check_egress(docs: list[dict], values: dict, label: str) -> None:
    """Default deny, then per component exactly the egress it needs: the gateway never
    PostgreSQL, the migration Job never Redis, each service both."""
    config = settings_config_maps(docs)
    issuer = ((config[0].get("data") or {}).get("GLOCAL_AUTH__OIDC_ISSUER") or "").strip() if config else ""
    dns = values["networkPolicy"]["dns"]
    policies: dict[str | None, list[dict]] = {}
    for doc in docs:
        if doc.get("kind") == "NetworkPolicy":
            labels = doc["spec"].get("podSelector", {}).get("matchLabels") or {}
            policies.setdefault(labels.get("app.kubernetes.io/component"), []).append(doc)
    deny = policies.pop(None, [])
    if len(deny) != 1 or any(
        set(d["spec"].get("policyTypes") or []) != {"Ingress", "Egress"}
        or d["spec"].get("ingress")
        or d["spec"].get("egress")
        for d in deny
    ):
        fail(f"{label}: expected one default-deny NetworkPolicy (all pods, Ingress and Egress, no rules), found {len(deny)} without a component selector")
    workloads = {
        pod_labels(d).get("app.kubernetes.io/component")
        for d in docs
        if d.get("kind") in ("Deployment", "Job", "CronJob")
    }
    for component in sorted(workloads - set(policies), key=str):
        fail(f"{label}: no NetworkPolicy selects the {component} pods")

    def describe(entries: set[Egress], names: dict) -> str:
        return ", ".join(
            f"{proto} {port} ({names.get((proto, port), '?')}) to {peers}"
            for proto, port, peers in sorted(entries, key=str)
        )

    rows: dict[str, list[str]] = {}
    order = ["gateway", "portal", *SERVICES, "migrate", "backup", "test"]
    for component, found in sorted(policies.items(), key=lambda kv: (order + [kv[0]]).index(kv[0])):
        expected, names = expected_egress(component, values, bool(issuer))
        extra = (values["networkPolicy"].get("extraEgress") or {}).get(component) or []
        if extra and found:
            expected |= egress_of({"spec": {"podSelector": found[0]["spec"]["podSelector"], "egress": extra}}, dns)
        if not expected:
            fail(f"{label}: NetworkPolicy for an unknown component {component!r}")
            continue
        if len(found) != 1:
            fail(f"{label}: {len(found)} NetworkPolicies select the {component} pods")
        actual = set().union(*(egress_of(p, dns) for p in found))
        if actual != expected:
            extra, missing = actual - expected, expected - actual
            if extra:
                fail(f"{label}: {component} NetworkPolicy allows egress it must not: {describe(extra, names)}")
            if missing:
                fail(f"{label}: {component} NetworkPolicy lacks egress: {describe(missing, names)}")
        reached = {names.get((proto, port), "?") for proto, port, _ in expected}
        grpc = sorted(n for n in reached if n.endswith(" gRPC"))
        summary = sorted(reached - set(grpc)) + ([f"{len(grpc)} gRPC"] if grpc else [])
        rows.setdefault(", ".join(summary), []).append(component)
    print(f"egress ({label}):")
    for reached, components in rows.items():
        print(f"  {', '.join(components)} -> {reached}")


def surge(value, replicas: int) -> int:
    """The extra pods a RollingUpdate's maxSurge allows over `replicas`."""
    if isinstance(value, str) and value.endswith("%"):
        return -(-replicas * int(value[:-1]) // 100)
    return int(value if value is not None else 0)


def check_connection_budget(docs: list[dict], values: dict, label: str) -> None:
    """Every PostgreSQL connection the render can open at once fits under the server's
    max_connections minus its reserved ones: each service's pods at the HPA maximum plus the
    rollout's surge, times its pool size (from the ConfigMap), plus the migration Job (at
    least two connections) and the backup (one pg_dump at a time)."""
    config = settings_config_maps(docs)
    data = (config[0].get("data") or {}) if len(config) == 1 else {}
    hpa_max = {
        d["spec"]["scaleTargetRef"]["name"]: d["spec"]["maxReplicas"]
        for d in docs
        if d.get("kind") == "HorizontalPodAutoscaler"
    }
    total, parts = 0, []
    for doc in docs:
        component = pod_labels(doc).get("app.kubernetes.io/component") if doc.get("kind") in ("Deployment", "Job", "CronJob") else None
        if component in SERVICES and doc["kind"] == "Deployment":
            pool = data.get(f"GLOCAL_{component.upper()}__POOL__MAX_CONNECTIONS")
            if pool is None:
                fail(f"{label}: no GLOCAL_{component.upper()}__POOL__MAX_CONNECTIONS in the ConfigMap")
                continue
            replicas = hpa_max.get(doc["metadata"]["name"], doc["spec"].get("replicas", 1))
            rolling = (doc["spec"].get("strategy") or {}).get("rollingUpdate") or {}
            pods = replicas + surge(rolling.get("maxSurge", "25%"), replicas)
            total += pods * int(pool)
            parts.append(f"{component} {pods}x{pool}")
        elif component == "migrate":
            pools = [int(v) for k, v in data.items() if k.endswith("__POOL__MAX_CONNECTIONS")]
            env = {e["name"]: e.get("value") for c in pod_spec(doc)["containers"] for e in c.get("env") or []}
            pools += [int(v) for k, v in env.items() if k.endswith("__POOL__MAX_CONNECTIONS") and v]
            job = max([2, *pools])
            total += job
            parts.append(f"migrate {job}")
        elif component == "backup":
            total += 1
            parts.append("backup 1")
    limit = values["postgresql"]["maxConnections"] - values["postgresql"]["reservedConnections"]
    if total > limit:
        fail(f"{label}: up to {total} PostgreSQL connections ({', '.join(parts)}) exceed max_connections {values['postgresql']['maxConnections']} - {values['postgresql']['reservedConnections']} reserved")
    else:
        print(f"connections ({label}): at most {total} of {limit} ({', '.join(parts)})")


def check_files_ingress(docs: list[dict], values: dict, label: str) -> None:
    """With the Ingress on: the file routes (`/files`) have an Ingress of their own whose
    ingress-nginx body limit admits the largest file, unbuffered; no other Ingress serves them."""
    ingresses = [d for d in docs if d.get("kind") == "Ingress"]
    if not ingresses:
        return
    def paths(doc: dict) -> set[str]:
        return {p["path"] for r in doc["spec"].get("rules") or [] for p in r["http"]["paths"]}
    files = [d for d in ingresses if paths(d) == {"/files"}]
    if len(files) != 1 or any("/files" in paths(d) for d in ingresses if d not in files):
        fail(f"{label}: expected one Ingress serving exactly /files, found {[d['metadata']['name'] for d in ingresses]}")
        return
    annotations = files[0]["metadata"].get("annotations") or {}
    if values["ingress"].get("className") == "nginx":
        size = annotations.get("nginx.ingress.kubernetes.io/proxy-body-size", "")
        mib = int(size[:-1]) if size.endswith("m") and size[:-1].isdigit() else 0
        if mib * 1024 * 1024 < values["storage"]["maxFileBytes"]:
            fail(f"{label}: the /files Ingress admits bodies of {size!r}, less than storage.maxFileBytes")
        if annotations.get("nginx.ingress.kubernetes.io/proxy-request-buffering") != "off":
            fail(f"{label}: the /files Ingress buffers request bodies")
    print(f"files ingress ({label}): /files on its own Ingress, body limit {annotations.get('nginx.ingress.kubernetes.io/proxy-body-size', '(controller default)')}")


def ingress_of(policy: dict, dns: dict) -> set[Egress]:
    """A policy's ingress as (protocol, port, peers), peers named as for egress."""
    selector = dict(policy["spec"].get("podSelector", {}).get("matchLabels") or {})
    selector.pop("app.kubernetes.io/component", None)
    out: set[Egress] = set()
    for rule in policy["spec"].get("ingress") or []:
        peers = rule.get("from") or []
        name = ",".join(sorted(peer_name(p, selector, dns) for p in peers)) if peers else ANYWHERE
        for port in rule.get("ports") or [{"protocol": "any", "port": "all ports"}]:
            out.add((port.get("protocol", "TCP"), port.get("port", "all ports"), name))
    return out


def check_ingress(docs: list[dict], values: dict, label: str) -> None:
    """Ingress per component: the gateway's HTTP port from networkPolicy.gatewayFrom and, when
    that is restricted, also from the portal's pods, the release's `helm test` pods, the metrics
    scrapers and (with an HTTPRoute) the Gateway API data plane; the portal's HTTP port likewise,
    without the scrapers, and its metrics port from metricsFrom; each service's gRPC port from
    the gateway pods and its metrics port from metricsFrom; nothing into the Jobs and test pods;
    plus extraIngress."""
    np = values["networkPolicy"]
    dns = np["dns"]
    own = {"app.kubernetes.io/name": "glocal", "app.kubernetes.io/instance": RELEASE}

    def peers(items: list[dict]) -> str:
        return ",".join(sorted(peer_name(p, own, dns) for p in items)) if items else ANYWHERE

    checked = 0
    for doc in docs:
        if doc.get("kind") != "NetworkPolicy":
            continue
        component = (doc["spec"].get("podSelector", {}).get("matchLabels") or {}).get("app.kubernetes.io/component")
        if component is None:
            continue
        expected: set[Egress] = set()
        if component in ("gateway", "portal"):
            port = values[component]["port"]
            expected.add(("TCP", port, peers(np["gatewayFrom"])))
            if np["gatewayFrom"]:
                expected.add(("TCP", port, "pods:test"))
                if component == "gateway":
                    expected.add(("TCP", port, peers(np["metricsFrom"])))
                    if values["portal"]["enabled"]:
                        expected.add(("TCP", port, "pods:portal"))
                if values["httpRoute"]["enabled"]:
                    expected.add(("TCP", port, peers(np.get("gatewayApiFrom") or [])))
            if component == "portal":
                expected.add(("TCP", values["portal"]["metricsPort"], peers(np["metricsFrom"])))
        elif component in SERVICES:
            svc = values["services"][component]
            expected.add(("TCP", svc["port"], "pods:gateway"))
            expected.add(("TCP", svc["metricsPort"], peers(np["metricsFrom"])))
        extra = (np.get("extraIngress") or {}).get(component) or []
        if extra:
            expected |= ingress_of({"spec": {"podSelector": doc["spec"]["podSelector"], "ingress": extra}}, dns)
        actual = ingress_of(doc, dns)
        if actual != expected:
            fail(f"{label}: {component} NetworkPolicy ingress {sorted(actual, key=str)} is not {sorted(expected, key=str)}")
        checked += 1
    if values["httpRoute"]["enabled"] and np["gatewayFrom"]:
        portal = "the portal, " if values["portal"]["enabled"] else ""
        print(f"ingress ({label}): {checked} policies; the gateway admits the ingress controller, the Gateway API data plane, {portal}scrapers and test pods")
    else:
        print(f"ingress ({label}): {checked} policies as expected")


def check_balanced_urls(docs: list[dict], values: dict, label: str) -> None:
    """The gateway reaches each enabled service through `dns+http://` on its headless Service
    (clusterIP None, selecting that service's pods, its gRPC port), so it balances over every
    ready pod instead of pinning one HTTP/2 connection to a ClusterIP."""
    config = settings_config_maps(docs)
    data = (config[0].get("data") or {}) if len(config) == 1 else {}
    services = {d["metadata"]["name"]: d for d in docs if d.get("kind") == "Service"}
    checked = 0
    for name, svc in values["services"].items():
        if not svc.get("enabled"):
            continue
        headless = f"{RELEASE}-{name}-headless"
        url = data.get(f"GLOCAL_GATEWAY__{name.upper()}_URL")
        if url != f"dns+http://{headless}:{svc['port']}":
            fail(f"{label}: GLOCAL_GATEWAY__{name.upper()}_URL is {url!r}, not dns+http:// on the headless Service")
            continue
        doc = services.get(headless)
        spec = (doc or {}).get("spec") or {}
        if (
            doc is None
            or spec.get("clusterIP") != "None"
            or (spec.get("selector") or {}).get("app.kubernetes.io/component") != name
            or [p.get("port") for p in spec.get("ports") or []] != [svc["port"]]
        ):
            fail(f"{label}: no headless Service {headless} selecting the {name} pods on {svc['port']}")
            continue
        checked += 1
    print(f"balanced gRPC ({label}): {checked} services reached through dns+http:// on headless Services")


def check_portal(docs: list[dict], values: dict, label: str) -> None:
    """The portal (portal.enabled): `glocal serve portal` probed on /healthz (and /readyz) on its HTTP port,
    a Service on that port and its metrics port (scraped like the services'), the gateway's Service as its gateway_url, notices linking to its
    public URL unless notifications.portalUrl is set, and (with an Ingress or an HTTPRoute)
    every path of portal.hosts routed to it, hosts the gateway's routes do not serve. Without
    portal.enabled nothing of the portal is rendered."""
    portal = values["portal"]
    component = lambda d: (d["metadata"].get("labels") or {}).get("app.kubernetes.io/component")
    mine = [d for d in docs if component(d) == "portal"]
    config = settings_config_maps(docs)
    data = (config[0].get("data") or {}) if len(config) == 1 else {}
    if not portal["enabled"]:
        names = [f"{d['kind']}/{d['metadata']['name']}" for d in mine]
        names += [k for k in data if k.startswith("GLOCAL_PORTAL__")]
        if names:
            fail(f"{label}: portal.enabled is false but the render has {names}")
        print(f"portal ({label}): disabled, nothing of it rendered")
        return
    port, name = portal["port"], f"{RELEASE}-portal"
    metrics = portal["metricsPort"]
    deployments = [d for d in mine if d["kind"] == "Deployment"]
    if len(deployments) != 1:
        fail(f"{label}: expected one portal Deployment, found {len(deployments)}")
        return
    (container,) = pod_spec(deployments[0])["containers"]
    if container.get("args") != ["serve", "portal"]:
        fail(f"{label}: the portal runs {container.get('args')}, not `glocal serve portal`")
    if [(p["name"], p["containerPort"]) for p in container.get("ports") or []] != [("http", port), ("metrics", metrics)]:
        fail(f"{label}: the portal's container ports are {container.get('ports')}, not http {port} and metrics {metrics}")
    # Liveness on /healthz; readiness on /readyz, which turns 503 from SIGTERM for
    # grpc.shutdownDelayMs before the listener closes.
    for probe, path in (("startupProbe", "/healthz"), ("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
        if (container.get(probe) or {}).get("httpGet") != {"path": path, "port": "http"}:
            fail(f"{label}: the portal's {probe} is not GET {path} on its http port")
    services = [d for d in mine if d["kind"] == "Service" and d["metadata"]["name"] == name]
    if len(services) != 1 or [(p["port"], p["targetPort"]) for p in services[0]["spec"]["ports"]] != [(port, "http"), (metrics, "metrics")]:
        fail(f"{label}: no Service {name} on {port} -> http and {metrics} -> metrics")
    expected = {
        "GLOCAL_PORTAL__LISTEN": f"0.0.0.0:{port}",
        "GLOCAL_METRICS__PORTAL_LISTEN": f"0.0.0.0:{metrics}",
        "GLOCAL_PORTAL__GATEWAY_URL": f"http://{RELEASE}-gateway:{values['gateway']['port']}",
        "GLOCAL_PORTAL__PUBLIC_URL": portal["publicUrl"],
        "GLOCAL_NOTIFICATIONS__PORTAL_URL": values["notifications"]["portalUrl"] or portal["publicUrl"],
        "GLOCAL_GATEWAY__PORTAL_URL": values["gateway"]["portalUrl"] or portal["publicUrl"],
        "GLOCAL_PORTAL__OIDC_CLIENT_ID": portal["oidc"]["clientId"],
        "GLOCAL_PORTAL__OIDC_SCOPES": portal["oidc"]["scopes"],
        "GLOCAL_PORTAL__CLIENT_IP_HEADER": portal["clientIpHeader"],
    }
    for key, value in expected.items():
        if data.get(key) != value:
            fail(f"{label}: ConfigMap {key} is {data.get(key)!r}, not {value!r}")
    if data.get("GLOCAL_ENVIRONMENT") == "production" and not (data.get("GLOCAL_PORTAL__OIDC_CLIENT_ID") or "").strip():
        fail(f"{label}: no GLOCAL_PORTAL__OIDC_CLIENT_ID (the portal refuses to start in production without it)")
    hosts = set(portal["hosts"])
    routed = []
    for doc in docs:
        if doc.get("kind") == "Ingress":
            for rule in doc["spec"].get("rules") or []:
                backends = {p["backend"]["service"]["name"] for p in rule["http"]["paths"]}
                if component(doc) == "portal":
                    paths = [(p["path"], p["pathType"]) for p in rule["http"]["paths"]]
                    if rule.get("host") not in hosts or paths != [("/", "Prefix")] or backends != {name}:
                        fail(f"{label}: Ingress/{doc['metadata']['name']} rule {rule} is not `/` of a portal host to {name}")
                    routed.append(rule.get("host"))
                elif rule.get("host") in hosts or name in backends:
                    fail(f"{label}: Ingress/{doc['metadata']['name']} serves the portal's host or Service")
        if doc.get("kind") == "HTTPRoute":
            spec = doc["spec"]
            refs = {(r["name"], r["port"]) for rule in spec["rules"] for r in rule.get("backendRefs") or []}
            if component(doc) == "portal":
                if set(spec.get("hostnames") or []) != hosts or refs != {(name, port)}:
                    fail(f"{label}: HTTPRoute/{doc['metadata']['name']} does not route {sorted(hosts)} to {name}:{port}")
                routed.append("HTTPRoute")
            elif not spec.get("hostnames") or hosts & set(spec["hostnames"]) or any(r[0] == name for r in refs):
                fail(f"{label}: HTTPRoute/{doc['metadata']['name']} may serve the portal's hosts (give it the API's hostnames)")
    if values["ingress"]["enabled"] and sorted(h for h in routed if h != "HTTPRoute") != sorted(hosts):
        fail(f"{label}: the portal's Ingress serves {routed}, not {sorted(hosts)}")
    if values["httpRoute"]["enabled"] and "HTTPRoute" not in routed:
        fail(f"{label}: no HTTPRoute for the portal")
    print(f"portal ({label}): Deployment probed on /healthz and /readyz, Service :{port}, gateway {expected['GLOCAL_PORTAL__GATEWAY_URL']}, routes {sorted(set(routed)) or 'none'}")


def check_render_refused(values: dict, why: str) -> None:
    """A values set the chart's templates must refuse to render (a `fail` guard)."""
    chart = helm.Chart.load(CHART)
    try:
        chart.render(values, name=RELEASE, namespace=RELEASE, is_install=True)
    except helm.HelmError:
        print(f"render refused as it must: {why}")
        return
    fail(f"the chart renders {values} ({why})")


def promtool(*args: str) -> subprocess.CompletedProcess:
    exe = shutil.which("promtool")
    if exe is None:
        raise SystemExit("promtool not found (scripts/check-deploy installs Debian's prometheus package)")
    return subprocess.run([exe, *args], capture_output=True, text=True, check=False)


def github_anchors(markdown: str) -> set[str]:
    """The anchors GitHub gives the headings of `markdown`."""
    anchors = set()
    for line in markdown.splitlines():
        if line.startswith("#"):
            title = line.lstrip("#").strip().lower()
            title = "".join(c for c in title if c.isalnum() or c in " -_")
            anchors.add(title.replace(" ", "-"))
    return anchors


def check_alerts(docs: list[dict], values: dict) -> None:
    """The PrometheusRule: promtool check rules, promtool test rules (deploy/prometheus-tests),
    a runbook section per alert, a unit test per alert."""
    rules = [d for d in docs if d.get("kind") == "PrometheusRule"]
    if len(rules) != 1:
        fail(f"alerts: expected one PrometheusRule with alerts.enabled, found {len(rules)}")
        return
    groups = rules[0]["spec"]["groups"]
    target = OUT / "prometheus"
    target.mkdir(parents=True, exist_ok=True)
    (target / "rules.yaml").write_text(yaml.safe_dump({"groups": groups}, sort_keys=False, width=200))
    result = promtool("check", "rules", str(target / "rules.yaml"))
    if result.returncode != 0:
        fail(f"promtool check rules: {(result.stdout + result.stderr).strip()}")
    else:
        print(f"promtool check rules: {result.stdout.strip().splitlines()[-1].strip()}")
    tests = sorted(PROMETHEUS_TESTS.glob("*.yaml"))
    if not tests:
        fail(f"no promtool unit tests in {PROMETHEUS_TESTS.relative_to(ROOT)}")
    tested: set[str] = set()
    for test in tests:
        copy_path = target / test.name
        shutil.copyfile(test, copy_path)
        for case in yaml.safe_load(test.read_text()).get("tests") or []:
            for alert_test in case.get("alert_rule_test") or []:
                if alert_test.get("exp_alerts"):
                    tested.add(alert_test["alertname"])
        result = promtool("test", "rules", str(copy_path))
        if result.returncode != 0:
            fail(f"promtool test rules {test.name}:\n{(result.stdout + result.stderr).strip()}")
        else:
            print(f"promtool test rules {test.name}: passed")
    anchors = github_anchors(OPERATIONS_DOC.read_text())
    base = values["alerts"]["runbookBaseUrl"]
    alerts = [r for g in groups for r in g["rules"] if "alert" in r]
    for rule in alerts:
        name = rule["alert"]
        url = (rule.get("annotations") or {}).get("runbook_url", "")
        if not url.startswith(base + "#") or url.split("#", 1)[1] not in anchors:
            fail(f"alert {name}: runbook_url {url!r} is not a section of docs/operations.md")
        if name not in tested:
            fail(f"alert {name}: no promtool unit test expects it to fire")
        if (rule.get("labels") or {}).get("severity") not in ("critical", "warning"):
            fail(f"alert {name}: severity must be critical or warning")
    print(f"alerts: {len(alerts)} alerts, each with a runbook section and a firing unit test")


def check_dashboards(docs: list[dict], values: dict) -> None:
    """Dashboard ConfigMaps: the sidecar's label, valid JSON, unique uids, and every query
    parsed by promtool (written as recording rules)."""
    maps = [d for d in docs if d.get("kind") == "ConfigMap" and "-dashboard-" in d["metadata"]["name"]]
    expected = sorted(p.stem for p in (CHART / "dashboards").glob("*.json"))
    if sorted(m["metadata"]["name"].rsplit("-dashboard-", 1)[1] for m in maps) != expected:
        fail(f"dashboards: ConfigMaps {[m['metadata']['name'] for m in maps]} do not match dashboards/{expected}")
    label, value = values["dashboards"]["label"], values["dashboards"]["labelValue"]
    uids: set[str] = set()
    records = []
    for cm in maps:
        name = cm["metadata"]["name"]
        if (cm["metadata"].get("labels") or {}).get(label) != value:
            fail(f"dashboards: {name} lacks the label {label}: {value!r}")
        for key, text in (cm.get("data") or {}).items():
            try:
                board = json.loads(text)
            except json.JSONDecodeError as e:
                fail(f"dashboards: {name}/{key} is not JSON: {e}")
                continue
            if board.get("uid") in uids or not board.get("uid"):
                fail(f"dashboards: {name}/{key} has a missing or duplicate uid {board.get('uid')!r}")
            uids.add(board.get("uid"))
            for panel in board.get("panels") or []:
                for target in panel.get("targets") or []:
                    records.append({"record": f"dashboard:check:{len(records)}", "expr": target["expr"]})
                    records[-1]["labels"] = {"dashboard": board["uid"], "panel": panel["title"][:60]}
    target = OUT / "prometheus"
    target.mkdir(parents=True, exist_ok=True)
    path = target / "dashboard-queries.yaml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboards", "rules": records}]}, sort_keys=False, width=400))
    result = promtool("check", "rules", str(path))
    if result.returncode != 0 or not records:
        fail(f"dashboards: promtool cannot parse every query:\n{(result.stdout + result.stderr).strip()}")
    else:
        print(f"dashboards: {len(maps)} ConfigMaps, {len(records)} queries parsed by promtool")


def checkov() -> None:
    exe = Path(sys.executable).parent / "checkov"
    result = subprocess.run(
        [
            str(exe),
            "--directory",
            str(OUT),
            "--framework",
            "kubernetes",
            "--config-file",
            str(ROOT / "scripts" / "checkov.yaml"),
            "--compact",
            "--quiet",
            "--skip-download",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    output = (result.stdout + result.stderr).strip()
    if result.returncode != 0:
        print(output)
        fail("checkov found failing checks")
    else:
        summary = [line for line in output.splitlines() if "Passed checks" in line]
        print(f"checkov: clean {summary[0].strip() if summary else ''}")


def main() -> int:
    write_base = "--write-k8s-base" in sys.argv[1:]
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)

    print("== helm (helm-python-sdk, Helm SDK", helm.helm_sdk_version(), ")")
    chart = helm.Chart.load(CHART)
    defaults = chart.values
    production = helm.values_from_yaml((CHART / "values-production.yaml").read_text())
    lint({}, "default values")
    lint(production, "production values")
    check_rejections(defaults)
    default_docs = render({}, "default")
    production_docs = render(production, "production")

    print("== operations (alerts, dashboards, backups)")
    ops_values = OPS_VALUES  # over the defaults (development); production values turn them on too
    ops_docs = render(ops_values, "operations")
    ops_s3_docs = render(OPS_S3_VALUES, "operations-s3")
    check_alerts(ops_docs, chart.merge_values(ops_values))
    check_dashboards(ops_docs, chart.merge_values(ops_values))
    for label, docs in (("operations", ops_docs), ("operations-s3", ops_s3_docs)):
        backups = [d for d in docs if d.get("kind") == "CronJob"]
        if len(backups) != 1:
            fail(f"{label}: expected one backup CronJob, found {len(backups)}")
    if any(d.get("kind") in ("CronJob", "PrometheusRule") for d in default_docs):
        fail("default values render a backup CronJob or a PrometheusRule (both are off by default)")

    print("== k8s (kustomize)")
    check_k8s_base(k8s_base(default_docs), write_base)
    # The prod overlay's base is the chart's production render, so the two cannot drift apart.
    check_k8s_base(
        k8s_base(production_docs, "values-production.yaml"), write_base, "production"
    )
    overlays = {o: kustomize(o) for o in ("dev", "prod")}

    for overlay, docs in overlays.items():
        images = {
            c["image"]
            for d in docs
            if d.get("kind") in ("Deployment", "Job", "CronJob")
            for c in pod_spec(d).get("containers", []) + (pod_spec(d).get("initContainers") or [])
        }
        mutable = sorted(i for i in images if "@sha256:" not in i)
        if mutable:
            fail(f"kustomize {overlay}: mutable image references {mutable} (pin a digest)")
        else:
            print(f"kustomize {overlay}: every image pinned by digest")

    print("== kubernetes-validate")
    validate(default_docs, "helm default")
    validate(production_docs, "helm production")
    for overlay, docs in overlays.items():
        validate(docs, f"kustomize {overlay}")
    validate(ops_docs, "helm operations")
    validate(ops_s3_docs, "helm operations-s3")

    print("== secrets and production settings")
    check_secret_scoping(default_docs, "helm default", chart.merge_values({}))
    check_secret_scoping(production_docs, "helm production", chart.merge_values(production))
    for overlay, docs in overlays.items():
        check_secret_scoping(
            docs, f"kustomize {overlay}", chart.merge_values(production if overlay == "prod" else {})
        )
    check_secret_scoping(ops_docs, "helm operations", chart.merge_values(ops_values))
    check_secret_scoping(ops_s3_docs, "helm operations-s3", chart.merge_values(OPS_S3_VALUES))
    check_production(production_docs, "helm production")
    check_production(overlays["prod"], "kustomize prod")
    check_files_ingress(production_docs, chart.merge_values(production), "helm production")

    print("== network policy egress")
    default_values = chart.merge_values({})
    production_values = chart.merge_values(production)
    overlay_values = {"dev": default_values, "prod": production_values}
    check_egress(default_docs, default_values, "helm default")
    check_egress(production_docs, chart.merge_values(production), "helm production")
    for overlay, docs in overlays.items():
        check_egress(docs, overlay_values[overlay], f"kustomize {overlay}")
    check_egress(ops_docs, chart.merge_values(ops_values), "helm operations")
    check_egress(ops_s3_docs, chart.merge_values(OPS_S3_VALUES), "helm operations-s3")

    print("== network policy ingress")
    check_ingress(default_docs, default_values, "helm default")
    check_ingress(production_docs, chart.merge_values(production), "helm production")
    for overlay, docs in overlays.items():
        check_ingress(docs, overlay_values[overlay], f"kustomize {overlay}")
    extra_values = {
        "networkPolicy": {
            "extraIngress": {"requests": [{"from": [{"ipBlock": {"cidr": "10.9.0.0/16"}}], "ports": [{"protocol": "TCP", "port": 50051}]}]},
            "extraEgress": {"gateway": [{"to": [{"ipBlock": {"cidr": "10.8.0.0/16"}}], "ports": [{"protocol": "TCP", "port": 8443}]}]},
        }
    }
    volumes_values = {
        "caBundle": {"configMap": "corporate-ca", "key": "ca.crt"},
        "extraVolumes": [{"name": "client-certs", "secret": {"secretName": "pg-client"}}],
        "extraVolumeMounts": [{"name": "client-certs", "mountPath": "/etc/glocal/pg", "readOnly": True}],
    }
    volume_docs = render(volumes_values, "volumes")
    validate(volume_docs, "helm volumes")
    for doc in volume_docs:
        if doc.get("kind") in ("Deployment", "Job"):
            spec = pod_spec(doc)
            names = {v["name"] for v in spec.get("volumes") or []}
            mounts = {(m["name"], m["mountPath"]) for c in spec["containers"] for m in c.get("volumeMounts") or []}
            if names != {"ca-bundle", "client-certs"} or mounts != {("ca-bundle", "/etc/glocal/ca"), ("client-certs", "/etc/glocal/pg")}:
                fail(f"helm volumes: {doc['kind']}/{doc['metadata']['name']} lacks the CA bundle or the extra volume ({names}, {mounts})")
    print("helm volumes: the CA bundle and extraVolumes reach every Deployment and the migration Job")
    extra_docs = render(extra_values, "extra-rules")
    check_ingress(extra_docs, chart.merge_values(extra_values), "helm extra-rules")
    check_egress(extra_docs, chart.merge_values(extra_values), "helm extra-rules")
    if not any(("TCP", 8443, "cidr:10.8.0.0/16") in egress_of(d, default_values["networkPolicy"]["dns"]) for d in extra_docs if d.get("kind") == "NetworkPolicy"):
        fail("networkPolicy.extraEgress.gateway is not rendered")
    for values, why in (
        ({"terminationGracePeriodSeconds": 20}, "a grace period shorter than shutdown delay + drain"),
        ({"gateway": {"autoscaling": {"minReplicas": 5, "maxReplicas": 3}}}, "HPA minReplicas above maxReplicas"),
        ({"services": {"requests": {"podDisruptionBudget": {"enabled": True, "maxUnavailable": 0}}}}, "a PDB of maxUnavailable 0"),
    ):
        check_render_refused(values, why)
    check_render_refused(
        deep_merge(production, {"networkPolicy": {"gatewayApiFrom": []}}),
        "an HTTPRoute behind a restricted gateway without the Gateway API data plane's peers",
    )
    check_render_refused({"portal": {"oidc": {"clientId": "glocal-portal"}}}, "a portal client id without auth.oidcIssuer")

    print("== portal")
    check_portal(default_docs, default_values, "helm default")
    check_portal(production_docs, production_values, "helm production")
    for overlay, docs in overlays.items():
        check_portal(docs, overlay_values[overlay], f"kustomize {overlay}")
    # Without the portal: nothing of it, and the gateway and the test pods as before it.
    no_portal = deep_merge(production, {"portal": {"enabled": False}})
    no_portal_docs = render(no_portal, "production-no-portal")
    no_portal_values = chart.merge_values(no_portal)
    validate(no_portal_docs, "helm production-no-portal")
    check_portal(no_portal_docs, no_portal_values, "helm production-no-portal")
    check_secret_scoping(no_portal_docs, "helm production-no-portal", no_portal_values)
    check_egress(no_portal_docs, no_portal_values, "helm production-no-portal")
    check_ingress(no_portal_docs, no_portal_values, "helm production-no-portal")

    print("== gRPC balancing")
    check_balanced_urls(default_docs, default_values, "helm default")
    check_balanced_urls(production_docs, chart.merge_values(production), "helm production")
    for overlay, docs in overlays.items():
        check_balanced_urls(docs, overlay_values[overlay], f"kustomize {overlay}")

    print("== PostgreSQL connections at the HPA maximums")
    check_connection_budget(default_docs, default_values, "helm default")
    check_connection_budget(production_docs, chart.merge_values(production), "helm production")
    check_connection_budget(ops_docs, chart.merge_values(ops_values), "helm operations")
    for overlay, docs in overlays.items():
        check_connection_budget(docs, overlay_values[overlay], f"kustomize {overlay}")

    print("== checkov")
    checkov()

    if failures:
        print(f"\ncheck-deploy: {len(failures)} problem(s)")
        return 1
    print("\ncheck-deploy: all deploy checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
