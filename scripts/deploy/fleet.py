"""The Ten fleet of deploy/ as data: its Argo CD Applications and their Helm renders.

Owns discovery (roots -> environment app-of-apps -> component apps, the way Argo CD walks
them), the resolution of each app's Helm release, namespace and value files, and rendering
through the real-Helm oracle (../shared/tools/helm-template). Renders are cached in a
directory (DEPLOY_RENDER_DIR) so the checks and the tests share one rendering pass.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
ENVIRONMENTS_DIR = DEPLOY / "environments"
SHARED = REPO.parent / "shared"
HELM_TEMPLATE = SHARED / "tools" / "helm-template"

REPO_URL = "https://github.com/capstan-gitops/capstan.git"
# environment -> cluster (the root app-of-apps that owns it)
ENVIRONMENTS = {
    "dev": "nonprod",
    "uat": "nonprod",
    "sepolia": "nonprod",
    "testnet": "nonprod",
    "mainnet": "prod",
}
CLUSTERS = ("nonprod", "prod")


class FleetError(Exception):
    """A manifest of deploy/ that cannot be understood or rendered."""


@dataclass
class App:
    """One component Application with a Helm source."""

    name: str
    env: str
    file: Path
    manifest: dict
    chart_dir: Path
    release: str
    namespace: str
    value_files: list[Path] = field(default_factory=list)

    def helm_args(self) -> list[str]:
        args = ["template", self.release, str(self.chart_dir), "-n", self.namespace]
        for f in self.value_files:
            args += ["-f", str(f)]
        return args

    def stock_helm_command(self) -> str:
        """The same render with a stock helm binary, from the repository root."""
        rel = lambda p: os.path.relpath(p, REPO)  # noqa: E731
        vf = " ".join("-f %s" % rel(f) for f in self.value_files)
        return "helm template %s %s -n %s %s" % (self.release, rel(self.chart_dir), self.namespace, vf)


def load_yaml_docs(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [d for d in yaml.safe_load_all(fh) if d is not None]


def _git_path(path_in_repo: str) -> Path:
    p = (REPO / path_in_repo).resolve()
    if REPO.resolve() not in p.parents and p != REPO.resolve():
        raise FleetError("path %s leaves the repository" % path_in_repo)
    return p


def roots() -> dict[str, dict]:
    """cluster -> root Application manifest."""
    out = {}
    for c in CLUSTERS:
        docs = load_yaml_docs(ENVIRONMENTS_DIR / c / "root.yaml")
        if len(docs) != 1:
            raise FleetError("%s/root.yaml must hold exactly one Application" % c)
        out[c] = docs[0]
    return out


def projects() -> dict[str, dict]:
    """cluster -> the AppProject its root creates for the component apps."""
    out = {}
    for cluster, root in roots().items():
        found = [d for _, d in directory_manifests(root["spec"]["source"]) if d.get("kind") == "AppProject"]
        if len(found) != 1:
            raise FleetError("cluster %s must define exactly one AppProject" % cluster)
        out[cluster] = found[0]
    return out


def directory_manifests(source: dict) -> list[tuple[Path, dict]]:
    """The manifests a directory source yields, as Argo CD reads them (recurse or not)."""
    base = _git_path(source["path"])
    recurse = bool(source.get("directory", {}).get("recurse", False))
    files = sorted(base.rglob("*") if recurse else base.glob("*"))
    out = []
    for f in files:
        if f.is_file() and f.suffix in (".yaml", ".yml", ".json"):
            for d in load_yaml_docs(f):
                out.append((f, d))
    return out


def env_apps() -> dict[str, dict]:
    """environment -> its app-of-apps Application, found through the cluster roots."""
    out = {}
    for cluster, root in roots().items():
        for f, d in directory_manifests(root["spec"]["source"]):
            if d.get("kind") == "AppProject":
                continue
            env = d.get("metadata", {}).get("labels", {}).get("ten.xyz/environment")
            if env in out:
                raise FleetError("environment %s has two app-of-apps (%s)" % (env, f))
            out[env] = d
    return out


def component_apps() -> list[App]:
    """Every component Application of every environment, in environment then file order."""
    apps = []
    envs = env_apps()
    for env in ENVIRONMENTS:
        if env not in envs:
            raise FleetError("no app-of-apps for environment %s" % env)
        for f, d in directory_manifests(envs[env]["spec"]["source"]):
            if d.get("kind") != "Application":
                raise FleetError("%s: %s found where only Applications belong" % (f, d.get("kind")))
            apps.append(_app(env, f, d))
    return apps


def _app(env: str, f: Path, d: dict) -> App:
    spec = d["spec"]
    src = spec.get("source")
    if src is None or "helm" not in src:
        raise FleetError("%s: expected a single Helm source" % f)
    chart_dir = _git_path(src["path"])
    helm = src["helm"]
    files = []
    for vf in helm.get("valueFiles", []):
        if vf.startswith("$"):
            raise FleetError("%s: multi-source $ref value files are not used in this repository" % f)
        p = (chart_dir / vf).resolve()
        if REPO.resolve() not in p.parents:
            raise FleetError("%s: value file %s leaves the repository" % (f, vf))
        files.append(p)
    return App(
        name=d["metadata"]["name"],
        env=env,
        file=f,
        manifest=d,
        chart_dir=chart_dir,
        release=helm.get("releaseName") or d["metadata"]["name"],
        namespace=spec["destination"]["namespace"],
        value_files=files,
    )


def render_dir() -> Path | None:
    d = os.environ.get("DEPLOY_RENDER_DIR")
    return Path(d) if d else None


def render(app: App) -> str:
    """`helm template` output of the app (real Helm), from the cache when there is one."""
    cache = render_dir()
    if cache is not None:
        hit = cache / (app.name + ".yaml")
        if hit.exists():
            return hit.read_text(encoding="utf-8")
    r = subprocess.run([str(HELM_TEMPLATE)] + app.helm_args(), capture_output=True, text=True)
    if r.returncode != 0:
        raise FleetError("%s: helm template failed: %s" % (app.name, r.stderr.strip()))
    if cache is not None:
        (cache / (app.name + ".yaml")).write_text(r.stdout, encoding="utf-8")
    return r.stdout


def rendered_docs(app: App) -> list[dict]:
    return [d for d in yaml.safe_load_all(render(app)) if d is not None]


def values_files() -> list[Path]:
    """Every values file of the repository: chart defaults, CI lint values, environments."""
    out = sorted(DEPLOY.glob("charts/*/values.yaml"))
    out += sorted(DEPLOY.glob("charts/*/ci/*.yaml"))
    out += sorted(ENVIRONMENTS_DIR.glob("*/values/*.yaml"))
    return out
