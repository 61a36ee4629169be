"""Validation of rendered documents against the Kubernetes 1.33 JSON schemas.

Built-in kinds are validated strictly (unknown fields rejected) with the schemas shipped in
the PyPI package kubernetes-validate. Custom resources (ExternalSecret, IngressRoute,
Application) have no schema there: their metadata is validated as a Kubernetes ObjectMeta
and their spec against the small structural rules below, and they are reported as
"structure-checked, not schema-validated" so nobody mistakes them for a full validation.
"""

from __future__ import annotations

import re

import jsonschema
import kubernetes_validate

KUBE_VERSION = "1.33.0"

_DURATION = {"type": "string", "pattern": r"^([0-9]+(\.[0-9]+)?(ns|us|ms|s|m|h))+$"}
_STR = {"type": "string", "minLength": 1}


def _obj(props: dict, required: tuple = ()) -> dict:
    return {"type": "object", "additionalProperties": False, "properties": props, "required": list(required)}


# ExternalSecret, external-secrets.io/v1 (the fields this repository uses, closed).
_EXTERNAL_SECRET_SPEC = _obj(
    {
        "refreshInterval": _DURATION,
        "secretStoreRef": _obj({"kind": {"enum": ["SecretStore", "ClusterSecretStore"]}, "name": _STR}, ("kind", "name")),
        "target": _obj(
            {
                "name": _STR,
                "creationPolicy": {"enum": ["Owner", "Orphan", "Merge", "None"]},
                "deletionPolicy": {"enum": ["Delete", "Merge", "Retain"]},
            },
            ("name",),
        ),
        "data": {
            "type": "array",
            "minItems": 1,
            "items": _obj(
                {
                    "secretKey": _STR,
                    "remoteRef": _obj(
                        {
                            "key": _STR,
                            "property": {"type": "string"},
                            "version": {"type": "string"},
                            "conversionStrategy": {"enum": ["Default", "Unicode"]},
                            "decodingStrategy": {"enum": ["Auto", "Base64", "Base64URL", "None"]},
                            "metadataPolicy": {"enum": ["None", "Fetch"]},
                        },
                        ("key",),
                    ),
                },
                ("secretKey", "remoteRef"),
            ),
        },
    },
    ("secretStoreRef", "target", "data"),
)

# IngressRoute, traefik.io/v1alpha1.
_INGRESS_ROUTE_SPEC = _obj(
    {
        "entryPoints": {"type": "array", "items": _STR, "minItems": 1},
        "routes": {
            "type": "array",
            "minItems": 1,
            "items": _obj(
                {
                    "kind": {"enum": ["Rule"]},
                    "match": {"type": "string", "pattern": r"^Host\(`[^`]+`\)( \|\| Host\(`[^`]+`\))*$"},
                    "services": {
                        "type": "array",
                        "minItems": 1,
                        "items": _obj({"name": _STR, "port": {"type": ["integer", "string"]}}, ("name", "port")),
                    },
                },
                ("kind", "match", "services"),
            ),
        },
        "tls": _obj({"certResolver": _STR, "secretName": _STR}),
    },
    ("routes",),
)

_SYNC_OPTIONS = {
    "CreateNamespace=true", "PruneLast=true", "RespectIgnoreDifferences=true", "ServerSideApply=true",
    "ApplyOutOfSyncOnly=true", "Validate=false", "PrunePropagationPolicy=foreground",
    "PrunePropagationPolicy=background", "Replace=true", "FailOnSharedResource=true",
}

# Application, argoproj.io/v1alpha1 (closed over the fields this repository uses).
_APPLICATION_SPEC = _obj(
    {
        "project": _STR,
        "source": _obj(
            {
                "repoURL": _STR,
                "targetRevision": _STR,
                "path": _STR,
                "chart": _STR,
                "ref": _STR,
                "directory": _obj({"recurse": {"type": "boolean"}, "include": {"type": "string"}, "exclude": {"type": "string"}}),
                "helm": _obj(
                    {
                        "releaseName": _STR,
                        "valueFiles": {"type": "array", "items": _STR},
                        "ignoreMissingValueFiles": {"type": "boolean"},
                        "passCredentials": {"type": "boolean"},
                        "skipCrds": {"type": "boolean"},
                    }
                ),
            },
            ("repoURL", "targetRevision"),
        ),
        "destination": _obj({"server": _STR, "name": _STR, "namespace": _STR}, ("namespace",)),
        "syncPolicy": _obj(
            {
                "automated": _obj({"prune": {"type": "boolean"}, "selfHeal": {"type": "boolean"}, "allowEmpty": {"type": "boolean"}}),
                "syncOptions": {"type": "array", "items": {"enum": sorted(_SYNC_OPTIONS)}, "uniqueItems": True},
                "retry": {"type": "object"},
            }
        ),
        "ignoreDifferences": {
            "type": "array",
            "items": _obj(
                {
                    "group": {"type": "string"},
                    "kind": _STR,
                    "name": _STR,
                    "namespace": _STR,
                    "jsonPointers": {"type": "array", "items": {"type": "string", "pattern": "^/"}},
                    "jqPathExpressions": {"type": "array", "items": {"type": "string", "pattern": r"^\."}},
                    "managedFieldsManagers": {"type": "array", "items": _STR},
                },
                ("kind",),
            ),
        },
    },
    ("project", "source", "destination"),
)

# AppProject, argoproj.io/v1alpha1 (closed over the fields used here).
_APP_PROJECT_SPEC = _obj(
    {
        "description": {"type": "string"},
        "sourceRepos": {"type": "array", "items": _STR, "minItems": 1},
        "destinations": {
            "type": "array",
            "minItems": 1,
            "items": _obj({"server": _STR, "name": _STR, "namespace": _STR}),
        },
        "clusterResourceWhitelist": {"type": "array", "items": _obj({"group": {"type": "string"}, "kind": _STR}, ("group", "kind"))},
        "namespaceResourceBlacklist": {"type": "array", "items": _obj({"group": {"type": "string"}, "kind": _STR}, ("group", "kind"))},
    },
    ("sourceRepos", "destinations"),
)

CRDS = {
    ("external-secrets.io/v1", "ExternalSecret"): _EXTERNAL_SECRET_SPEC,
    ("traefik.io/v1alpha1", "IngressRoute"): _INGRESS_ROUTE_SPEC,
    ("argoproj.io/v1alpha1", "Application"): _APPLICATION_SPEC,
    ("argoproj.io/v1alpha1", "AppProject"): _APP_PROJECT_SPEC,
}

_ARGO_ANNOTATION = re.compile(r"^argocd\.argoproj\.io/")
_KNOWN_ARGO_ANNOTATIONS = {
    "argocd.argoproj.io/sync-wave", "argocd.argoproj.io/hook", "argocd.argoproj.io/hook-delete-policy",
    "argocd.argoproj.io/sync-options", "argocd.argoproj.io/compare-options",
}


class Invalid(Exception):
    """A document that does not validate."""


def _meta_check(doc: dict) -> None:
    # ObjectMeta is validated through a carrier kind whose only required field is metadata.
    carrier = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": doc.get("metadata")}
    try:
        kubernetes_validate.validate(carrier, KUBE_VERSION, strict=True)
    except kubernetes_validate.ValidationError as e:
        raise Invalid("metadata: %s" % e.message) from None


def _annotation_check(doc: dict) -> None:
    ann = (doc.get("metadata") or {}).get("annotations") or {}
    for k in ann:
        if _ARGO_ANNOTATION.match(k) and k not in _KNOWN_ARGO_ANNOTATIONS:
            raise Invalid("unknown Argo CD annotation %s (Argo CD would ignore it)" % k)


def validate(doc: dict) -> str:
    """Validate one document. Returns "schema" or "structure" (CRD); raises Invalid."""
    if not isinstance(doc, dict) or "kind" not in doc or "apiVersion" not in doc:
        raise Invalid("not a Kubernetes object")
    _annotation_check(doc)
    key = (doc["apiVersion"], doc["kind"])
    if key in CRDS:
        _meta_check(doc)
        extra = set(doc) - {"apiVersion", "kind", "metadata", "spec"}
        if extra:
            raise Invalid("unexpected top-level fields %s" % sorted(extra))
        try:
            jsonschema.validate(doc.get("spec"), CRDS[key])
        except jsonschema.ValidationError as e:
            path = "/".join(str(p) for p in e.absolute_path)
            raise Invalid("spec/%s: %s" % (path, e.message)) from None
        return "structure"
    try:
        kubernetes_validate.validate(doc, KUBE_VERSION, strict=True)
    except kubernetes_validate.SchemaNotFoundError:
        raise Invalid("no Kubernetes %s schema for %s %s and no structural rules" % (KUBE_VERSION, *key)) from None
    except kubernetes_validate.ValidationError as e:
        path = "/".join(str(p) for p in e.path)
        raise Invalid("%s: %s" % (path, e.message)) from None
    return "schema"
